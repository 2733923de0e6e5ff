"""The batched SIUSS pipeline: the same flows as one call per flow, a refused flow stays with its prestazione, and
a constant number of queries per batch (prepare), per chunk (expose) and per call (GET /flussi)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse.cartella.fasi import Prestazione
from cse.core.models import OutboxEvent
from cse.siuss import services
from cse.siuss.builders import NS, build_ps_xml, build_sinba_xml
from cse.siuss.glossary import StatoFlusso, TipoFlusso
from cse.siuss.models import ContatoreFlussi, EserviceWaas, Flusso, VerificaSiuss
from cse.siuss.services import due_windows, flussi_expose, flussi_prepare
from cse.siuss.xsd import xsd_errors
from tests.support.siuss import TODAY, dati, minor_case_in, prestazione, sina
from tests.support.waas import ISSUER, voucher_headers


def _varied(case, comune, worker) -> list[Prestazione]:
    """Occasional with ISEE, periodic over quarters with SINA and hours, no means test, a minor (PS + SINBA)."""
    sina(case)
    occasional = prestazione(case, importo="300.00")
    dati(occasional, quota_ente=Decimal("250"), quota_utente=Decimal("50"))
    periodic = prestazione(case, codice="A2.07", carattere=1, inizio=date(2026, 2, 15), importo="0")
    dati(periodic, importo_mensile=Decimal("400"), quota_ente=Decimal("400"), ore_servizio_mensile=20)
    no_means = prestazione(case, codice="A1.04", inizio=date(2026, 6, 1), importo="80.50")
    dati(no_means, presenza_prova_mezzi="4")
    child = minor_case_in(comune, by=worker)
    minor = prestazione(child, codice="A2.02", importo="120.00")
    dati(minor, presenza_prova_mezzi="4")
    return [occasional, periodic, no_means, minor]


def _per_flow_xml(flusso: Flusso) -> bytes:
    """What the one-flow builders make for this flow's prestazione, name and period."""
    p = services._prestazioni_qs().get(pk=flusso.prestazione_id)
    eservice = EserviceWaas.objects.select_related("ente").get(ente_id=flusso.ente_id)
    if flusso.tipo == TipoFlusso.SINBA:
        return build_sinba_xml(nome=flusso.id_flusso, eservice=eservice, prestazione=p)
    [window] = [w for w in due_windows(p, TODAY) if w.periodo == flusso.periodo]
    return build_ps_xml(nome=flusso.id_flusso, eservice=eservice, prestazione=p, window=window)


@pytest.mark.django_db
def test_batched_prepare_writes_byte_identical_xml_to_the_per_flow_builders(comune, case, worker, a1):
    _varied(case, comune, worker)
    result = flussi_prepare(ente=comune, today=TODAY, chunk=3)  # batches of 3: the minor is in the second one
    flows = list(Flusso.objects.order_by("pk"))
    assert len(flows) == len(result.created) == 1 + 3 + 1 + 2  # Q1-Q3 of the periodic one, PS + SINBA of the minor
    assert [f.id_flusso[-7:] for f in flows] == [f"{n:07d}" for n in range(1, len(flows) + 1)]
    for flusso in flows:
        assert bytes(flusso.xml) == _per_flow_xml(flusso), flusso.id_flusso
        assert xsd_errors(bytes(flusso.xml), flusso.tipo) == []
    # every flow has its history row and its event, in the same transaction as the row
    assert Flusso.history.filter(history_type="+").count() == len(flows)
    assert OutboxEvent.objects.filter(event_type="siuss.flusso_pronto").count() == len(flows)
    # idempotent: a second run creates nothing and numbers nothing
    assert flussi_prepare(ente=comune, today=TODAY).created == []
    assert ContatoreFlussi.objects.get(ente=comune, giorno=TODAY).ultimo == len(flows)


