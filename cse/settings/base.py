"""Settings shared by every environment; everything that differs between machines comes from the environment."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

# Values that production refuses to start with (see prod.py).
INSECURE_SECRET_KEY = "insecure-demo-secret-key-change-me"  # noqa: S105
INSECURE_PSEUDONYM_KEY = "insecure-demo-pseudonym-key"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "si", "sì"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# Demo mode: test identities, no TOTP second factor. Never on in production (prod.py refuses it).
CSE_DEMO = env_bool("CSE_DEMO", False)
CSE_REQUIRE_OTP = env_bool("CSE_REQUIRE_OTP", not CSE_DEMO)

# Pseudonymisation of events sent to the regional tier (architecture promise 5): HMAC-SHA256, rotatable by version tag.
CSE_PSEUDONYM_KEY = os.environ.get("CSE_PSEUDONYM_KEY", INSECURE_PSEUDONYM_KEY)
CSE_PSEUDONYM_KEY_VERSION = os.environ.get("CSE_PSEUDONYM_KEY_VERSION", "v1")

# Outbox relay: in-process right after each commit in the demo; a `manage.py relay_outbox --loop` worker otherwise.
CSE_RELAY_INLINE = env_bool("CSE_RELAY_INLINE", CSE_DEMO)
CSE_REGIONAL_SENDER = os.environ.get("CSE_REGIONAL_SENDER", "cse.regionale.ingest.ingest_event")

# The case worklist's transmission problems (port in cse.cartella.selectors.transmission_worklist): the SIUSS tier.
CSE_TRANSMISSION_WORKLIST = "cse.siuss.selectors.siuss_worklist"
# Today's front-office appointments on the operator's "Oggi" page (port in cse.cartella.views_oggi): the citizen tier.
CSE_AGENDA_OGGI = "cse.cittadino.selectors.appuntamenti_oggi"

# Persistent connections are health-checked before reuse: after a database restart each process reconnects on its
# next request instead of failing it (fault drill in bench/fault_drill.py).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cse.sqlite3'}"), conn_max_age=60, conn_health_checks=True
    ),
    "regionale": dj_database_url.parse(
        os.environ.get("REGIONALE_DATABASE_URL", f"sqlite:///{VAR_DIR / 'regionale.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    ),
}
for _alias, _db in DATABASES.items():
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        _db["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
        _db["CONN_MAX_AGE"] = 0
    _db["TEST"] = {"NAME": None}
DATABASE_ROUTERS = ["cse.routers.RegionaleRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Web worker processes (WEB_CONCURRENCY, which uvicorn and gunicorn read too): more than one needs REDIS_URL.
CSE_WEB_WORKERS = int(os.environ.get("WEB_CONCURRENCY", "1"))
if REDIS_URL:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions stay in the database even with Redis: ending a session deletes its row, and the gate (HTTP and the
    # websocket re-check) must see that at once; a cached copy (cached_db) would keep a revoked session alive.
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Used token ids (jti of PDND vouchers and ModI answers, cse/core/replay.py): "redis" when REDIS_URL is set (shared
# by every app server process), else "db" (table core.UsedTokenId, embedded default).
CSE_JTI_STORE = os.environ.get("CSE_JTI_STORE", "redis" if REDIS_URL else "db")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "channels",
    "cse.core",
    "cse.cartella",
    "cse.locale.apps.LocaleConfig",
    "cse.ambito",
    "cse.regionale",
    "cse.demo",
    "cse.siuss",
    "cse.bandi",
    "cse.compartecipazione",
    # citizen portal: Wagtail CMS and the front-office booking
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "cse.cittadino",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files: hashed names, far-future caching, gzip/brotli copies (served by the app servers in every mode).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cse.core.middleware.SecurityHeadersMiddleware",
    "cse.core.middleware.NoStoreForPersonalDataMiddleware",  # outside the session and auth layers: sees every reply
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cse.core.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cse.core.middleware.AuthenticationGateMiddleware",  # cse/core/gate.py: second factor, timeouts, active, role
    "cse.core.middleware.CitizensOutsideOperatorAreaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cse.urls"
CSRF_FAILURE_VIEW = "cse.core.errors.csrf_failure"
ASGI_APPLICATION = "cse.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cse.core.context_processors.operator_context",
            ],
            # |data, |data_ora, |giorno, |giorno_ora, |mese: the product's date formats, in every template
            "builtins": ["cse.core.templatetags.date_it"],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # citizen SPID/CIE OpenID Connect; inert unless CSE_CITIZEN_LOGIN == "oidc" (never authenticates operators)
    "cse.cittadino.oidc.CitizenOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "cse.core.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "cse.core.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "cse.core.password_validation.CommonPasswordValidator"},
    {"NAME": "cse.core.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after inactivity: requests renew the window, writing the session row at most once a minute
# (cse.core.middleware.SessionRenewalMiddleware) instead of on every request.
SESSION_COOKIE_AGE = int(os.environ.get("CSE_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = False
CSE_SESSION_RENEW_SECONDS = int(os.environ.get("CSE_SESSION_RENEW_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# ...and in any case this long after login (cse.core.gate, all transports): a working day.
CSE_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("CSE_SESSION_ABSOLUTE_SECONDS", str(10 * 3600)))
# Open websockets re-run the authentication gate this often (logout, deactivation, revocation also close them at once).
CSE_WS_RECHECK_SECONDS = float(os.environ.get("CSE_WS_RECHECK_SECONDS", "5"))
# Exports and transfer requests need the password entered within this many minutes ("Conferma la tua password").
CSE_REAUTH_MINUTES = int(os.environ.get("CSE_REAUTH_MINUTES", "10"))

# Security headers (cse.core.middleware.SecurityHeadersMiddleware; Django's SecurityMiddleware adds nosniff,
# Referrer-Policy same-origin and COOP). Wagtail's admin keeps its own inline scripts and same-origin previews.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CSE_CSP_EXEMPT_PREFIXES = ("/cms/",)

# Access log and change history are kept at least 24 months (Garante privacy 2015); purge_audit never goes below.
CSE_AUDIT_RETENTION_MONTHS = max(24, int(os.environ.get("CSE_AUDIT_RETENTION_MONTHS", "24")))

# Lock-out after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("CSE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CSE_LOGIN_COOLOFF_MINUTES", "15")))
# Per account: front offices often share one NAT address, so locking by IP would lock out a whole office.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True

OTP_TOTP_ISSUER = "CSE"
# First TOTP enrolment needs a one-time code from the ente's administrator, valid this many hours.
CSE_OTP_ACTIVATION_HOURS = int(os.environ.get("CSE_OTP_ACTIVATION_HOURS", "72"))

# django-guardian: no anonymous user row; object permissions only through our direct-FK models.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano")]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["cse.core.formats"]  # dates as dd/mm/yyyy (Django's Italian default writes the month out)

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Hashed names and pre-compressed copies made by `collectstatic` (dev.py demo and scripts/production.py run it);
# WhiteNoise serves them with a one-year immutable Cache-Control. Tests use the plain storage (settings/test.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "cse.core.staticfiles.StaticFilesStorage"},
}
# Uploaded documents (stored under their SHA-256): a persistent, backed-up volume in production.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# SIUSS WaaS e-service (cse/siuss/voucher.py): PDND vouchers are verified against these public keys (a JWKS as JSON
# in SIUSS_PDND_JWKS, or a file path in SIUSS_PDND_JWKS_FILE) and this issuer. Audience and purpose ids are per ente
# (siuss.EserviceWaas). The demo writes a runtime-generated key pair under var/ (manage.py siuss_voucher_demo).
SIUSS_PDND_ISSUER = os.environ.get("SIUSS_PDND_ISSUER", "interop.pagopa.it")
SIUSS_PDND_JWKS = os.environ.get("SIUSS_PDND_JWKS", "")
SIUSS_PDND_JWKS_FILE = os.environ.get("SIUSS_PDND_JWKS_FILE", str(VAR_DIR / "siuss-demo-jwks.json") if CSE_DEMO else "")
SIUSS_VOUCHER_LEEWAY_SECONDS = int(os.environ.get("SIUSS_VOUCHER_LEEWAY_SECONDS", "30"))
# A voucher whose exp - iat exceeds this is refused (PDND vouchers last minutes; a long one widens the replay window).
SIUSS_VOUCHER_MAX_LIFETIME_SECONDS = int(os.environ.get("SIUSS_VOUCHER_MAX_LIFETIME_SECONDS", "600"))
# --- interop/: external systems (README "Sistemi esterni"). Defaults: the local simulators (`manage.py
# run_simulators`, ports CSE_SIMULATORI_PORTA + 0..7); production sets CSE_<SISTEMA>_URL/_AUDIENCE/_JWKS_URL and
# CSE_PDND_CLIENTS_FILE (per-ente client id, kid, private key file, purpose ids — never in the repository).
INSTALLED_APPS += ["interop"]
# Ports of the domain (cse/cartella/ports.py, cse/ambito/ports.py) → their adapter class (docs/interop/README.md).
CSE_ADAPTERS = {
    "anagrafe": "interop.adapters.AnagrafeAnpr",
    "isee": "interop.adapters.IseeInps",
    "sistemi_regionali": "interop.adapters.SistemiRegionaliPuglia",
    "provenienze": "interop.adapters.ProvenienzeDb",
    "piano_di_zona": "interop.adapters.OsservatorioPuglia",
    "protocollo": "interop.adapters.ProtocolloHttp",
    "pagopa": "interop.adapters.PagoPaGpd",
    "appio": "interop.adapters.AppIoServizi",
}
# Protocollo informatico (cse/core/protocollo.py): ente code → {"amministrazione": IPA code, "aoo": AOO code,
# "registro": register code}, as JSON in CSE_PROTOCOLLO_AOO; an ente not listed gets c_<belfiore>, AOO_<CODICE>.
CSE_PROTOCOLLO_AOO = json.loads(os.environ.get("CSE_PROTOCOLLO_AOO", "{}"))
# Demo: register the queued documents right after the commit that queued them (production runs the
# `registra_protocollo --loop` worker of scripts/production.py).
CSE_PROTOCOLLO_INLINE = env_bool("CSE_PROTOCOLLO_INLINE", CSE_DEMO)
# pagoPA (cse/core/pagamenti.py): the ente creditore's segregation code (aux digit 3 notices) and its fiscal code by
# ente code, as JSON in CSE_PAGOPA_ENTI ({"F284": {"codice_fiscale": "...", "segregazione": "01"}}).
CSE_PAGOPA_ENTI = json.loads(os.environ.get("CSE_PAGOPA_ENTI", "{}"))
# Demo: issue the queued compartecipazione notices on pagoPA right after the commit that queued them (production runs
# the `compartecipazione_pagopa --loop` worker of scripts/production.py, which also reconciles the receipts).
CSE_PAGOPA_INLINE = env_bool("CSE_PAGOPA_INLINE", CSE_DEMO)
CSE_SIMULATORI_HOST = os.environ.get("CSE_SIMULATORI_HOST", "127.0.0.1")
CSE_SIMULATORI_PORTA = int(os.environ.get("CSE_SIMULATORI_PORTA", "8790"))
_INTEROP_SYSTEMS = [
    ("pdnd", "/token.oauth2"),
    ("anpr", ""),
    ("inps_isee", "/ConsultazioneISEE"),
    ("edotto", ""),
    ("lavoro", ""),
    ("puglia_sociale", ""),
    ("dss", ""),
    ("osservatorio", ""),
    ("oidc", ""),  # offset 8 is the citizen login simulator (not an e-service: removed just below)
    ("protocollo", ""),
    ("pagopa", ""),
    ("appio", ""),
]
CSE_INTEROP_SERVICES = {}
for _offset, (_name, _path) in enumerate(_INTEROP_SYSTEMS):
    _env, _base = f"CSE_{_name.upper()}", f"http://{CSE_SIMULATORI_HOST}:{CSE_SIMULATORI_PORTA + _offset}"
    CSE_INTEROP_SERVICES[_name] = {
        "url": os.environ.get(f"{_env}_URL", _base + _path),
        "audience": os.environ.get(f"{_env}_AUDIENCE", f"simulatore/{_name}"),
        "jwks_url": os.environ.get(f"{_env}_JWKS_URL", _base + "/.well-known/jwks.json"),
    }
del CSE_INTEROP_SERVICES["oidc"]  # configured by CSE_OIDC_* below
# Protocol and pagoPA are called directly (not through PDND): an API key of the ente's protocol system, the GPD
# subscription key (Ocp-Apim-Subscription-Key) of the ente's pagoPA station.
CSE_INTEROP_SERVICES["protocollo"]["api_key"] = os.environ.get("CSE_PROTOCOLLO_API_KEY", "chiave-simulatore")
CSE_INTEROP_SERVICES["pagopa"]["api_key"] = os.environ.get("CSE_PAGOPA_API_KEY", "chiave-simulatore")
# App IO (cse/core/appio.py): the subscription key of the ente's IO service (one service for the bandi notices).
CSE_INTEROP_SERVICES["appio"]["api_key"] = os.environ.get("CSE_APPIO_API_KEY", "chiave-simulatore")
CSE_PDND_CLIENTS_FILE = os.environ.get("CSE_PDND_CLIENTS_FILE", "")
CSE_INTEROP_KEYS_DIR = os.environ.get("CSE_INTEROP_KEYS_DIR", str(VAR_DIR / "interop"))
CSE_INTEROP_TIMEOUT_SECONDS = float(os.environ.get("CSE_INTEROP_TIMEOUT_SECONDS", "4"))
CSE_INTEROP_CONNECT_TIMEOUT_SECONDS = float(os.environ.get("CSE_INTEROP_CONNECT_TIMEOUT_SECONDS", "2"))
CSE_INTEROP_RETRIES = int(os.environ.get("CSE_INTEROP_RETRIES", "2"))
CSE_INTEROP_BACKOFF_SECONDS = float(os.environ.get("CSE_INTEROP_BACKOFF_SECONDS", "0.3"))
CSE_INTEROP_BREAKER_FAILURES = int(os.environ.get("CSE_INTEROP_BREAKER_FAILURES", "5"))
CSE_INTEROP_BREAKER_RESET_SECONDS = float(os.environ.get("CSE_INTEROP_BREAKER_RESET_SECONDS", "30"))
# Citizen portal: Wagtail CMS, citizen login, front-office booking.
WAGTAIL_SITE_NAME = "Servizi sociali — portale del cittadino"
# The public https:// address of the service (links in e-mails); only the demo has a default.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000" if CSE_DEMO else "")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Largest request body accepted at all: cse.core.asgi_limits answers 413 before reading more (uploads are <= 10 MB).
CSE_MAX_REQUEST_BYTES = int(os.environ.get("CSE_MAX_REQUEST_BYTES", str(20 * 1024 * 1024)))
# Django's in-memory thresholds never exceed it (above them a form body is refused, a file spools to disk).
DATA_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, CSE_MAX_REQUEST_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, CSE_MAX_REQUEST_BYTES)
# Citizen identity: "oidc" (CIE id / SPID OpenID Connect; the demo's default, against the SPID/CIE simulator of
# `manage.py run_simulators`), or the start URL of a SPID/CIE relying-party library whose callback calls
# cse.cittadino.auth.citizen_login(...), or "" (no login). See docs/cittadino.md. "test" (a page choosing a synthetic
# citizen) exists for the test suite only: settings/test.py sets it, the environment cannot.
CSE_CITIZEN_LOGIN = os.environ.get("CSE_CITIZEN_LOGIN", "oidc" if CSE_DEMO else "")
if CSE_CITIZEN_LOGIN == "test":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CSE_CITIZEN_LOGIN=test esiste solo per i test (cse.settings.test): usare oidc.")
# "oidc": CIE id / SPID OIDC through mozilla-django-oidc (authorization code + PKCE, RS256). All by environment;
# in demo mode the defaults point at the local OIDC simulator (manage.py run_simulators).
_OIDC_SIM = f"http://{CSE_SIMULATORI_HOST}:{CSE_SIMULATORI_PORTA + 8}" if CSE_DEMO else ""
CSE_OIDC_ISSUER = os.environ.get("CSE_OIDC_ISSUER", _OIDC_SIM)
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("CSE_OIDC_AUTHORIZATION_ENDPOINT", CSE_OIDC_ISSUER + "/authorize")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("CSE_OIDC_TOKEN_ENDPOINT", CSE_OIDC_ISSUER + "/token")
OIDC_OP_USER_ENDPOINT = os.environ.get("CSE_OIDC_USERINFO_ENDPOINT", CSE_OIDC_ISSUER + "/userinfo")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("CSE_OIDC_JWKS_ENDPOINT", CSE_OIDC_ISSUER + "/.well-known/jwks.json")
CSE_OIDC_END_SESSION_ENDPOINT = os.environ.get("CSE_OIDC_END_SESSION_ENDPOINT", _OIDC_SIM and _OIDC_SIM + "/logout")
OIDC_RP_CLIENT_ID = os.environ.get("CSE_OIDC_CLIENT_ID", "cse-demo-portale" if CSE_DEMO else "")
OIDC_RP_CLIENT_SECRET = os.environ.get("CSE_OIDC_CLIENT_SECRET", "segreto-solo-simulatore" if CSE_DEMO else "")
# private_key_jwt (what CIE/SPID federations require): path of the RP's PEM key; replaces the client secret
CSE_OIDC_PRIVATE_KEY_FILE = os.environ.get("CSE_OIDC_PRIVATE_KEY_FILE", "")
CSE_OIDC_PRIVATE_KEY_KID = os.environ.get("CSE_OIDC_PRIVATE_KEY_KID", "")
OIDC_RP_SIGN_ALGO = os.environ.get("CSE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("CSE_OIDC_SCOPES", "openid profile email")
# Lowest SPID/CIE level (acr SpidL1-3) a citizen login may assert; a lower one is refused (cse/cittadino/oidc.py).
CSE_SPID_MIN_LEVEL = int(os.environ.get("CSE_SPID_MIN_LEVEL", "2"))
CSE_OIDC_ACR_VALUES = os.environ.get("CSE_OIDC_ACR_VALUES", "https://www.spid.gov.it/SpidL2")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of RP-initiated logout
OIDC_TIMEOUT = float(os.environ.get("CSE_OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "cittadino:oidc_callback"
# Task queue (django-tasks): production writes tasks in the database in the change's own transaction and
# `manage.py db_worker` runs them; the demo and the tests run them in process after commit (cse/core/tasks.py).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "CSE_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if CSE_DEMO else "django_tasks_db.DatabaseBackend",
        )
    }
}
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # filebased backend only
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@cse.example.invalid")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if CSE_DEMO else "django.core.mail.backends.smtp.EmailBackend",
)
# Break-the-glass and unusual-access alerts. Office hours "7-20" (local time, end excluded); empty disables.
CSE_BREAK_GLASS_MINUTES = int(os.environ.get("CSE_BREAK_GLASS_MINUTES", "120"))
CSE_ALERT_DISTINCT_CARTELLE = int(os.environ.get("CSE_ALERT_DISTINCT_CARTELLE", "20"))
CSE_ALERT_WINDOW_MINUTES = int(os.environ.get("CSE_ALERT_WINDOW_MINUTES", "10"))
_office_hours = os.environ.get("CSE_ALERT_OFFICE_HOURS", "7-20").strip()
CSE_ALERT_OFFICE_HOURS = tuple(int(h) for h in _office_hours.split("-")) if _office_hours else None
# A booking's e-mail link (receipt, PDF, .ics, cancel, move) stops working this many days after the appointment.
CSE_BOOKING_RECEIPT_DAYS = int(os.environ.get("CSE_BOOKING_RECEIPT_DAYS", "30"))
CSE_BOOKING_HOLD_MINUTES = int(os.environ.get("CSE_BOOKING_HOLD_MINUTES", "15"))
CSE_BOOKING_CUTOFF_HOURS = int(os.environ.get("CSE_BOOKING_CUTOFF_HOURS", "24"))
CSE_BOOKING_MIN_LEAD_MINUTES = int(os.environ.get("CSE_BOOKING_MIN_LEAD_MINUTES", "60"))
# Rate limit of booking attempts: at most N per window per client address and per session.
CSE_BOOKING_RATE_LIMIT = int(os.environ.get("CSE_BOOKING_RATE_LIMIT", "20"))
CSE_BOOKING_RATE_WINDOW_SECONDS = int(os.environ.get("CSE_BOOKING_RATE_WINDOW_SECONDS", "600"))

# Errors and warnings to stderr in every mode (the process manager collects them): with DEBUG off Django would
# otherwise only e-mail them to ADMINS. Tracebacks carry code locations, not request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("CSE_LOG_LEVEL", "WARNING")},
    "loggers": {"django": {"level": "WARNING"}},
}
