"""Voucher request at the PDND token endpoint, cached until shortly before its expiry.

A voucher bound to an audit digest serves only calls carrying that same audit JWT, so the cache key includes it
(and the audit JWT itself is reused for a few minutes per operator, which keeps the cache useful).
"""

from __future__ import annotations

import time

import httpx
import jwt
from django.core.cache import cache

from cse.core.external import BadResponse, CallContext, InvalidRequest

from ..config import PdndClient, audience_of, service
from ..http import call
from .assertion import client_assertion, tracking_evidence

SKEW_SECONDS = 30
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _cache_key(client: PdndClient, purpose_id: str, audit_jws: str | None) -> str:
    import hashlib

    digest = hashlib.sha256((audit_jws or "").encode()).hexdigest()[:32]
    return f"interop:voucher:{client.client_id}:{purpose_id}:{digest}"


def _parse_token(response: httpx.Response) -> tuple[str, int]:
    if response.status_code in (400, 401):
        raise InvalidRequest("La PDND ha rifiutato la richiesta di autorizzazione dell'ente.", code="pdnd_rifiuto")
    if response.status_code != 200:
        raise BadResponse("Risposta inattesa dalla PDND.", code=f"http_{response.status_code}")
    try:
        data = response.json()
        token = data["access_token"]
        claims = jwt.decode(token, options={"verify_signature": False})  # opaque to the consumer: read exp only
        exp = int(claims["exp"])
    except (ValueError, KeyError, TypeError, jwt.PyJWTError) as exc:
        raise BadResponse("Risposta della PDND non leggibile.", code="pdnd_malformata") from exc
    if data.get("token_type", "").lower() != "bearer":
        raise BadResponse("Risposta della PDND non leggibile.", code="pdnd_token_type")
    return token, exp


def get_voucher(client: PdndClient, e_service: str, *, ctx: CallContext, audit_jws: str | None = None) -> str:
    purpose_id = client.purpose_for(e_service)
    key = _cache_key(client, purpose_id, audit_jws)
    cached = cache.get(key)
    if cached and cached[1] - SKEW_SECONDS > time.time():
        return cached[0]
    conf = service("pdnd")

    def build() -> httpx.Request:
        form = {
            "client_id": client.client_id,
            "client_assertion": client_assertion(
                client, audience=conf["audience"], purpose_id=purpose_id, audit_jws=audit_jws
            ),
            "client_assertion_type": ASSERTION_TYPE,
            "grant_type": "client_credentials",
        }
        return httpx.Request("POST", conf["url"], data=form)

    token, exp = call("pdnd", "voucher", build=build, ctx=ctx, idempotent=True, parse=_parse_token)
    ttl = int(exp - time.time() - SKEW_SECONDS)
    if ttl > 0:
        cache.set(key, (token, exp), ttl)
    return token


def forget_voucher(client: PdndClient, e_service: str, audit_jws: str | None = None) -> None:
    cache.delete(_cache_key(client, client.purpose_for(e_service), audit_jws))


def audit_jws_for(client: PdndClient, e_service: str, ctx: CallContext) -> str:
    """The operator's tracking evidence for this e-service, reused for a few minutes (same voucher then)."""
    import hashlib

    who = hashlib.sha256(f"{ctx.operatore_id}|{ctx.luogo}|{ctx.loa}".encode()).hexdigest()[:32]
    key = f"interop:audit:{client.client_id}:{e_service}:{who}"
    cached = cache.get(key)
    if cached:
        return cached
    jws = tracking_evidence(
        client,
        audience=audience_of(e_service),
        purpose_id=client.purpose_for(e_service),
        user_id=ctx.operatore_id,
        user_location=ctx.luogo or "postazione-cse",
        loa=ctx.loa,
    )
    cache.set(key, jws, 240)
    return jws
