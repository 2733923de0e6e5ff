"""A submitted domanda enters the protocollo informatico through the queue: the citizen's submission commits at once
with its request («protocollazione in corso»), the worker registers it — once, also after an outage — and the
number, date and segnatura land on the domanda with their event."""

from __future__ import annotations

import hashlib
import json

import pytest

from cse.bandi.actions import submitted_document
from cse.bandi.models import Domanda
from cse.core.models import OutboxEvent, RichiestaProtocollo, StatoProtocollazione
from cse.core.protocollo import protocollo_registra_in_coda
from tests.support.bandi import ProtocolloInMemoria, citizen, make_bando, ports, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def bando(comune, responsabile):
    ProtocolloInMemoria.registrazioni.clear()
    return make_bando(comune, responsabile)


def _later(richiesta: RichiestaProtocollo):
    from datetime import timedelta

    return richiesta.prossimo_tentativo_il + timedelta(seconds=1)


def test_the_submission_queues_its_registration_in_the_same_transaction(bando):
    person = citizen()
    domanda = submitted(bando, person)
    richiesta = RichiestaProtocollo.objects.get(chiave=f"bandi/domanda-{domanda.pk}")
    assert (richiesta.stato, richiesta.verso, richiesta.callback) == ("in_coda", "entrata", "bandi.domanda")
    assert richiesta.sha256 == hashlib.sha256(submitted_document(domanda, domanda.bando)).hexdigest()
    assert json.loads(submitted_document(domanda, domanda.bando))["richiedente"][0] == domanda.codice_fiscale
    assert domanda.protocollo_numero == ""  # «ricevuta, protocollazione in corso»


def test_the_worker_registers_it_and_the_domanda_gets_number_date_and_segnatura(bando):
    person = citizen()
    domanda = submitted(bando, person)
    with ports(protocollo="ProtocolloInMemoria"):
        esito = protocollo_registra_in_coda()
    assert esito.registrate == 1
    domanda = Domanda.objects.get(pk=domanda.pk)
    assert domanda.protocollo_numero == "0000001" and domanda.protocollo_data is not None
    assert "<NumeroRegistrazione>0000001</NumeroRegistrazione>" in domanda.protocollo_segnatura
    events = OutboxEvent.objects.filter(aggregate_type="bandi.domanda", aggregate_id=domanda.pk)
    assert "domanda.protocollata" in events.values_list("event_type", flat=True)


def test_an_outage_keeps_the_domanda_waiting_and_a_later_run_registers_it_once(bando):
    first, second = submitted(bando, citizen()), submitted(bando, citizen())
    with ports(protocollo="ProtocolloGiu"):
        protocollo_registra_in_coda()
    assert not Domanda.objects.filter(pk__in=[first.pk, second.pk]).exclude(protocollo_numero="").exists()
    richiesta = RichiestaProtocollo.objects.get(chiave=f"bandi/domanda-{first.pk}")
    assert richiesta.stato == StatoProtocollazione.IN_CODA and richiesta.tentativi == 1
    with ports(protocollo="ProtocolloInMemoria"):
        protocollo_registra_in_coda(now=_later(richiesta))
        protocollo_registra_in_coda(now=_later(richiesta))  # a second pass finds nothing left to do
    numbers = sorted(Domanda.objects.filter(pk__in=[first.pk, second.pk]).values_list("protocollo_numero", flat=True))
    assert numbers == ["0000001", "0000002"]
    assert len(ProtocolloInMemoria.registrazioni) == 2
