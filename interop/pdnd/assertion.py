"""Client assertion and ModI JWTs signed with the ente's key (RS256, `kid` in the header).

PDND "Utilizzare i voucher": iss = sub = client id, aud = the PDND token audience, purposeId, jti, iat, exp and,
with AUDIT_REST_02, `digest` = SHA-256 of the audit JWT (Agid-JWT-TrackingEvidence) the call will carry.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization

from ..config import PdndClient

ASSERTION_LIFETIME = 120
MODI_LIFETIME = 60


def _now() -> int:
    return int(time.time())


@functools.lru_cache(maxsize=64)
def _private_key(pem: bytes):
    """Parsing and checking an RSA key costs tens of ms: do it once per key, not once per JWT."""
    return serialization.load_pem_private_key(pem, password=None)


def sign(client: PdndClient, claims: dict) -> str:
    key = _private_key(client.private_key_pem)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": client.kid, "typ": "JWT"})


def audit_digest(audit_jws: str) -> dict:
    return {"alg": "SHA256", "value": hashlib.sha256(audit_jws.encode()).hexdigest()}


def client_assertion(client: PdndClient, *, audience: str, purpose_id: str, audit_jws: str | None = None) -> str:
    now = _now()
    claims = {
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": audience,
        "purposeId": purpose_id,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + ASSERTION_LIFETIME,
    }
    if audit_jws:
        claims["digest"] = audit_digest(audit_jws)
    return sign(client, claims)


def body_digest(body: bytes) -> str:
    """RFC 3230 `Digest` header value used by INTEGRITY_REST_02."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def tracking_evidence(
    client: PdndClient, *, audience: str, purpose_id: str, user_id: str, user_location: str, loa: str
) -> str:
    """AUDIT_REST_02: who, from where and with which level of assurance asks, signed by the ente."""
    now = _now()
    return sign(
        client,
        {
            "iss": client.client_id,
            "aud": audience,
            "purposeId": purpose_id,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "userID": user_id,
            "userLocation": user_location,
            "LoA": loa,
        },
    )


def integrity_signature(client: PdndClient, *, audience: str, signed_headers: dict[str, str]) -> str:
    """INTEGRITY_REST_02: a JWT over the Digest and Content-Type headers, with a fresh jti (replays are refused)."""
    now = _now()
    return sign(
        client,
        {
            "iss": client.client_id,
            "sub": client.client_id,
            "aud": audience,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "nbf": now,
            "exp": now + MODI_LIFETIME,
            "signed_headers": [{name.lower(): value} for name, value in signed_headers.items()],
        },
    )
