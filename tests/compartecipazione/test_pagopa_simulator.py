"""End to end through the real adapter (interop/pagopa) and the pagoPA GPD simulator: the simulator down, then up —
one notice per charge, never two; a payment at the simulator's PSP is reconciled."""

import uuid
from datetime import timedelta

import httpx
import pytest

from cse.compartecipazione import actions
from cse.compartecipazione.models import Avviso, Compartecipazione
from tests.support.compartecipazione import NOVEMBRE, isee, served, tariff
from tests.support.factories import AssistitoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sim(simulator_suite, simulators, settings, comune):
    """The shared simulator, with this test as its own ente creditore (a fiscal code no other test uses)."""
    settings.CSE_INTEROP_RETRIES = 0
    settings.CSE_PAGOPA_ENTI = {comune.codice: {"codice_fiscale": f"9{uuid.uuid4().int % 10**10:010d}"}}
    app = simulator_suite[1]["pagopa"].get_app()
    app.scenari.clear()
    yield app
    app.scenari.clear()


def test_simulator_down_then_up_gives_one_notice_and_its_payment_is_reconciled(sim, settings, comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    isee(person, "10000")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    fc = settings.CSE_PAGOPA_ENTI[comune.codice]["codice_fiscale"]

    sim.scenari.append("offline")
    assert actions.avvisi_invia_in_coda().rinviati == 1
    assert not [k for k in sim.posizioni if k[0] == fc]

    avviso = Avviso.objects.get()
    sim.scenari.append("risposta_persa")  # created on pagoPA, but the answer is lost: the retry reads it back
    actions.avvisi_invia_in_coda(now=avviso.prossimo_tentativo_il)
    actions.avvisi_invia_in_coda(now=avviso.prossimo_tentativo_il + timedelta(hours=3))
    avviso.refresh_from_db()
    assert avviso.stato == "emesso" and len([k for k in sim.posizioni if k[0] == fc]) == 1

    port = settings.CSE_INTEROP_SERVICES["pagopa"]["url"].rsplit(":", 1)[1]
    assert httpx.post(f"http://127.0.0.1:{port}/sim/paga", json={"fc": fc, "iuv": avviso.iuv}).status_code == 200
    assert actions.riconcilia_pagamenti(ente=comune, dal=NOVEMBRE).pagati == 1
    assert Compartecipazione.objects.get().stato == "pagata"
