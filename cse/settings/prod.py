"""Production: refuses to start with the demo's defaults (secret key, pseudonymisation key, demo mode)."""

import os

os.environ.setdefault("CSE_DEMO", "0")

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from .base import *  # noqa: E402,F403
from .base import INSECURE_PSEUDONYM_KEY, INSECURE_SECRET_KEY  # noqa: E402


def check_production_settings(settings: dict) -> None:
    """Raise if a production deployment would run with a guessable key or in demo mode."""
    if settings["SECRET_KEY"] in ("", INSECURE_SECRET_KEY) or len(settings["SECRET_KEY"]) < 32:
        raise ImproperlyConfigured("SECRET_KEY mancante o di default: impostare una chiave casuale di almeno 32 caratteri.")
    key = settings["CSE_PSEUDONYM_KEY"]
    if key in ("", INSECURE_PSEUDONYM_KEY) or len(key) < 32:
        raise ImproperlyConfigured(
            "CSE_PSEUDONYM_KEY mancante o di default: impostare una chiave casuale di almeno 32 caratteri."
        )
    if settings["CSE_DEMO"]:
        raise ImproperlyConfigured("CSE_DEMO non può essere attivo in produzione.")
    if settings["DEBUG"]:
        raise ImproperlyConfigured("DEBUG non può essere attivo in produzione.")


DEBUG = False
CSE_REQUIRE_OTP = True
check_production_settings(globals())

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
