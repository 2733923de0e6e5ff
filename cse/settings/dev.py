"""The one-command demo: SQLite, in-memory channel layer, demo logins, no second factor."""

import os

os.environ.setdefault("CSE_DEMO", "1")
os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F403
