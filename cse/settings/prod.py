"""Production: refuses to start with the demo's defaults (secret key, pseudonymisation key, demo mode)."""

import os

os.environ.setdefault("CSE_DEMO", "0")

from .base import *  # noqa: E402,F403
from .checks import check_production_settings  # noqa: E402

DEBUG = False
CSE_REQUIRE_OTP = True
check_production_settings(globals())

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Allows (does not perform) submission to the browsers' preload list: the service is HTTPS-only anyway.
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "cse.core.staticfiles.StaticFilesStorage"},
}
# The app servers serve the hashed static files themselves (far-future caching): no separate web server to keep in
# step with releases. Right after SecurityMiddleware, as WhiteNoise asks.
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1  # noqa: F405
MIDDLEWARE.insert(_after_security, "whitenoise.middleware.WhiteNoiseMiddleware")  # noqa: F405

if CSE_CITIZEN_LOGIN == "test":  # noqa: F405
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Il login di prova dei cittadini non è ammesso in produzione (CSE_CITIZEN_LOGIN).")
