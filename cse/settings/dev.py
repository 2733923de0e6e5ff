"""The one-command demo: SQLite, in-memory channel layer, demo logins, no second factor."""

import os

os.environ.setdefault("CSE_DEMO", "1")
# The demo shows the product as its users see it (Italian error pages, not Django's debug pages): DEBUG=1 turns the
# developer pages on; static files are served by `runserver --insecure` (dev.py demo) either way.
os.environ.setdefault("DEBUG", "0")

from .base import *  # noqa: E402,F403
