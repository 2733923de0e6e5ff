"""ModI signed answers (Agid-JWT-Signature) are used once: the jti is kept in the shared replay store, not in a
per-process cache, and malformed time claims are a refused answer, not a crash."""

import time
import uuid

import httpx
import pytest

from cse.core.external import BadResponse
from interop.anpr import client as anpr
from interop.config import pdnd_client_for
from interop.pdnd.assertion import body_digest
from interop.pdnd.modi import verify_response
from interop.simulators.data import PERSONE

MARIO = PERSONE[0]


def test_a_replayed_answer_is_refused_even_after_the_cache_is_emptied(simulators, ctx, monkeypatch):
    from django.core.cache import cache

    assert anpr.id_anpr(MARIO.codice_fiscale, ctx) == MARIO.id_anpr  # the simulator keeps this signed answer
    cache.clear()  # another server process, or an eviction
    original = httpx.Client.send

    def send(self, request, **kwargs):
        request.headers["X-Simulatore-Scenario"] = "risposta_ripetuta"
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)
    with pytest.raises(BadResponse) as exc:
        anpr.id_anpr(MARIO.codice_fiscale, ctx)
    assert exc.value.code == "jti_ripetuto"


def _answer(simulators, ctx, **offsets) -> httpx.Response:
    """A provider-signed answer; `offsets` shift iat/exp from now (seconds), or replace a claim (non-int values)."""
    body = b'{"ok": true}'
    now = int(time.time())
    claims = {
        "iss": "anpr",
        "aud": pdnd_client_for(ctx.ente).client_id,
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
        "signed_headers": [{"digest": body_digest(body)}],
    }
    for name, value in offsets.items():
        claims[name] = now + value if isinstance(value, int) and name in ("iat", "exp") else value
    token = simulators.provider_key("anpr").sign(claims)
    return httpx.Response(200, content=body, headers={"Digest": body_digest(body), "Agid-JWT-Signature": token})


@pytest.mark.parametrize(
    "claims, code",
    [
        ({"exp": "9999999999"}, "firma_claim_non_numerico"),
        ({"iat": 300, "exp": 360}, "firma_non_ancora_valido"),
        ({"exp": 3600}, "firma_durata_eccessiva"),
        ({"jti": None}, "firma_non_valida"),
    ],
)
def test_answers_with_bad_time_claims_or_no_jti_are_refused(simulators, ctx, claims, code):
    with pytest.raises(BadResponse) as exc:
        verify_response(_answer(simulators, ctx, **claims), client=pdnd_client_for(ctx.ente), e_service="anpr_C030")
    assert exc.value.code == code


def test_a_fresh_answer_is_accepted_once(simulators, ctx):
    answer = _answer(simulators, ctx)
    client = pdnd_client_for(ctx.ente)
    verify_response(answer, client=client, e_service="anpr_C030")
    with pytest.raises(BadResponse) as exc:
        verify_response(answer, client=client, e_service="anpr_C030")
    assert exc.value.code == "jti_ripetuto"
