"""Test settings: fast hasher, locmem cache, in-memory channels unless REDIS_URL is given (CI's PostgreSQL run)."""

import os

os.environ.setdefault("CSE_DEMO", "1")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CSE_REQUIRE_OTP = False
CSE_RELAY_INLINE = False  # tests call the relay explicitly
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CSE_CITIZEN_LOGIN = "test"
