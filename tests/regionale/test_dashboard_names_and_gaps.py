"""What the analyst reads on the regional pages: names instead of codes on axes, rows and columns; a suppressed total
drawn as a gap with a note, never as a bar of zero; the chart's own data table; the share acquired by SIUSS computed
from the published counts it refers to."""

from datetime import date

import pytest
from django.urls import reverse

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.relay import relay_outbox
from cse.regionale.derivations import derive_siuss_prestazioni
from cse.regionale.ingest import ingest_event
from cse.siuss.models import Flusso
from cse.siuss.services import esiti_record, flussi_expose, flussi_prepare
from tests.support.factories import OperatoreFactory
from tests.support.places import home_comune, neighbour_comune, regione
from tests.support.regionale import deliver, prestazione, to_erogazione
from tests.support.siuss import TODAY, add_isee, dati, eservice_for, with_residence

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


@pytest.fixture
def analyst(db, client):
    client.force_login(OperatoreFactory(ente=regione(), ruolo="analista_regionale"))
    return client


def _page(client, **params) -> str:
    return client.get(reverse("regionale:cruscotto"), {"anno": 2026, **params}).content.decode()


def test_rows_columns_and_bars_carry_names_not_codes(analyst):
    deliver(home_comune(), "anziani", [("A2.07", 1)] * 4)
    by_code = _page(analyst, righe="codice", colonne="trimestre")
    assert '<th scope="row">Assistenza domiciliare socio-assistenziale (A2.07)</th>' in by_code
    assert '<th scope="col">1° trimestre</th>' in by_code and '<th scope="col">T1</th>' not in by_code
    assert "<title>Assistenza domiciliare socio-assistenziale (A2.07): 4</title>" in by_code
    by_ente = _page(analyst, righe="ente", colonne="area")
    assert f'<th scope="row">{home_comune().nome}</th>' in by_ente and '<th scope="col">Anziani</th>' in by_ente
    assert f'<th scope="row">{home_comune().codice}</th>' not in by_ente
    assert "Cartella aperta</td>" in by_ente  # the events received, by their registered description
    # the files keep the codes: they are keys for whoever joins them with other data
    csv_text = analyst.get(
        reverse("regionale:cruscotto"), {"anno": 2026, "righe": "codice", "colonne": "trimestre", "formato": "csv"}
    ).content.decode()
    assert csv_text.splitlines()[1].startswith("A2.07;4;")


def test_a_suppressed_total_is_a_gap_with_a_note_not_a_zero_bar(analyst):
    deliver(home_comune(), "anziani", [("A2.07", 1)] * 4)
    deliver(neighbour_comune(), "anziani", [("A2.07", 1)], sesso="F")  # one prestazione: never published
    page = _page(analyst, righe="ente", colonne="codice")
    chart = page.split('<svg role="img"')[1].split("</svg>")[0]
    hidden = f"<title>{neighbour_comune().nome}: dato non pubblicato</title>"
    assert hidden in chart and "n.d. — non pubblicato" in chart
    bars = chart.count('class="barra"')
    gaps = chart.count('class="barra-nd"')
    assert gaps >= 1 and bars + gaps == 2  # one mark per row: the hidden ones have no bar at all
    assert ": 0</title>" not in chart and 'width="0.0%"' not in chart
    assert "non sono zeri" in page  # the note under the chart
    data_table = page.split("<summary>Dati del grafico</summary>")[1].split("</table>")[0]
    hidden_row = f'<th scope="row">{neighbour_comune().nome}</th><td class="text-end">n.d. (non pubblicato)</td>'
    assert hidden_row in data_table


def test_a_published_zero_stays_a_zero(analyst):
    deliver(home_comune(), "anziani", [("A2.07", 1)] * 4)
    page = _page(analyst, righe="trimestre", colonne="codice")
    assert "<title>1° trimestre: 4</title>" in page and "dato non pubblicato" not in page.split('<svg role="img"')[1]


def test_the_share_acquired_is_acquired_over_erogated_on_a_known_dataset(comune, worker, person, analyst):
    """8 prestazioni of one ente, all transmitted; INPS acquires 4 → 50 % (every count ≥ 3: all published)."""
    eservice_for(comune)
    add_isee(with_residence(person))
    case = to_erogazione(cartella_open(assistito=person, by=worker), worker)
    for day in range(1, 9):
        dati(prestazione(case, worker, "A1.04", date(2026, 2, day), "300.00", carattere=2))
    flussi_prepare(ente=comune, today=TODAY)
    assert flussi_expose(ente=comune) == 8
    flows = list(Flusso.objects.filter(ente=comune).order_by("pk"))
    esiti_record(
        ente=comune,
        esiti=[
            {"id_flusso": f.id_flusso, "codice_esito": "OK", "id_acquisizione_siuss": f"{9000 + i}"}
            for i, f in enumerate(flows[:4])
        ],
    )
    relay_outbox(sender=ingest_event)
    derive_siuss_prestazioni(2026)

    page = analyst.get(reverse("regionale:completezza"), {"anno": 2026}).content.decode()
    row = page.split(f'<tr data-ente="{comune.codice}">')[1].split("</tr>")[0]
    assert f'<th scope="row">{comune.nome}</th><td>8</td><td>0</td><td>0</td><td>4</td><td>4</td><td>0</td>' in row
    assert '<td class="quota">50,0%</td>' in row
    footer = page.split("<tfoot>")[1].split("</tfoot>")[0]
    assert '<td class="quota">50,0%</td>' in footer


def test_the_share_is_not_shown_when_its_counts_are_hidden(comune, worker, person, analyst):
    eservice_for(comune)
    add_isee(with_residence(person))
    case = to_erogazione(cartella_open(assistito=person, by=worker), worker)
    for day in range(1, 5):
        dati(prestazione(case, worker, "A1.04", date(2026, 2, day), "300.00", carattere=2))
    flussi_prepare(ente=comune, today=TODAY)
    flussi_expose(ente=comune)
    flow = Flusso.objects.filter(ente=comune).order_by("pk").first()
    esiti_record(ente=comune, esiti=[{"id_flusso": flow.id_flusso, "codice_esito": "OK", "id_acquisizione_siuss": "1"}])
    relay_outbox(sender=ingest_event)
    derive_siuss_prestazioni(2026)
    page = analyst.get(reverse("regionale:completezza"), {"anno": 2026}).content.decode()
    row = page.split(f'<tr data-ente="{comune.codice}">')[1].split("</tr>")[0]
    assert '<td class="quota">n.d.</td>' in row  # 1 acquired of 4: the share would give the hidden 1 back
    assert "25,0%" not in page
