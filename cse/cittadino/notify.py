"""After-commit side effects of bookings: the citizen's e-mail and the operators' live agenda."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from cse.core.live import group_broadcast

from .agenda import Prenotazione
from .selectors import booking_token


def agenda_group(sportello_id: int) -> str:
    return f"agenda-sportello-{sportello_id}"


def agenda_broadcast(prenotazione: Prenotazione, evento: str) -> None:
    message = {"type": "agenda.changed", "evento": evento, "prenotazione": prenotazione.pk}
    group_broadcast(agenda_group(prenotazione.slot.sportello_id), message)


def citizen_email(prenotazione: Prenotazione, evento: str) -> None:
    from .ics import booking_ics

    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    token = booking_token(prenotazione)
    context = {
        "p": prenotazione,
        "evento": evento,
        "conferma_url": f"{base}{reverse('cittadino:conferma', kwargs={'token': token})}",
        "ricevuta_url": f"{base}{reverse('cittadino:ricevuta', kwargs={'codice': prenotazione.codice})}?t={token}",
        "hold_minutes": settings.CSE_BOOKING_HOLD_MINUTES,
    }
    subject = {
        "richiesta": f"Conferma la prenotazione {prenotazione.codice}",
        "confermata": f"Prenotazione {prenotazione.codice} confermata",
        "spostata": f"Prenotazione {prenotazione.codice} spostata",
        "annullata": f"Prenotazione {prenotazione.codice} annullata",
    }.get(evento, f"Prenotazione {prenotazione.codice}")
    message = EmailMessage(
        subject=subject,
        body=render_to_string("cittadino/email_prenotazione.txt", context),
        to=[prenotazione.email],
    )
    if evento in ("confermata", "spostata"):
        message.attach(f"prenotazione-{prenotazione.codice}.ics", booking_ics(prenotazione), "text/calendar")
    message.send()  # failures are retried by the task queue (cse/core/tasks.py)
