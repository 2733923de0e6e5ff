"""The pagoPA GPD adapter against its simulator: a published notice per debt (never two for one key, also after a lost
answer), its status, a payment at a PSP and the receipt reconciled by IUV."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest

from cse.core.external import BadResponse, InvalidRequest, NotFound, ServiceUnavailable
from cse.core.pagamenti import PosizioneDebitoria, StatoAvviso, riconcilia, valida_codice_avviso
from interop.adapters import PagoPaGpd
from interop.models import ChiamataInterop
from interop.pagopa import client as pagopa

_n = itertools.count(1)


@pytest.fixture
def sim(simulator_suite, simulators):
    app = simulator_suite[1]["pagopa"].get_app()
    app.scenari.clear()
    yield app
    app.scenari.clear()


@pytest.fixture
def ente_cf():
    """Each test is its own ente creditore on the shared simulator."""
    return f"8{next(_n):010d}"


def debito(ente_cf: str, progressivo: int = 1, importo: str = "45.60", **changes) -> PosizioneDebitoria:
    fields = {
        "chiave": f"{ente_cf}-compartecipazione-{progressivo}",
        "progressivo": progressivo,
        "ente_codice_fiscale": ente_cf,
        "ente_denominazione": "Comune di prova",
        "segregazione": "01",
        "debitore_codice_fiscale": "RSSMRA80A01F284X",
        "debitore_nome": "Utente del servizio",
        "importo": Decimal(importo),
        "scadenza": date.today() + timedelta(days=30),
        "causale": "Compartecipazione assistenza domiciliare - novembre 2026",
        "iban_accredito": "IT60X0542811101000000123456",
    }
    return PosizioneDebitoria(**{**fields, **changes})


def paga(sim, ente_cf: str, iuv: str, **extra) -> httpx.Response:
    url = f"http://127.0.0.1:{sim_port(sim)}/sim/paga"
    return httpx.post(url, json={"fc": ente_cf, "iuv": iuv, **extra})


def sim_port(sim) -> int:
    from django.conf import settings

    return int(settings.CSE_INTEROP_SERVICES["pagopa"]["url"].rsplit(":", 1)[1])


def test_a_debt_becomes_a_payable_notice(sim, ctx, ente_cf):
    avviso = PagoPaGpd().crea_posizione(debito(ente_cf, 7), ctx)
    assert avviso.iuv == "010000000000007" + avviso.iuv[-2:] and valida_codice_avviso(avviso.codice_avviso)
    assert (avviso.importo, avviso.stato) == (Decimal("45.60"), StatoAvviso.DA_PAGARE)
    assert sim.posizioni[(ente_cf, f"{ente_cf}-compartecipazione-7")]["paymentOption"][0]["amount"] == 4560
    assert PagoPaGpd().stato(ente_cf, avviso.iuv, ctx) == StatoAvviso.DA_PAGARE


def test_the_same_debt_twice_is_one_notice(sim, ctx, ente_cf):
    first = pagopa.crea_posizione(debito(ente_cf), ctx)
    again = pagopa.crea_posizione(debito(ente_cf), ctx)
    assert again == first
    assert sum(1 for fc, _ in sim.posizioni if fc == ente_cf) == 1


def test_a_lost_answer_does_not_make_a_second_notice(sim, ctx, ente_cf):
    sim.scenari.append("risposta_persa")
    avviso = pagopa.crea_posizione(debito(ente_cf), ctx)
    assert avviso.codice_avviso.startswith("301") and sum(1 for fc, _ in sim.posizioni if fc == ente_cf) == 1
    assert ChiamataInterop.objects.filter(e_service="pagopa", operazione="leggi_posizione", esito="ok").exists()


def test_another_debt_under_a_used_key_is_not_taken_for_the_first(sim, ctx, ente_cf):
    pagopa.crea_posizione(debito(ente_cf), ctx)
    with pytest.raises(InvalidRequest) as err:
        pagopa.crea_posizione(debito(ente_cf, importo="99.00"), ctx)
    assert err.value.code == "iupd_diverso"


def test_a_paid_notice_has_its_receipt_reconciled_by_iuv(sim, ctx, ente_cf):
    pagato = pagopa.crea_posizione(debito(ente_cf, 1), ctx)
    aperto = pagopa.crea_posizione(debito(ente_cf, 2, importo="30.00"), ctx)
    assert paga(sim, ente_cf, pagato.iuv, psp="Banca di prova").status_code == 200
    assert paga(sim, ente_cf, pagato.iuv).status_code == 409  # paid once

    assert pagopa.stato(ente_cf, pagato.iuv, ctx) == StatoAvviso.PAGATO
    assert pagopa.stato(ente_cf, aperto.iuv, ctx) == StatoAvviso.DA_PAGARE
    ricevute = pagopa.ricevute(ente_cf, date.today(), ctx)
    assert [(r.iuv, r.importo, r.psp) for r in ricevute] == [(pagato.iuv, Decimal("45.60"), "Banca di prova")]
    assert ricevute[0].pagato_il.tzinfo is not None
    assert pagopa.ricevute(ente_cf, date.today() + timedelta(days=1), ctx) == []

    esito = riconcilia({pagato.iuv: pagato.importo, aperto.iuv: aperto.importo}, ricevute)
    assert list(esito.pagati) == [pagato.iuv] and not esito.importo_diverso and not esito.sconosciute


def test_an_unknown_iuv_is_not_found(sim, ctx, ente_cf):
    with pytest.raises(NotFound):
        pagopa.stato(ente_cf, "01000000000009999", ctx)


@pytest.mark.parametrize(
    "scenario, error, code",
    [
        ("offline", ServiceUnavailable, "http_503"),
        ("timeout", ServiceUnavailable, "timeout"),
        ("malformato", BadResponse, "malformata"),
    ],
)
def test_failures_become_the_shared_errors(sim, ctx, ente_cf, settings, scenario, error, code):
    settings.CSE_INTEROP_RETRIES = 0
    sim.scenari.append(scenario)
    with pytest.raises(error) as err:
        pagopa.crea_posizione(debito(ente_cf), ctx)
    assert err.value.code == code


def test_a_position_the_platform_refuses_is_an_invalid_request(sim, ctx, ente_cf, monkeypatch):
    monkeypatch.setattr(pagopa, "_payload", lambda d, iuv: {"iupd": d.chiave})
    with pytest.raises(InvalidRequest):
        pagopa.crea_posizione(debito(ente_cf), ctx)


def test_an_annulled_notice_can_no_longer_be_paid_and_annulling_again_is_harmless(sim, ctx, ente_cf):
    avviso = PagoPaGpd().crea_posizione(debito(ente_cf), ctx)
    assert PagoPaGpd().annulla_posizione(ente_cf, avviso.chiave, ctx) == StatoAvviso.ANNULLATO
    assert PagoPaGpd().stato(ente_cf, avviso.iuv, ctx) == StatoAvviso.ANNULLATO
    assert paga(sim, ente_cf, avviso.iuv).status_code == 422
    assert PagoPaGpd().annulla_posizione(ente_cf, avviso.chiave, ctx) == StatoAvviso.ANNULLATO  # 409, read back


def test_a_paid_notice_cannot_be_annulled_and_says_so(sim, ctx, ente_cf):
    avviso = PagoPaGpd().crea_posizione(debito(ente_cf, progressivo=2), ctx)
    assert paga(sim, ente_cf, avviso.iuv).status_code == 200
    assert PagoPaGpd().annulla_posizione(ente_cf, avviso.chiave, ctx) == StatoAvviso.PAGATO


def test_annulling_a_position_never_created_is_done(sim, ctx, ente_cf):
    assert PagoPaGpd().annulla_posizione(ente_cf, f"{ente_cf}-mai-creata", ctx) == StatoAvviso.ANNULLATO
