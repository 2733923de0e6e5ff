"""Notices: the month's charges are queued (never one to check or of zero), the worker issues each on pagoPA with the
charge's idempotency key; an outage keeps them queued and a later run issues them — one IUV per charge, never two."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cse.compartecipazione import actions
from cse.compartecipazione.models import Avviso, Compartecipazione
from cse.core.models import OutboxEvent
from cse.core.pagamenti import valida_codice_avviso
from tests.support.compartecipazione import NOVEMBRE, isee, served, tariff
from tests.support.factories import AssistitoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(comune, responsabile):
    """Two people served in November: one at 30 % (60 €), one exempt."""
    tariff(comune, responsabile)
    paying, exempt = AssistitoFactory(ente=comune), AssistitoFactory(ente=comune)
    served(paying, "10")
    isee(paying, "10000")
    served(exempt, "10")
    isee(exempt, "2000")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    return paying, exempt


def test_the_month_queues_one_notice_per_payable_charge(comune, responsabile, month, pagopa):
    esito = actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    assert esito.accodati == 1 and "Importo zero" in esito.esclusi[0]
    avviso = Avviso.objects.get()
    assert (avviso.stato, avviso.importo, avviso.iuv) == ("in_coda", Decimal("60.00"), "")
    assert avviso.chiave == f"CSE-{comune.codice}-COMP-{avviso.compartecipazione_id}"
    assert avviso.scadenza == timezone.localdate() + timedelta(days=30)
    assert pagopa.chiamate == 0  # nobody waits for pagoPA inside the operator's request


def test_the_worker_issues_the_notice_and_the_charge_moves_on(comune, responsabile, month, pagopa):
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    assert actions.avvisi_invia_in_coda().emessi == 1
    avviso = Avviso.objects.get()
    assert avviso.stato == "emesso" and valida_codice_avviso(avviso.codice_avviso) == avviso.codice_avviso
    assert avviso.compartecipazione.stato == "avviso_emesso"
    assert OutboxEvent.objects.filter(event_type="compartecipazione.avviso_emesso").count() == 1


def test_an_outage_queues_and_retries_without_duplicates(comune, responsabile, month, pagopa):
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    pagopa.offline = True
    now = timezone.now()
    assert actions.avvisi_invia_in_coda(now=now).rinviati == 1
    avviso = Avviso.objects.get()
    assert (avviso.stato, avviso.tentativi, avviso.iuv) == ("in_coda", 1, "")
    assert "http_503" in avviso.ultimo_errore and avviso.prossimo_tentativo_il > now
    assert actions.avvisi_invia_in_coda(now=now).rinviati == 0  # not due yet: pagoPA is not hammered

    pagopa.offline = False
    later = avviso.prossimo_tentativo_il
    assert actions.avvisi_invia_in_coda(now=later).emessi == 1
    assert actions.avvisi_invia_in_coda(now=later + timedelta(hours=2)).emessi == 0
    # the monthly run pressed again queues nothing new either
    assert actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile).accodati == 0
    assert len(pagopa.posizioni) == 1 and Avviso.objects.count() == 1
    assert Avviso.objects.get().iuv == next(iter(pagopa.posizioni.values())).iuv


def test_a_lost_answer_retried_gets_back_the_same_notice(comune, responsabile, month, pagopa):
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    avviso = Avviso.objects.get()
    first = pagopa().crea_posizione(actions.posizione_di(avviso), None)  # created, but the answer never came back
    actions.avvisi_invia_in_coda()
    assert Avviso.objects.get().iuv == first.iuv and len(pagopa.posizioni) == 1


def test_a_charge_to_check_is_not_issued(comune, responsabile, pagopa):
    tariff(comune, responsabile, senza_isee="da_verificare")
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    esito = actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    assert esito.accodati == 0 and "da verificare" in esito.esclusi[0]
    assert not Avviso.objects.exists()


def test_annulling_a_queued_charge_annuls_its_notice_before_pagopa_sees_it(comune, responsabile, month, pagopa):
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    comp = Compartecipazione.objects.get(avviso__isnull=False)
    actions.annulla(comp=comp, motivo="Ore registrate per errore", by=responsabile)
    assert actions.avvisi_invia_in_coda().emessi == 0
    assert Avviso.objects.get().stato == "annullato" and pagopa.chiamate == 0


def test_a_refused_notice_waits_for_the_operator_and_goes_back_with_the_same_key(
    comune, responsabile, month, pagopa, monkeypatch
):
    from cse.core.external import InvalidRequest

    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)

    def refuse(self, debito, ctx):
        raise InvalidRequest("La piattaforma pagoPA ha rifiutato la posizione debitoria.", code="http_400")

    with monkeypatch.context() as patch:
        patch.setattr(type(pagopa()), "crea_posizione", refuse)
        assert actions.avvisi_invia_in_coda().in_errore == 1
    avviso = Avviso.objects.get()
    assert avviso.stato == "errore" and "rifiutato" in avviso.ultimo_errore
    actions.riaccoda(avviso=avviso, by=responsabile)
    assert actions.avvisi_invia_in_coda().emessi == 1
    assert Avviso.objects.get().chiave == avviso.chiave
