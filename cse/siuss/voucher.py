"""PDND voucher verification for the WaaS-SIUSS e-service, and a small local issuer for tests and the demo.

A voucher is a bearer JWT issued by PDND (RFC 8725 best practices): RS256 only, signature checked against the
configured public keys (JWKS, by `kid`), issuer, audience = this ente's e-service audience, `exp`/`iat`/`nbf` JSON
numbers within the allowed skew and a lifetime of at most SIUSS_VOUCHER_MAX_LIFETIME_SECONDS, `purposeId` among the
purposes the ente accepted, and a `jti` never seen before: the jti is claimed atomically in the replay store
(cse/core/replay.py: a DB table on the embedded default, Redis with REDIS_URL) until the voucher expires.
Settings: SIUSS_PDND_ISSUER, SIUSS_PDND_JWKS(_FILE), SIUSS_VOUCHER_LEEWAY_SECONDS, SIUSS_VOUCHER_MAX_LIFETIME_SECONDS,
CSE_JTI_STORE. Private keys never live in the repository: the demo issuer generates one at run time.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from cse.core.replay import TokenRejected, accept_once

ALGORITHMS = ["RS256"]
JTI_NAMESPACE = "pdnd-voucher"


class VoucherError(Exception):
    """The voucher is not acceptable; the message says why, for the log (the caller always gets one refusal)."""


def configured_jwks() -> dict:
    if settings.SIUSS_PDND_JWKS:
        return (
            json.loads(settings.SIUSS_PDND_JWKS)
            if isinstance(settings.SIUSS_PDND_JWKS, str)
            else settings.SIUSS_PDND_JWKS
        )
    path = settings.SIUSS_PDND_JWKS_FILE
    if path and Path(path).exists():
        stat = Path(path).stat()
        return _jwks_file(str(path), stat.st_mtime_ns, stat.st_size)
    return {"keys": []}


@functools.lru_cache(maxsize=8)
def _jwks_file(path: str, mtime_ns: int, size: int) -> dict:
    """The JWKS file read once per version (keyed by its modification time and size), not once per call."""
    return json.loads(Path(path).read_text())


@functools.lru_cache(maxsize=32)
def _public_key(jwk_json: str):
    """The RSA public key of a JWK, parsed once: building the key object costs more than checking a signature."""
    return jwt.PyJWK(json.loads(jwk_json), algorithm="RS256").key


def _key_for(token: str):
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise VoucherError("Voucher non leggibile.") from exc
    if header.get("alg") not in ALGORITHMS:
        raise VoucherError("Algoritmo di firma del voucher non ammesso.")
    for jwk in configured_jwks().get("keys", []):
        if jwk.get("kid") == header.get("kid"):
            return _public_key(json.dumps(jwk, sort_keys=True))
    raise VoucherError("Chiave di firma del voucher sconosciuta.")


def verify_voucher(token: str, *, audience: str, purpose_ids: list[str]) -> dict:
    """The voucher's claims if every check passes; VoucherError otherwise. Records the jti (one use only)."""
    key = _key_for(token)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=settings.SIUSS_PDND_ISSUER,
            # times are checked by replay.token_expiry, which refuses non-numeric claims instead of coercing them
            options={
                "require": ["exp", "iat", "iss", "aud", "jti"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidAudienceError as exc:
        raise VoucherError("Voucher non destinato a questo e-service.") from exc
    except jwt.PyJWTError as exc:
        raise VoucherError("Voucher non valido.") from exc
    if claims.get("purposeId") not in purpose_ids:
        raise VoucherError("Finalità (purposeId) non autorizzata per questo e-service.")
    try:
        accept_once(
            JTI_NAMESPACE,
            claims,
            leeway=settings.SIUSS_VOUCHER_LEEWAY_SECONDS,
            max_lifetime=settings.SIUSS_VOUCHER_MAX_LIFETIME_SECONDS,
        )
    except TokenRejected as exc:
        raise VoucherError(str(exc)) from exc
    return claims


class LocalIssuer:
    """Stands in for PDND in tests and the demo: an RSA key pair made at run time, its JWKS, and signed vouchers."""

    def __init__(self, kid: str | None = None):
        self.kid = kid or f"demo-{uuid.uuid4().hex[:8]}"
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._private.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def private_pem(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    @classmethod
    def from_pem(cls, pem: bytes, kid: str) -> LocalIssuer:
        issuer = cls.__new__(cls)
        issuer.kid = kid
        issuer._private = serialization.load_pem_private_key(pem, password=None)
        return issuer

    def issue(
        self,
        *,
        audience: str,
        purpose_id: str,
        ttl: int = 600,
        issuer: str | None = None,
        jti: str | None = None,
        now: float | None = None,
        kid: str | None = None,
        client_id: str = "inps-siuss-client",
        claims: dict | None = None,
    ) -> str:
        """A signed voucher with a fresh jti; `claims` overrides or adds claims (tests: malformed vouchers)."""
        now = int(now if now is not None else time.time())
        payload = {
            "iss": issuer or settings.SIUSS_PDND_ISSUER,
            "aud": audience,
            "sub": client_id,
            "client_id": client_id,
            "purposeId": purpose_id,
            "jti": jti or uuid.uuid4().hex,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            **(claims or {}),
        }
        return jwt.encode(payload, self._private, algorithm="RS256", headers={"kid": kid or self.kid, "typ": "at+jwt"})
