"""Keyed pseudonyms for the regional tier (ENISA 2019: a keyed HMAC, never a plain hash of a guessable domain).

The key and its version tag come from settings (CSE_PSEUDONYM_KEY, CSE_PSEUDONYM_KEY_VERSION). Rotation: deploy the
new key with a new version tag; events carry the tag, so the region can keep both series apart and, if the
controller decides so, re-link them with a mapping table computed once inside the local tier (docs/deployment.md).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _key() -> bytes:
    return settings.CSE_PSEUDONYM_KEY.encode()


def key_version() -> str:
    return settings.CSE_PSEUDONYM_KEY_VERSION


def pseudonym(value: str, *, domain: str) -> str:
    """HMAC-SHA256 of `domain:value` (the domain keeps person and case keys from ever colliding)."""
    message = f"{domain}:{value.strip().upper()}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def person_pseudonym(*, codice_fiscale: str, owner_ente_code: str, temporary_id: str, pk: int) -> str:
    """Stable over time for a person: the normalised CF; without CF, the comune's temporary record."""
    if codice_fiscale:
        return pseudonym(codice_fiscale, domain="cf")
    return pseudonym(f"{owner_ente_code}:{temporary_id or pk}", domain="tmp")