@pytest.mark.django_db
def test_a_flow_the_schema_refuses_is_reported_for_its_prestazione_only(comune, case, a1, monkeypatch):
    good = [prestazione(case, importo=f"{100 + i}.00") for i in range(3)]
    for p in good:
        dati(p)
    bad = good[1]
    real = services.ps_element

    def breaking(**kw):  # a value outside the schema for one prestazione of the batch
        root = real(**kw)
        if kw["prestazione"].pk == bad.pk:
            root.find(f"{NS}Beneficiario/{NS}PrestazioniSociali").set("PresaCarico", "7")
        return root

    monkeypatch.setattr(services, "ps_element", breaking)
    result = flussi_prepare(ente=comune, today=TODAY)
    assert sorted(f.prestazione_id for f in result.created) == [good[0].pk, good[2].pk]
    assert not Flusso.objects.filter(prestazione=bad).exists()
    [problem] = VerificaSiuss.objects.get(prestazione=bad).problemi
    assert problem.startswith("flusso PS non conforme allo schema INPS: riga 2:") and "PresaCarico" in problem
    assert not VerificaSiuss.objects.get(prestazione=good[0]).ha_problemi
    # the refused flow used its number, as one call per flow did: numbers 1 and 3 went to the others
    assert sorted(f.id_flusso[-1] for f in result.created) == ["1", "3"]


def _prepare_queries(comune) -> int:
    with CaptureQueriesContext(connection) as queries:
        flussi_prepare(ente=comune, today=TODAY, chunk=1000)
    return len(queries)


@pytest.mark.django_db
def test_prepare_costs_the_same_queries_for_a_batch_of_2_or_of_8(comune, case, a1):
    ContatoreFlussi.objects.create(ente=comune, giorno=TODAY)  # the counter row exists in both runs
    for i in range(2):
        dati(prestazione(case, importo=f"{100 + i}.00"))
    small = _prepare_queries(comune)
    for i in range(6):
        dati(prestazione(case, importo=f"{200 + i}.00"))
    large = _prepare_queries(comune)
    assert Flusso.objects.count() == 8
    assert small == large


def _expose_queries(comune) -> int:
    with CaptureQueriesContext(connection) as queries:
        flussi_expose(ente=comune)
    return len(queries)


@pytest.mark.django_db
def test_expose_costs_the_same_queries_for_2_or_8_flows_with_history_and_events(comune, case, a1):
    for i in range(2):
        dati(prestazione(case, importo=f"{100 + i}.00"))
    flussi_prepare(ente=comune, today=TODAY)
    small = _expose_queries(comune)
    for i in range(8):
        dati(prestazione(case, importo=f"{200 + i}.00"))
    flussi_prepare(ente=comune, today=TODAY)
    large = _expose_queries(comune)
    assert small == large
    flows = list(Flusso.objects.order_by("esposto_ms"))
    assert {f.stato for f in flows} == {StatoFlusso.ESPOSTO}
    assert [f.pk for f in flows] == sorted(f.pk for f in flows)  # instants in creation order
    assert len({f.esposto_ms for f in flows}) == 10
    assert Flusso.history.filter(history_type="~", history_change_reason="esposto a INPS").count() == 10
    assert OutboxEvent.objects.filter(event_type="siuss.flusso_esposto").count() == 10


@pytest.mark.django_db
def test_expose_rolls_back_rows_history_and_events_together(comune, case, a1, monkeypatch):
    dati(prestazione(case))
    flussi_prepare(ente=comune, today=TODAY)

    def failing(**kw):
        raise RuntimeError("relay down")

    monkeypatch.setattr(services, "outbox_append_many", failing)
    with pytest.raises(RuntimeError), transaction.atomic():
        flussi_expose(ente=comune)
    assert Flusso.objects.get().stato == StatoFlusso.PRONTO
    assert not Flusso.history.filter(history_type="~").exists()


@pytest.mark.django_db
def test_one_poll_costs_the_same_queries_for_1_or_100_flows(comune, case, a1, settings, client):
    from django.core.cache import cache

    cache.clear()
    settings.SIUSS_PDND_JWKS = ISSUER.jwks()
    a1.purpose_ids = ["purpose-inps-siuss"]
    a1.save()
    for i in range(12):
        dati(prestazione(case, importo=f"{100 + i}.00"))
    flussi_prepare(ente=comune, today=TODAY)
    flussi_expose(ente=comune)
    url = reverse("siuss:waas_flussi", kwargs={"codice": comune.codice})
    client.get(url, {"since": 0}, **voucher_headers(a1))  # the replay store purges expired ids on its first claim
    counts = []
    for limit in (1, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"since": 0, "limit": limit}, **voucher_headers(a1))
        assert response.status_code == 200
        assert len(response.json()["elenco_flussi"]) == min(limit, 12)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5, queries.captured_queries  # 2 with the Redis jti store, 5 with the table
