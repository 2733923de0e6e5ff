"""Requests to PDND e-services with the ModI headers, and verification of the provider's signed answer.

INTEGRITY_REST_02: `Digest` of the body + `Agid-JWT-Signature` listing the signed headers; AUDIT_REST_02:
`Agid-JWT-TrackingEvidence` whose SHA-256 is in the voucher. On the way back the consumer checks the provider's
`Digest` and signature (key from its JWKS), the audience (our client id), exp/iat (numbers, skew, lifetime) and
that the jti was never seen (atomic claim in cse/core/replay.py, shared by every process): a tampered body, a
foreign, stale or replayed answer is detected and not used.
"""

from __future__ import annotations

import json

import httpx
import jwt
from django.core.cache import cache

from cse.core.external import BadResponse, CallContext
from cse.core.replay import TokenRejected, accept_once

from ..config import PdndClient, audience_of, service, system_of
from .assertion import body_digest, integrity_signature
from .voucher import audit_jws_for, get_voucher

JWKS_TTL = 3600
ANSWER_LEEWAY_SECONDS = 30  # clock skew allowed between the provider and us
ANSWER_MAX_LIFETIME_SECONDS = 600  # ModI signatures last minutes; a longer one is refused


def build_request(
    client: PdndClient,
    e_service: str,
    *,
    method: str,
    url: str,
    body: bytes,
    content_type: str,
    ctx: CallContext,
    modi: bool,
    extra_headers: dict | None = None,
) -> httpx.Request:
    """One attempt's request: voucher (cached), fresh integrity signature (fresh jti), tracking evidence."""
    headers = {"Content-Type": content_type, "Accept": "application/json", **(extra_headers or {})}
    audit = audit_jws_for(client, e_service, ctx) if modi else None
    headers["Authorization"] = f"Bearer {get_voucher(client, e_service, ctx=ctx, audit_jws=audit)}"
    if modi:
        headers["Digest"] = body_digest(body)
        headers["Agid-JWT-Signature"] = integrity_signature(
            client,
            audience=audience_of(e_service),
            signed_headers={"digest": headers["Digest"], "content-type": content_type},
        )
        headers["Agid-JWT-TrackingEvidence"] = audit
    return httpx.Request(method, url, content=body, headers=headers)


def json_body(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def provider_keys(e_service: str) -> jwt.PyJWKSet:
    """The provider's signing keys from its JWKS URL (cached); production may pin them in a file instead."""
    conf = service(system_of(e_service))
    key = f"interop:jwks:{conf['jwks_url']}"
    data = cache.get(key)
    if data is None:
        from ..http import _client

        try:
            response = _client().get(conf["jwks_url"])
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise BadResponse("Impossibile verificare la firma della risposta.", code="jwks_non_disponibile") from exc
        cache.set(key, data, JWKS_TTL)
    return jwt.PyJWKSet.from_dict(data)


def verify_response(response: httpx.Response, *, client: PdndClient, e_service: str) -> None:
    """Raise BadResponse unless the answer carries a valid provider signature over exactly this body."""
    digest = response.headers.get("Digest", "")
    if not digest or digest != body_digest(response.content):
        raise BadResponse("Risposta alterata o incompleta: non è stata usata.", code="digest_non_corrispondente")
    token = response.headers.get("Agid-JWT-Signature", "")
    if not token:
        raise BadResponse("Risposta senza firma: non è stata usata.", code="firma_assente")
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        keys = {k.key_id: k for k in provider_keys(e_service).keys}
        if kid not in keys:
            raise BadResponse("Firma della risposta con chiave sconosciuta.", code="kid_sconosciuto")
        claims = jwt.decode(
            token,
            keys[kid].key,
            algorithms=["RS256"],
            audience=client.client_id,
            # times are checked by accept_once, which refuses non-numeric claims instead of coercing them
            options={
                "require": ["exp", "iat", "jti", "aud"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidAudienceError as exc:
        raise BadResponse("Risposta destinata a un altro ente: non è stata usata.", code="audience_errata") from exc
    except jwt.PyJWTError as exc:
        raise BadResponse("Firma della risposta non valida: non è stata usata.", code="firma_non_valida") from exc
    signed = {k: v for item in claims.get("signed_headers", []) for k, v in item.items()}
    if signed.get("digest") != digest:
        raise BadResponse("Risposta alterata: non è stata usata.", code="digest_non_firmato")
    _accept_answer_once(claims, e_service)


def _accept_answer_once(claims: dict, e_service: str) -> None:
    """The signed answer's jti is claimed in the shared replay store (cse/core/replay.py) until it expires: a
    replayed answer, a stale one or one valid for too long is not used."""
    try:
        accept_once(
            f"modi:{e_service}"[:40], claims, leeway=ANSWER_LEEWAY_SECONDS, max_lifetime=ANSWER_MAX_LIFETIME_SECONDS
        )
    except TokenRejected as exc:
        if exc.code == "jti_ripetuto":
            raise BadResponse("Risposta già ricevuta (ripetuta): non è stata usata.", code="jti_ripetuto") from exc
        if exc.code == "scaduto":
            raise BadResponse("Risposta scaduta: non è stata usata.", code="firma_scaduta") from exc
        raise BadResponse("Firma della risposta non valida: non è stata usata.", code=f"firma_{exc.code}") from exc
