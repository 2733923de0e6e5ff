"""INPS ConsultazioneISEE adapter against its simulator: indicatore, attestazione, every Esito and broken answers."""

from decimal import Decimal

import httpx
import pytest

from cse.core.codelists.isee import TipoIsee, fascia_isee
from cse.core.external import BadResponse, InvalidRequest, NotFound, ServiceUnavailable
from interop.isee import client as isee
from interop.models import ChiamataInterop
from interop.simulators.data import CF_SCENARIO, PERSONE

MARIO, LUCA, GIUSEPPINA = PERSONE[0], PERSONE[2], PERSONE[3]


def test_indicatore_gives_value_dsu_protocol_and_validity(simulators, ctx):
    att = isee.consulta(MARIO.codice_fiscale, TipoIsee.ORDINARIO, ctx)
    assert att.tipo == TipoIsee.ORDINARIO and att.valore == Decimal("8450.32")
    assert att.protocollo_dsu == "INPS-ISEE-2026-00012345A-00"
    assert att.data_presentazione.isoformat() == "2026-02-10" and att.valida_al.isoformat() == "2026-12-31"
    assert att.nucleo == []
    assert ChiamataInterop.objects.filter(e_service="inps_isee", operazione="ConsultazioneIndicatore").exists()


@pytest.mark.parametrize(
    "persona, tipo, valore",
    [
        (LUCA, TipoIsee.MINORENNE, "8450.32"),
        (GIUSEPPINA, TipoIsee.SOCIOSANITARIO, "6980.00"),
        (GIUSEPPINA, TipoIsee.RESIDENZIALE, "9120.40"),
    ],
)
def test_each_indicator_type(simulators, ctx, persona, tipo, valore):
    assert isee.consulta(persona.codice_fiscale, tipo, ctx).valore == Decimal(valore)


def test_attestazione_lists_the_nucleo(simulators, ctx):
    att = isee.consulta(MARIO.codice_fiscale, TipoIsee.ORDINARIO, ctx, attestazione=True)
    assert {m["CodiceFiscale"] for m in att.nucleo} == {p.codice_fiscale for p in PERSONE[:3]}


def test_no_attestation_of_that_type_is_not_found(simulators, ctx):
    with pytest.raises(NotFound):
        isee.consulta(MARIO.codice_fiscale, TipoIsee.RESIDENZIALE, ctx)


@pytest.mark.parametrize(
    "scenario, error, code",
    [
        ("offline", ServiceUnavailable, "DATABASE_OFFLINE"),
        ("richiesta_invalida", InvalidRequest, "RICHIESTA_INVALIDA"),
        ("malformato", BadResponse, "malformata"),
        ("timeout", ServiceUnavailable, "timeout"),
    ],
)
def test_error_answers(simulators, ctx, scenario, error, code):
    with pytest.raises(error) as exc:
        isee.consulta(CF_SCENARIO[scenario], TipoIsee.ORDINARIO, ctx)
    assert exc.value.code == code and exc.value.message


@pytest.mark.parametrize("esito", ["ERRORE_INTERNO", "RISCONTRO_NON_VALIDO", "SCONOSCIUTO"])
def test_remaining_esiti_are_mapped(simulators, ctx, monkeypatch, esito):
    from interop.simulators import isee as sim

    original = sim.envelope
    monkeypatch.setattr(sim, "envelope", lambda op, e, d="", x="": original(op, esito if e == "OK" else e, d, x))
    expected = {"ERRORE_INTERNO": ServiceUnavailable, "RISCONTRO_NON_VALIDO": InvalidRequest}.get(esito, BadResponse)
    with pytest.raises(expected):
        isee.consulta(MARIO.codice_fiscale, TipoIsee.ORDINARIO, ctx)


def test_voucher_is_required_by_the_provider(simulators, ctx):
    from django.conf import settings

    response = httpx.post(
        settings.CSE_INTEROP_SERVICES["inps_isee"]["url"], content=b"<x/>", headers={"SOAPAction": "x"}
    )
    assert response.status_code == 401


def test_sinba_isee_band():
    assert [fascia_isee(Decimal(v)) for v in ("0", "0.01", "3000", "8450.32", "20000", "20000.01")] == [
        "1",
        "2",
        "2",
        "4",
        "7",
        "8",
    ]
