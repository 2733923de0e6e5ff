"""Test settings: fast hasher, locmem cache, in-memory channels unless REDIS_URL is given (CI's PostgreSQL run)."""

import os

os.environ.setdefault("CSE_DEMO", "1")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CSE_REQUIRE_OTP = False
CSE_RELAY_INLINE = False  # tests call the relay explicitly
# Query-count tests compare requests made seconds or minutes apart on a loaded machine: no renewal write between
# them. The renewal itself is tested with the production interval (tests/core/test_sessions_and_headers.py).
CSE_SESSION_RENEW_SECONDS = 3600
CSE_PROTOCOLLO_INLINE = False  # tests call the protocol worker explicitly
CSE_PAGOPA_INLINE = False  # and the pagoPA worker of the compartecipazione too
# The cache stays per process even when REDIS_URL is set: tests reset rate-limit and voucher counters with
# cache.clear(), which on a shared Redis would wipe the counters of the other xdist worker in the middle of its test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No collectstatic before the tests: WhiteNoise serves the source files through the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# interop/: keys made at runtime per test process (never in the repo); short timeouts so failure tests are quick.
import tempfile  # noqa: E402

CSE_INTEROP_KEYS_DIR = tempfile.mkdtemp(prefix="cse-interop-keys-")
CSE_INTEROP_TIMEOUT_SECONDS = 0.6
CSE_INTEROP_CONNECT_TIMEOUT_SECONDS = 0.5
CSE_INTEROP_BACKOFF_SECONDS = 0.01
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CSE_CITIZEN_LOGIN = "test"

# On the shared Redis of CI's PostgreSQL run, each test process gets its own channel-layer keyspace: the two xdist
# workers number their rows alike, so their websocket groups ("agenda-sportello-428") would otherwise be shared.
if "channels_redis" in CHANNEL_LAYERS["default"]["BACKEND"]:  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"asgi-test-{os.getpid()}"  # noqa: F405
CSE_ALERT_OFFICE_HOURS = None  # time-independent suite; tests of the office-hours alert set it explicitly
