"""SIUSS prestazioni derived from the regional events: a hand-computed scenario, reproducible rebuilds."""

from datetime import date
from decimal import Decimal

import pytest

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.actions.fasi import prestazione_end
from cse.cartella.relay import relay_outbox
from cse.regionale.derivations import derive_siuss_prestazioni, siuss_table
from cse.regionale.ingest import ingest_event
from cse.regionale.models import PrestazioneSiuss
from tests.support.factories import OperatoreFactory
from tests.support.places import home_ambito, regione
from tests.support.regionale import prestazione, to_erogazione

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


def test_a_small_scenario_gives_the_expected_siuss_rows_and_rebuilds_identically(comune, worker, person):
    case = to_erogazione(cartella_open(assistito=person, by=worker), worker)
    sad = prestazione(case, worker, "A2.07", date(2026, 2, 1), "480.00")
    prestazione(case, worker, "A1.04", date(2026, 3, 5), "300.00", carattere=2)
    prestazione(case, worker, "A2.07", date(2025, 11, 1), "200.00")  # another year
    prestazione_end(prestazione=sad, data_fine=date(2026, 6, 30), by=worker, version=None)
    relay_outbox(sender=ingest_event)

    assert derive_siuss_prestazioni(2026) == 2
    rows = {r.codice: r for r in PrestazioneSiuss.objects.filter(anno=2026)}
    assert rows["A2.07"].data_fine == date(2026, 6, 30)  # the conclusion, the later event, wins
    assert rows["A2.07"].importo == Decimal("480.00") and rows["A1.04"].carattere == 2
    assert {r.presa_in_carico for r in rows.values()} == {1}
    assert {r.area_utenza for r in rows.values()} == {2}  # anziani → disabilità e non autosufficienza
    assert {r.ente for r in rows.values()} == {comune.codice}
    assert derive_siuss_prestazioni(2025) == 1

    snapshot = sorted(
        PrestazioneSiuss.objects.filter(anno=2026).values_list(
            "prestazione_key", "codice", "importo", "data_fine", "soggetto"
        )
    )
    assert derive_siuss_prestazioni(2026) == 2
    assert (
        sorted(
            PrestazioneSiuss.objects.filter(anno=2026).values_list(
                "prestazione_key", "codice", "importo", "data_fine", "soggetto"
            )
        )
        == snapshot
    )
    rows_, cols, cells, sensitive = siuss_table(2026)
    assert rows_ == [comune.codice] and cols == ["A1.04", "A2.07"]
    assert cells == {(comune.codice, "A1.04"): 1, (comune.codice, "A2.07"): 1}
    assert sensitive == set()


def test_the_analyst_dashboard_suppresses_small_cells_and_only_analysts_see_it(comune, worker, person, client):
    region = regione()
    analyst = OperatoreFactory(ente=region, ruolo="analista_regionale")
    case = to_erogazione(cartella_open(assistito=person, by=worker), worker)
    for month in (1, 2, 3):
        prestazione(case, worker, "A2.07", date(2026, month, 1), "100.00")
    prestazione(case, worker, "A1.04", date(2026, 4, 1), "50.00", carattere=2)
    relay_outbox(sender=ingest_event)
    derive_siuss_prestazioni(2026)

    client.force_login(analyst)
    html = client.get("/regionale/", {"anno": 2026}).content.decode()
    assert "n.d." in html  # A1.04: one prestazione, suppressed
    csv_text = client.get("/regionale/", {"anno": 2026, "formato": "csv"}).content.decode()
    # A2.07's 3 is hidden too: beside the published total 4 it would give A1.04's 1 back
    assert csv_text.splitlines()[1:] == ["F284;n.d.;n.d.;4", "totale;n.d.;n.d.;4"]

    for ente, ruolo in (
        (comune, "assistente_sociale"),
        (home_ambito(), "ufficio_di_piano"),
        (region, "amministratore_ente"),
    ):
        client.force_login(OperatoreFactory(ente=ente, ruolo=ruolo))
        assert client.get("/regionale/", {"anno": 2026}).status_code == 404
