"""ANPR adapter against its simulator: the published shapes, every error answer, and the ModI checks both ways."""

import httpx
import pytest
from django.conf import settings

from cse.core.external import BadResponse, InvalidRequest, NotFound, ServiceUnavailable
from interop.anpr import client as anpr
from interop.config import pdnd_client_for
from interop.models import ChiamataInterop
from interop.pdnd.modi import build_request, json_body
from interop.simulators.data import CF_SCENARIO, PERSONE

MARIO, ANNA, LUCA = PERSONE[0], PERSONE[1], PERSONE[2]


def test_c030_then_c015_c020_c021_give_identity_residence_and_family(simulators, ctx):
    scheda = anpr.consulta(MARIO.codice_fiscale, ctx)
    assert (scheda.cognome, scheda.nome, scheda.sesso) == ("Rossi", "Mario", "M")
    assert scheda.data_nascita == MARIO.data_nascita and scheda.luogo_nascita_istat == "072029"
    assert scheda.comune_residenza_istat == "072029" and scheda.indirizzo_residenza == "Via Roma 14"
    assert {(f.codice_fiscale, f.codice_legame) for f in scheda.famiglia} == {
        (ANNA.codice_fiscale, "2"),
        (LUCA.codice_fiscale, "3"),
    }
    calls = list(ChiamataInterop.objects.filter(e_service__startswith="anpr").values_list("operazione", "esito"))
    assert sorted(calls) == sorted([("C030", "ok"), ("C015", "ok"), ("C020", "ok"), ("C021", "ok")])


def test_call_log_names_operator_and_case_but_holds_no_personal_data(simulators, ctx):
    anpr.consulta(MARIO.codice_fiscale, ctx)
    for row in ChiamataInterop.objects.values():
        text = " ".join(str(v) for v in row.values())
        assert MARIO.codice_fiscale not in text and "Rossi" not in text and "Roma" not in text
    # each ANPR service is its own e-service on PDND: one voucher per service, then the call
    assert ChiamataInterop.objects.filter(operatore=ctx.operatore, ente=ctx.ente).count() == 8


def test_unknown_person_is_not_found(simulators, ctx):
    with pytest.raises(NotFound) as exc:
        anpr.consulta("NSSGNN80A01F284G", ctx)
    assert "non ha trovato" in exc.value.message and exc.value.code == "EN122"


@pytest.mark.parametrize(
    "scenario, error, code",
    [
        ("richiesta_invalida", InvalidRequest, "EN002"),
        ("offline", ServiceUnavailable, "http_503"),
        ("timeout", ServiceUnavailable, "timeout"),
        ("malformato", BadResponse, "malformata"),
        ("firma_manomessa", BadResponse, "digest_non_corrispondente"),
    ],
)
def test_magic_codici_fiscali_give_each_error_answer(simulators, ctx, scenario, error, code):
    with pytest.raises(error) as exc:
        anpr.consulta(CF_SCENARIO[scenario], ctx)
    assert exc.value.code == code
    assert exc.value.message  # Italian sentence for the operator
    assert ChiamataInterop.objects.filter(e_service="anpr_C030", esito=error.outcome).exists()


def test_formally_wrong_cf_is_an_invalid_request(simulators, ctx):
    with pytest.raises(InvalidRequest) as exc:
        anpr.id_anpr("RSSMRA61C12F284X", ctx)
    assert exc.value.code == "EN105"


def test_offline_answer_is_retried_then_reported_as_unavailable(simulators, ctx):
    with pytest.raises(ServiceUnavailable) as exc:
        anpr.id_anpr(CF_SCENARIO["offline"], ctx)
    assert "proseguire inserendo i dati a mano" in exc.value.message
    log = ChiamataInterop.objects.get(e_service="anpr_C030")
    assert log.tentativi == 1 + settings.CSE_INTEROP_RETRIES and log.esito == "non_disponibile"


def test_motivo_richiesta_is_required(simulators, ctx):
    ctx.motivo = ""
    with pytest.raises(InvalidRequest):
        anpr.id_anpr(MARIO.codice_fiscale, ctx)


# --- the consumer detects bad answers ------------------------------------------------------------------------------


def _with_scenario(monkeypatch, scenario):
    original = httpx.Client.send

    def send(self, request, **kwargs):
        request.headers["X-Simulatore-Scenario"] = scenario
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)


