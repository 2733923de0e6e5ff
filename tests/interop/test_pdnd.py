"""PDND consumer side against the simulated authorization server: assertion, voucher cache, and what PDND refuses."""

import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from cse.core.external import InvalidRequest
from interop.config import pdnd_client_for
from interop.models import ChiamataInterop
from interop.pdnd import assertion
from interop.pdnd.voucher import ASSERTION_TYPE, get_voucher
from tests.support.places import neighbour_comune


def _token(assertion_jwt: str, client_id: str) -> httpx.Response:
    return httpx.post(
        settings.CSE_INTEROP_SERVICES["pdnd"]["url"],
        data={
            "client_id": client_id,
            "client_assertion": assertion_jwt,
            "client_assertion_type": ASSERTION_TYPE,
            "grant_type": "client_credentials",
        },
    )


def test_client_assertion_carries_the_pdnd_claims_and_kid(comune, ctx):
    client = pdnd_client_for(comune)
    token = assertion.client_assertion(client, audience="aud-x", purpose_id="p-1", audit_jws="audit.jwt.x")
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "RS256" and header["kid"] == client.kid
    assert claims["iss"] == claims["sub"] == client.client_id
    assert claims["aud"] == "aud-x" and claims["purposeId"] == "p-1"
    assert claims["exp"] > claims["iat"] and len(claims["jti"]) == 32
    assert claims["digest"] == {"alg": "SHA256", "value": assertion.audit_digest("audit.jwt.x")["value"]}


def test_each_ente_has_its_own_client_id(comune):
    neighbour = neighbour_comune()
    assert pdnd_client_for(comune).client_id != pdnd_client_for(neighbour).client_id


def test_voucher_is_cached_until_it_expires(simulators, comune, ctx):
    client = pdnd_client_for(comune)
    first = get_voucher(client, "edotto", ctx=ctx)
    assert get_voucher(client, "edotto", ctx=ctx) == first
    assert ChiamataInterop.objects.filter(e_service="pdnd", esito="ok").count() == 1


def test_expired_voucher_is_never_served_from_the_cache(simulators, comune, ctx):
    simulators.voucher_lifetime = 31  # shorter than the skew: unusable at once, must not be cached
    try:
        client = pdnd_client_for(comune)
        first = get_voucher(client, "edotto", ctx=ctx)
        second = get_voucher(client, "edotto", ctx=ctx)
    finally:
        simulators.voucher_lifetime = 600
    assert first != second
    assert ChiamataInterop.objects.filter(e_service="pdnd", esito="ok").count() == 2


def test_pdnd_refuses_a_replayed_assertion(simulators, comune):
    client = pdnd_client_for(comune)
    token = assertion.client_assertion(
        client, audience=settings.CSE_INTEROP_SERVICES["pdnd"]["audience"], purpose_id=client.purposes["edotto"]
    )
    assert _token(token, client.client_id).status_code == 200
    replay = _token(token, client.client_id)
    assert replay.status_code == 401 and replay.json()["error"] == "invalid_client"


def test_pdnd_refuses_wrong_audience_unknown_key_expired_and_foreign_purpose(simulators, comune):
    client = pdnd_client_for(comune)
    aud = settings.CSE_INTEROP_SERVICES["pdnd"]["audience"]
    purpose = client.purposes["edotto"]
    wrong_aud = assertion.client_assertion(client, audience="altro-server", purpose_id=purpose)
    assert _token(wrong_aud, client.client_id).status_code == 401

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    forged = jwt.encode(
        {
            "iss": client.client_id,
            "sub": client.client_id,
            "aud": aud,
            "purposeId": purpose,
            "jti": "x1",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        },
        other_key,
        algorithm="RS256",
        headers={"kid": client.kid},
    )
    assert _token(forged, client.client_id).status_code == 401

    now = int(time.time())
    expired = assertion.sign(
        client,
        {
            "iss": client.client_id,
            "sub": client.client_id,
            "aud": aud,
            "purposeId": purpose,
            "jti": "x2",
            "iat": now - 600,
            "exp": now - 300,
        },
    )
    assert _token(expired, client.client_id).status_code == 401

    foreign_purpose = assertion.client_assertion(client, audience=aud, purpose_id="finalita-di-altri")
    assert _token(foreign_purpose, client.client_id).status_code == 400


def test_a_refused_voucher_request_is_an_error_for_the_operator_and_logged(simulators, comune, ctx, settings):
    settings.CSE_INTEROP_SERVICES = {
        **settings.CSE_INTEROP_SERVICES,
        "pdnd": {**settings.CSE_INTEROP_SERVICES["pdnd"], "audience": "audience-sbagliata"},
    }
    with pytest.raises(InvalidRequest) as exc:
        get_voucher(pdnd_client_for(comune), "edotto", ctx=ctx)
    assert "PDND" in exc.value.message
    log = ChiamataInterop.objects.get(e_service="pdnd")
    assert log.esito == "richiesta_invalida" and log.operatore == ctx.operatore and log.tentativi == 1
