"""The WaaS e-service as INPS uses it: voucher checks, since/limit polling exactly once, esiti, problem+json."""

from __future__ import annotations

import base64
import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from cse.siuss.glossary import StatoFlusso
from cse.siuss.models import EsitoRicevuto, Flusso
from cse.siuss.services import flussi_expose, flussi_prepare, flusso_correct
from cse.siuss.voucher import LocalIssuer
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune
from tests.support.siuss import TODAY, dati, prestazione

ISSUER = LocalIssuer(kid="test-key")


@pytest.fixture
def pdnd(settings):
    from django.core.cache import cache

    cache.clear()
    settings.SIUSS_PDND_JWKS = ISSUER.jwks()
    return ISSUER


def _auth(eservice, signer=ISSUER, **kw):
    token = signer.issue(
        audience=kw.pop("audience", eservice.audience), purpose_id=kw.pop("purpose_id", "purpose-inps-siuss"), **kw
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _poll(client, eservice, since, limit=None):
    params = {"since": since} if limit is None else {"since": since, "limit": limit}
    return client.get(reverse("siuss:waas_flussi", kwargs={"codice": eservice.ente.codice}), params, **_auth(eservice))


def _ready_flows(case, n):
    for i in range(n):
        p = prestazione(case, importo=f"{100 + i}.00")
        dati(p)
    flussi_prepare(ente=case.owner_ente, today=TODAY)


@pytest.mark.django_db
def test_polling_returns_every_flow_exactly_once_in_order_even_when_flows_arrive_between_polls(
    comune, case, a1, pdnd, client
):
    _ready_flows(case, 7)
    flussi_expose(ente=comune)
    seen, since, polls = [], 0, 0
    while True:
        response = _poll(client, a1, since, limit=3)
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        assert int(response["X-RateLimit-Remaining"]) < int(response["X-RateLimit-Limit"])
        batch = response.json()["elenco_flussi"]
        polls += 1
        if polls == 2:  # new flows are exposed while INPS is half-way through
            _ready_flows(case, 4)
            flussi_expose(ente=comune)
        if not batch:
            break
        assert len(batch) <= 3
        seen += batch
        last = batch[-1]["ts_flusso"]
        since = int(Flusso.objects.get(id_flusso=batch[-1]["id_flusso"]).esposto_ms)
        assert last.endswith("Z")
    ids = [e["id_flusso"] for e in seen]
    exposed = list(Flusso.objects.filter(ente=comune).order_by("esposto_ms").values_list("id_flusso", flat=True))
    assert len(ids) == len(set(ids)) == 11 and ids == exposed
    xml = base64.b64decode(seen[0]["flusso"])
    assert xml.startswith(b"<?xml") and seen[0]["codice_ente"] == "F284" and seen[0]["tipo"] == "PS_PSA_SINA"
    assert _poll(client, a1, since).json() == {"elenco_flussi": []}


@pytest.mark.django_db
def test_since_is_the_ms_timestamp_of_ts_flusso_and_ties_never_happen(comune, case, a1, pdnd, client):
    _ready_flows(case, 5)
    flussi_expose(ente=comune)
    instants = list(Flusso.objects.filter(ente=comune).values_list("esposto_ms", flat=True))
    assert len(set(instants)) == len(instants)  # all in the same millisecond would otherwise tie
    entries = _poll(client, a1, 0, limit=100).json()["elenco_flussi"]
    from datetime import datetime

    ms = [int(datetime.fromisoformat(e["ts_flusso"].replace("Z", "+00:00")).timestamp() * 1000) for e in entries]
    assert ms == sorted(instants)
    assert [e["id_flusso"] for e in _poll(client, a1, ms[1], limit=100).json()["elenco_flussi"]] == [
        e["id_flusso"] for e in entries[2:]
    ]


@pytest.mark.django_db
def test_invalid_prestazione_never_reaches_flussi(comune, case, a1, pdnd, client):
    bad = prestazione(case, importo="300.00")
    dati(bad, quota_ente=Decimal("100"), quota_utente=Decimal("0"))  # quotas do not add up
    flussi_prepare(ente=comune, today=TODAY)
    flussi_expose(ente=comune)
    assert not Flusso.objects.filter(prestazione=bad).exists()
    assert _poll(client, a1, 0, limit=100).json() == {"elenco_flussi": []}


def _esito(flusso, codice, **extra):
    return {
        "id_flusso": flusso.id_flusso,
        "tipo": flusso.tipo,
        "ts_flusso": "2026-11-20T10:00:00.000Z",
        "ts_acquisizione": "2026-11-21T10:00:00.000Z",
        "codice_esito": codice,
        **extra,
    }


def _post_esiti(client, eservice, esiti, **auth):
    return client.post(
        reverse("siuss:waas_esiti", kwargs={"codice": eservice.ente.codice}),
        data=json.dumps({"elenco_esiti": esiti}),
        content_type="application/json",
        **(auth or _auth(eservice)),
    )


@pytest.mark.django_db
def test_esiti_ok_stores_the_siuss_id_and_an_error_reopens_the_item_for_the_operator(
    comune, case, worker, a1, pdnd, client
):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    _ready_flows(case, 2)
    flussi_expose(ente=comune)
    ok, ko = Flusso.objects.filter(ente=comune).order_by("pk")
    response = _post_esiti(
        client,
        a1,
        [
            _esito(ok, "OK", id_acquisizione_siuss="22738"),
            _esito(ko, "RICHIESTA_INVALIDA", descrizione_esito="Codice prestazione errato"),
        ],
    )
    assert response.status_code == 204
    ok.refresh_from_db(), ko.refresh_from_db()
    assert (ok.stato, ok.id_acquisizione_siuss) == (StatoFlusso.ACQUISITO, "22738")
    assert ko.stato == StatoFlusso.ERRORE
    # the operator's worklist shows the rejection in Italian
    client.force_login(worker)
    page = client.get(reverse("locale:lavoro")).content.decode()
    assert f"flusso {ko.id_flusso} respinto dal SIUSS: Codice prestazione errato" in page
    # re-posting the same esiti changes nothing but the log
    assert _post_esiti(client, a1, [_esito(ok, "OK", id_acquisizione_siuss="22738")]).status_code == 204
    assert EsitoRicevuto.objects.count() == 3
    # the operator fixes and resends: the rejected flow is withdrawn and a new insert is built
    created = flusso_correct(flusso=ko, reason="codice corretto", by=responsabile, today=TODAY)
    ko.refresh_from_db()
    assert ko.stato == StatoFlusso.ANNULLATO and len(created) == 1 and created[0].stato == StatoFlusso.PRONTO


@pytest.mark.django_db
def test_correcting_an_acquired_flow_cancels_it_with_c_then_inserts_anew(comune, case, a1, pdnd, client):
    from cse.siuss.xsd import xsd_errors

    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    _ready_flows(case, 1)
    flussi_expose(ente=comune)
    original = Flusso.objects.get(ente=comune)
    _post_esiti(client, a1, [_esito(original, "OK", id_acquisizione_siuss="1")])
    [cancel] = flusso_correct(
        flusso=Flusso.objects.get(pk=original.pk),
        reason="codice errato",
        by=responsabile,
        today=TODAY,
    )
    assert cancel.tipo_operazione == "C" and xsd_errors(bytes(cancel.xml), cancel.tipo) == []
    body_old = bytes(original.xml).replace(original.id_flusso.encode(), b"X").replace(b'TipoOperazione="I"', b"")
    body_new = bytes(cancel.xml).replace(cancel.id_flusso.encode(), b"X").replace(b'TipoOperazione="C"', b"")
    assert body_old == body_new  # other fields unchanged
    flussi_expose(ente=comune)
    _post_esiti(client, a1, [_esito(cancel, "OK", id_acquisizione_siuss="2")])
    original.refresh_from_db()
    assert original.stato == StatoFlusso.ANNULLATO
    flussi_prepare(ente=comune, today=TODAY)
    reinsert = Flusso.objects.filter(prestazione=original.prestazione, tipo_operazione="I", stato=StatoFlusso.PRONTO)
    assert reinsert.count() == 1


def _refusals(client, a1) -> dict:
    """Every way a call can be refused, each answered by the WaaS e-service."""
    import jwt

    url = reverse("siuss:waas_flussi", kwargs={"codice": "F284"})
    used = _auth(a1)
    assert client.get(url, {"since": 0}, **used).status_code == 200
    unsigned = jwt.encode({"aud": a1.audience, "purposeId": "purpose-inps-siuss"}, key=None, algorithm="none")
    calls = {
        "replayed": used,
        "expired": _auth(a1, now=time.time() - 3600, ttl=600),
        "other audience": _auth(a1, audience="https://altro.example/waas/A225"),
        "other purpose": _auth(a1, purpose_id="altra-finalita"),
        "other issuer": _auth(a1, issuer="https://falso.example"),
        "wrong key": _auth(a1, signer=LocalIssuer(kid="test-key")),  # same kid, other key: signature fails
        "unknown kid": _auth(a1, signer=LocalIssuer(kid="chiave-ignota")),
        "unsigned": {"HTTP_AUTHORIZATION": f"Bearer {unsigned}"},
        "no voucher": {},
        "string exp": _auth(a1, claims={"exp": str(int(time.time()) + 300)}),
        "list iat": _auth(a1, claims={"iat": [int(time.time())]}),
        "iat in the future": _auth(a1, now=time.time() + 600),
        "too long": _auth(a1, ttl=3600),
        "no jti": _auth(a1, claims={"jti": None}),
    }
    answers = {name: client.get(url, {"since": 0}, **auth) for name, auth in calls.items()}
    answers["unknown ente"] = client.get(
        reverse("siuss:waas_flussi", kwargs={"codice": "Z999"}), {"since": 0}, **_auth(a1)
    )
    return answers


def _shape(response) -> tuple:
    """Status, body and headers; the CSP nonce is random on every answer (not an oracle), so it is blanked."""
    import re

    headers = {k: re.sub(r"'nonce-[^']+'", "'nonce-…'", v) for k, v in response.headers.items()}
    return response.status_code, response.content, sorted(headers.items())


@pytest.mark.django_db
def test_every_refused_voucher_gets_the_same_byte_identical_401(a1, pdnd, client):
    answers = _refusals(client, a1)
    reference = answers.pop("expired")
    assert reference.status_code == 401 and reference["Content-Type"] == "application/problem+json"
    assert reference["WWW-Authenticate"] == 'Bearer realm="waas-siuss"'
    for name, response in answers.items():
        assert _shape(response) == _shape(reference), name


@pytest.mark.django_db
def test_a_voucher_is_refused_the_second_time_even_after_the_cache_is_emptied(a1, pdnd, client):
    """The jti lives in the replay store (DB table here), not in a per-process cache that forgets it."""
    from django.core.cache import cache

    url = reverse("siuss:waas_flussi", kwargs={"codice": "F284"})
    auth = _auth(a1)
    assert client.get(url, {"since": 0}, **auth).status_code == 200
    cache.clear()  # another server process, or an eviction
    assert client.get(url, {"since": 0}, **auth).status_code == 401


@pytest.mark.django_db
def test_a_voucher_with_a_string_exp_is_a_401_not_a_server_error(a1, pdnd, client):
    url = reverse("siuss:waas_flussi", kwargs={"codice": "F284"})
    for claim in ({"exp": str(int(time.time()) + 300)}, {"iat": str(int(time.time()))}, {"nbf": "0"}):
        assert client.get(url, {"since": 0}, **_auth(a1, claims=claim)).status_code == 401, claim


@pytest.mark.django_db
def test_vouchers_issued_in_the_future_or_lasting_too_long_are_refused(a1, pdnd, client, settings):
    url = reverse("siuss:waas_flussi", kwargs={"codice": "F284"})
    settings.SIUSS_VOUCHER_MAX_LIFETIME_SECONDS = 600
    assert client.get(url, {"since": 0}, **_auth(a1, ttl=601)).status_code == 401
    assert client.get(url, {"since": 0}, **_auth(a1, ttl=600)).status_code == 200
    ahead = settings.SIUSS_VOUCHER_LEEWAY_SECONDS + 60
    assert client.get(url, {"since": 0}, **_auth(a1, now=time.time() + ahead, ttl=300)).status_code == 401


@pytest.mark.django_db
def test_a_voucher_for_one_ente_opens_nothing_of_another_and_unknown_enti_look_the_same(a1, pdnd, client):
    from tests.support.siuss import eservice_for

    other_comune = foreign_comune()
    b1 = eservice_for(other_comune)
    voucher_a = _auth(a1)
    other = client.get(reverse("siuss:waas_flussi", kwargs={"codice": b1.ente.codice}), {"since": 0}, **voucher_a)
    missing = client.get(reverse("siuss:waas_flussi", kwargs={"codice": "Z999"}), {"since": 0}, **_auth(a1))
    assert other.status_code == missing.status_code == 401
    assert other.json() == missing.json()


@pytest.mark.django_db
def test_bad_parameters_and_bodies_get_problem_json_400(a1, pdnd, client):
    for params in ({}, {"since": "-1"}, {"since": "abc"}, {"since": 0, "limit": 101}, {"since": 0, "limit": "x"}):
        response = client.get(reverse("siuss:waas_flussi", kwargs={"codice": "F284"}), params, **_auth(a1))
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json", params
        assert set(response.json()) <= {"type", "title", "status", "detail", "instance"}
    assert _poll(client, a1, 0, limit=0).json() == {"elenco_flussi": []}
    bad = client.post(
        reverse("siuss:waas_esiti", kwargs={"codice": "F284"}), data="{", content_type="application/json", **_auth(a1)
    )
    assert bad.status_code == 400
    wrong = _post_esiti(client, a1, [{"id_flusso": "x", "tipo": "PS_PSA_SINA", "codice_esito": "FORSE"}])
    assert wrong.status_code == 400 and EsitoRicevuto.objects.count() == 0


@pytest.mark.django_db
def test_rate_limit_answers_429_with_retry_after(a1, pdnd, client):
    from django.core.cache import cache

    cache.clear()
    a1.rate_limit_per_minute = 2
    a1.save()
    codes = [_poll(client, a1, 0).status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429
    limited = _poll(client, a1, 0)
    assert limited["Content-Type"] == "application/problem+json" and int(limited["Retry-After"]) >= 1
    assert limited["X-RateLimit-Remaining"] == "0"


@pytest.mark.django_db
def test_status_is_problem_json(client):
    response = client.get(reverse("siuss:waas_status", kwargs={"codice": "F284"}))
    assert response.status_code == 200 and response.json()["status"] == 200
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_an_esito_with_a_nul_character_is_stored_not_a_server_error(a1, pdnd, client):
    # found by schemathesis on PostgreSQL (text and jsonb cannot hold U+0000)
    esito = {"id_flusso": "X\x00", "tipo": "SINBA", "ts_flusso": "2026-11-20T10:00:00Z"}
    esito |= {"ts_acquisizione": "2026-11-21T10:00:00Z", "codice_esito": "OK", "descrizione_esito": "\x00"}
    assert _post_esiti(client, a1, [esito]).status_code == 204
    assert EsitoRicevuto.objects.get().id_flusso == "X\ufffd"