@pytest.mark.parametrize(
    "scenario, code",
    [
        ("firma_manomessa", "digest_non_corrispondente"),
        ("audience_errata", "audience_errata"),
        ("senza_firma", "digest_non_corrispondente"),
    ],
)
def test_consumer_rejects_tampered_foreign_or_unsigned_answers(simulators, ctx, monkeypatch, scenario, code):
    _with_scenario(monkeypatch, scenario)
    with pytest.raises(BadResponse) as exc:
        anpr.id_anpr(MARIO.codice_fiscale, ctx)
    assert exc.value.code == code


def test_consumer_rejects_a_replayed_answer(simulators, ctx, monkeypatch):
    assert anpr.id_anpr(MARIO.codice_fiscale, ctx) == MARIO.id_anpr  # the simulator keeps this signed answer
    _with_scenario(monkeypatch, "risposta_ripetuta")
    with pytest.raises(BadResponse) as exc:
        anpr.id_anpr(MARIO.codice_fiscale, ctx)
    assert exc.value.code == "jti_ripetuto"


# --- the provider (simulated ANPR) refuses bad requests -----------------------------------------------------------


def _signed_request(ctx, body: bytes) -> httpx.Request:
    client = pdnd_client_for(ctx.ente)
    url = f"{settings.CSE_INTEROP_SERVICES['anpr']['url']}/C030/anpr-service-e002"
    return build_request(
        client, "anpr_C030", method="POST", url=url, body=body, content_type="application/json", ctx=ctx, modi=True
    )


def _body():
    return json_body(
        {
            "idOperazioneClient": "t1",
            "criteriRicerca": {"codiceFiscale": MARIO.codice_fiscale},
            "datiRichiesta": {"dataRiferimentoRichiesta": "2026-11-26", "motivoRichiesta": "BA-1", "casoUso": "C030"},
        }
    )


def test_provider_accepts_a_proper_request_once_and_refuses_its_replay(simulators, ctx):
    request = _signed_request(ctx, _body())
    with httpx.Client() as http:
        assert http.send(request).status_code == 200
        replay = http.send(_copy(request))
    assert replay.status_code == 409


def _copy(request: httpx.Request, **changes) -> httpx.Request:
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers.update({k.lower(): v for k, v in changes.pop("headers", {}).items()})
    return httpx.Request(request.method, request.url, content=changes.get("content", request.content), headers=headers)


def test_provider_refuses_a_tampered_body(simulators, ctx):
    request = _signed_request(ctx, _body())
    tampered = _copy(request, content=_body().replace(b"BA-1", b"BA-2"))
    with httpx.Client() as http:
        response = http.send(tampered)
    assert response.status_code == 400 and "Digest" in response.json()["title"]


def test_provider_refuses_an_expired_voucher_and_a_voucher_for_another_e_service(simulators, ctx):
    request = _signed_request(ctx, _body())
    simulators.voucher_lifetime = -10
    try:
        from interop.pdnd.voucher import get_voucher

        expired = get_voucher(pdnd_client_for(ctx.ente), "edotto", ctx=ctx)
    finally:
        simulators.voucher_lifetime = 600
    foreign = get_voucher(pdnd_client_for(ctx.ente), "lavoro", ctx=ctx)
    with httpx.Client() as http:
        r1 = http.send(_copy(request, headers={"Authorization": f"Bearer {expired}"}))
        r2 = http.send(_copy(_signed_request(ctx, _body()), headers={"Authorization": f"Bearer {foreign}"}))
    assert r1.status_code == 401 and r1.json()["title"] == "Voucher scaduto"
    assert r2.status_code == 401 and "altro e-service" in r2.json()["title"]


def test_provider_refuses_missing_tracking_evidence(simulators, ctx):
    request = _signed_request(ctx, _body())
    headers = {k: v for k, v in request.headers.items() if k.lower() != "agid-jwt-trackingevidence"}
    with httpx.Client() as http:
        response = http.send(httpx.Request("POST", request.url, content=request.content, headers=headers))
    assert response.status_code == 401


def test_names_and_streets_lose_the_capitals_but_keep_roman_numerals(simulators, ctx):
    scheda = anpr.consulta(PERSONE[3].codice_fiscale, ctx)
    assert scheda.indirizzo_residenza == "Piazza Vittorio Emanuele II 3"
    assert scheda.comune_residenza_istat == "072022"
