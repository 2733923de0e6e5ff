"""Start-up checks for production settings (kept apart so they can be tested without importing prod)."""

from django.core.exceptions import ImproperlyConfigured

from .base import INSECURE_PSEUDONYM_KEY, INSECURE_SECRET_KEY


def check_production_settings(settings: dict) -> None:
    """Raise if a production deployment would run with a guessable key or in demo mode."""
    if settings["SECRET_KEY"] in ("", INSECURE_SECRET_KEY) or len(settings["SECRET_KEY"]) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY mancante o di default: impostare una chiave casuale di almeno 32 caratteri."
        )
    key = settings["CSE_PSEUDONYM_KEY"]
    if key in ("", INSECURE_PSEUDONYM_KEY) or len(key) < 32:
        raise ImproperlyConfigured(
            "CSE_PSEUDONYM_KEY mancante o di default: impostare una chiave casuale di almeno 32 caratteri."
        )
    if settings["CSE_DEMO"]:
        raise ImproperlyConfigured("CSE_DEMO non può essere attivo in produzione.")
    if settings["DEBUG"]:
        raise ImproperlyConfigured("DEBUG non può essere attivo in produzione.")
