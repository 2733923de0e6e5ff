"""Adapters of the regional systems against their simulators (contracts in docs/interop/*.md, version 1.0)."""

import httpx
import pytest

from cse.core.external import BadResponse, InvalidRequest, NotFound, ServiceUnavailable
from interop.regionali import client as regionali
from interop.simulators.data import CF_SCENARIO, PERSONE

MARIO, GIUSEPPINA = PERSONE[0], PERSONE[3]

ADAPTERS = {
    "edotto": lambda ctx: regionali.dimissioni_protette(GIUSEPPINA.codice_fiscale, ctx),
    "lavoro": lambda ctx: regionali.stato_occupazionale(MARIO.codice_fiscale, ctx),
    "puglia_sociale": lambda ctx: regionali.avvisi_aperti(ctx),
    "dss": lambda ctx: regionali.dss_invia_lotto("lotto-1", [{"tipo": "cartella.aperta", "pseudonimo": "p1"}], ctx),
    "osservatorio": lambda ctx: regionali.interventi_piano_di_zona("BA01", 2026, ctx),
}


def test_each_adapter_reads_its_contract(simulators, ctx):
    assert ADAPTERS["edotto"](ctx)[0]["aslCompetente"] == "ASL BA"
    assert ADAPTERS["lavoro"](ctx)["statoOccupazionale"] == "disoccupato"
    assert {a["id"] for a in ADAPTERS["puglia_sociale"](ctx)} == {"PS-2026-017", "PS-2026-021"}
    assert ADAPTERS["dss"](ctx)["ricevuti"] == 1
    assert sum(float(i["programmato"]) for i in ADAPTERS["osservatorio"](ctx)) == 515000.0


def test_dss_batch_resent_is_acknowledged_not_duplicated(simulators, ctx):
    first = regionali.dss_invia_lotto("lotto-X", [{"a": 1}, {"a": 2}], ctx)
    again = regionali.dss_invia_lotto("lotto-X", [{"a": 1}, {"a": 2}], ctx)
    assert first == again


def test_dss_refuses_identifying_data(simulators, ctx):
    with pytest.raises(InvalidRequest):
        regionali.dss_invia_lotto("lotto-Y", [{"codice_fiscale": MARIO.codice_fiscale}], ctx)


def test_not_found_answers(simulators, ctx):
    with pytest.raises(NotFound):
        regionali.dimissioni_protette(MARIO.codice_fiscale, ctx)
    with pytest.raises(NotFound):
        regionali.stato_occupazionale(GIUSEPPINA.codice_fiscale, ctx)
    with pytest.raises(NotFound):
        regionali.interventi_piano_di_zona("BA99", 2026, ctx)


def _scenario(monkeypatch, scenario):
    original = httpx.Client.send

    def send(self, request, **kwargs):
        if "token.oauth2" not in str(request.url):
            request.headers["X-Simulatore-Scenario"] = scenario
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)


@pytest.mark.parametrize("name", list(ADAPTERS))
@pytest.mark.parametrize(
    "scenario, error",
    [
        ("offline", ServiceUnavailable),
        ("richiesta_invalida", InvalidRequest),
        ("malformato", BadResponse),
        ("timeout", ServiceUnavailable),
    ],
)
def test_error_answers_of_every_adapter(simulators, ctx, monkeypatch, name, scenario, error):
    _scenario(monkeypatch, scenario)
    with pytest.raises(error) as exc:
        ADAPTERS[name](ctx)
    assert exc.value.message


@pytest.mark.parametrize("name", ["edotto", "lavoro"])
def test_personal_data_answers_must_be_signed(simulators, ctx, monkeypatch, name):
    _scenario(monkeypatch, "firma_manomessa")
    with pytest.raises(BadResponse):
        ADAPTERS[name](ctx)


def test_magic_cf_selects_the_scenario_too(simulators, ctx):
    with pytest.raises(ServiceUnavailable):
        regionali.stato_occupazionale(CF_SCENARIO["offline"], ctx)
