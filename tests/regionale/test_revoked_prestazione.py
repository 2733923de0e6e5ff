"""A benefit revoked by an act leaves the region's figures: its prestazione stays in the current state, flagged, so
that no late or repeated older event brings it back, and neither the SIUSS derivation nor the LEPS counts use it."""

from datetime import date

import pytest

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.actions.contributi import prestazione_revoke
from cse.cartella.relay import relay_outbox
from cse.regionale.derivations import derive_siuss_prestazioni
from cse.regionale.ingest import ingest_event
from cse.regionale.models import EventoRegionale, PrestazioneCorrente, PrestazioneSiuss
from cse.regionale.projections import rebuild_projections
from tests.support.regionale import prestazione, to_erogazione

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


def test_a_revoked_prestazione_leaves_the_siuss_derivation_and_stays_out_after_a_rebuild(worker, person):
    case = to_erogazione(cartella_open(assistito=person, by=worker), worker)
    kept = prestazione(case, worker, "A2.07", date(2026, 2, 1), "480.00", modulo_leps="A1")
    revoked = prestazione(case, worker, "A1.04", date(2026, 3, 1), "300.00", modulo_leps="A1")
    relay_outbox(sender=ingest_event)
    assert derive_siuss_prestazioni(2026) == 2

    prestazione_revoke(prestazione=revoked, atto_data=date(2026, 4, 1), motivo="Requisiti non posseduti", by=worker)
    relay_outbox(sender=ingest_event)

    assert derive_siuss_prestazioni(2026) == 1
    assert list(PrestazioneSiuss.objects.filter(anno=2026).values_list("codice", flat=True)) == [kept.voce.codice]
    assert PrestazioneCorrente.objects.get(codice="A1.04").revocata

    rebuild_projections()  # replaying every event in order gives the same state
    assert derive_siuss_prestazioni(2026) == 1


def test_an_older_event_arriving_after_the_revocation_does_not_bring_the_prestazione_back(worker, person):
    case = to_erogazione(cartella_open(assistito=person, by=worker), worker)
    revoked = prestazione(case, worker, "A1.04", date(2026, 3, 1), "300.00")
    prestazione_revoke(prestazione=revoked, atto_data=date(2026, 4, 1), motivo="Requisiti non posseduti", by=worker)
    relay_outbox(sender=ingest_event)
    erogata = EventoRegionale.objects.get(event_type="cartella.prestazione_erogata", payload__data__codice="A1.04")

    ingest_event({**erogata.payload, "event_id": "b2f0c1de-0000-4000-8000-000000000001"})  # a late older copy

    assert PrestazioneCorrente.objects.get(codice="A1.04").revocata
    assert derive_siuss_prestazioni(2026) == 0
