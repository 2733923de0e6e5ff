"""Models of the citizen tier: agendas and bookings (agenda.py) and the Wagtail pages, one module per content type."""

from .agenda import *  # noqa: F401,F403
from .pages.home import RegioneHomePage  # noqa: F401
from .pages.notizia import NotiziaPage  # noqa: F401
from .pages.orari import OrariPage  # noqa: F401
from .pages.servizio import ServizioPage  # noqa: F401
from .pages.sezione import SezioneEntePage  # noqa: F401
