"""Completeness of the SIUSS transmission seen from the Region: prestazioni erogated by each ente erogatore vs flows
prepared, exposed, acquired and rejected — from the pseudonymised events alone, equal to the ente's own flows."""

from datetime import date

import pytest
from django.urls import reverse

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.relay import relay_outbox
from cse.regionale.derivations import derive_siuss_prestazioni, siuss_completeness
from cse.regionale.ingest import ingest_event
from cse.siuss.glossary import StatoFlusso
from cse.siuss.models import Flusso
from cse.siuss.services import esiti_record, flussi_expose, flussi_prepare, flusso_correct
from tests.support.factories import OperatoreFactory
from tests.support.places import (
    every_role,
    foreign_comune,
    home_ambito,
    home_comune,
    neighbour_comune,
    regione,
)
from tests.support.regionale import prestazione, to_erogazione
from tests.support.siuss import TODAY, add_isee, dati, eservice_for, with_residence

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


def _local_truth(ente) -> dict:
    """The ente's own view: the state of each prestazione's latest insert flow."""
    latest = {}
    for f in Flusso.objects.filter(ente=ente, tipo="PS_PSA_SINA", tipo_operazione="I").order_by("pk"):
        latest[f.prestazione_id] = f.stato
    return latest


def test_the_region_sees_erogated_transmitted_and_acquired_per_ente_as_the_ente_does(comune, worker, person, client):
    region = regione()
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    analyst = OperatoreFactory(ente=region, ruolo="analista_regionale")
    worker, ente = worker, comune
    eservice_for(ente)
    person = with_residence(person)
    add_isee(person)
    case = to_erogazione(cartella_open(assistito=person, by=worker), worker)
    ready = [prestazione(case, worker, "A1.04", date(2026, month, 5), "300.00", carattere=2) for month in (2, 3, 4, 5)]
    for p in ready:
        dati(p)
    prestazione(case, worker, "A1.04", date(2026, 6, 5), "100.00", carattere=2)  # SIUSS data missing: no flow yet
    flussi_prepare(ente=ente, today=TODAY)
    assert flussi_expose(ente=ente) == 4
    ok, ko, *_ = Flusso.objects.filter(ente=ente).order_by("pk")
    esiti_record(
        ente=ente,
        esiti=[
            {"id_flusso": ok.id_flusso, "codice_esito": "OK", "id_acquisizione_siuss": "22738"},
            {"id_flusso": ko.id_flusso, "codice_esito": "RICHIESTA_INVALIDA", "descrizione_esito": "Codice errato"},
        ],
    )
    relay_outbox(sender=ingest_event)

    row = {"ente": ente.codice, "erogate": 5, "da_preparare": 1, "pronte": 0, "esposte": 2, "acquisite": 1}
    assert siuss_completeness(2026) == [{**row, "in_errore": 1, "quota_acquisite": 20.0}]
    local = sorted(_local_truth(ente).values())
    assert local == sorted([StatoFlusso.ACQUISITO, StatoFlusso.ERRORE, StatoFlusso.ESPOSTO, StatoFlusso.ESPOSTO])

    # the operator corrects the rejected flow: withdrawn, a new insert is ready — the Region follows
    flusso_correct(flusso=ko, reason="codice corretto", by=responsabile, today=TODAY)
    relay_outbox(sender=ingest_event)
    assert siuss_completeness(2026) == [{**row, "pronte": 1, "in_errore": 0, "quota_acquisite": 20.0}]
    assert siuss_completeness(2025) == []

    # the SIUSS table counts the prestazioni under their ente erogatore, and the analyst gets both as pages/files,
    # small cells suppressed like every regional table (its ente totals are the SIUSS tables' ones)
    assert derive_siuss_prestazioni(2026) == 5
    client.force_login(analyst)
    page = client.get(reverse("regionale:completezza"), {"anno": 2026}).content.decode()
    row_start = f'<tr data-ente="{ente.codice}"><th scope="row">{ente.nome}</th>'
    assert f"{row_start}<td>5</td><td>n.d.</td><td>n.d.</td>" in page
    csv = client.get(reverse("regionale:completezza"), {"anno": 2026, "formato": "csv"}).content.decode()
    assert csv.splitlines()[1] == f"{ente.codice};5;n.d.;n.d.;n.d.;n.d.;0;n.d."


def test_only_analysts_see_the_completeness_table(db, client):
    for ente, ruolo, user in every_role(home_comune(), neighbour_comune(), foreign_comune(), home_ambito(), regione()):
        client.force_login(user)
        status = client.get(reverse("regionale:completezza")).status_code
        assert status == (200 if ruolo == "analista_regionale" else 404), (ente.codice, ruolo)
