"""Production: refuses to start with the demo's defaults (secret key, pseudonymisation key, demo mode)."""

import os

os.environ.setdefault("CSE_DEMO", "0")

from .base import *  # noqa: E402,F403
from .checks import check_production_settings  # noqa: E402

DEBUG = False
CSE_REQUIRE_OTP = True
check_production_settings(globals())

# One connection pool per process instead of persistent connections: under ASGI each request runs its sync view in a
# thread of its own, and per-thread persistent connections piled up until PostgreSQL refused clients (the load test
# of bench/load_test.py: 24 % of requests failed with 1 worker before this). The pool checks a connection before
# lending it (CONN_HEALTH_CHECKS), so after a database restart a worker reconnects instead of failing the request
# (bench/fault_drill.py).
for _alias, _db in DATABASES.items():  # noqa: F405
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db["CONN_MAX_AGE"] = 0  # Django refuses persistent connections together with a pool
        _db["CONN_HEALTH_CHECKS"] = True  # with a pool, Django passes psycopg_pool's check_connection
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get(f"CSE_DB_POOL_{_alias.upper()}", "10" if _alias == "default" else "4")),
            "timeout": 20,  # seconds a request waits for a free connection before failing
        }

# Compiled templates kept per process. Django's cached loader is only implicit (when "loaders" is unset); spelled out
# here so that adding a loader later cannot silently turn it off and recompile every template on every request.
for _template in TEMPLATES:  # noqa: F405
    _template["APP_DIRS"] = False  # Django refuses APP_DIRS together with explicit loaders
    _template["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
        )
    ]

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Allows (does not perform) submission to the browsers' preload list: the service is HTTPS-only anyway.
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
# Static files (hashed, compressed, served by WhiteNoise on the app servers): STORAGES and MIDDLEWARE in base.py.

if CSE_CITIZEN_LOGIN == "test":  # noqa: F405
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Il login di prova dei cittadini non è ammesso in produzione (CSE_CITIZEN_LOGIN).")
