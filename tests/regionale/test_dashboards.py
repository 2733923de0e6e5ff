"""The analyst's pages: tables by any two dimensions with chart, CSV/XLSX exports that publish only what the page
publishes, and the SIOSS schede workflow through the real views."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cse.regionale.leps import derive_sioss_leps_counts
from cse.regionale.models import IndicatoreLeps, SchedaLeps, StatoScheda, ValoreLeps
from tests.support.factories import OperatoreFactory
from tests.support.places import (
    every_role,
    foreign_comune,
    home_ambito,
    home_comune,
    neighbour_comune,
    regione,
)
from tests.support.regionale import deliver

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


@pytest.fixture
def analyst(db, client):
    client.force_login(OperatoreFactory(ente=regione(), ruolo="analista_regionale"))
    return client


def test_any_two_dimensions_with_a_chart_and_the_same_figures_in_csv_and_xlsx(analyst):
    deliver(home_comune(), "anziani", [("A2.07", 1), ("A2.07", 2), ("A2.07", 2), ("A1.04", 5)])
    page = analyst.get(reverse("regionale:cruscotto"), {"anno": 2026, "righe": "area", "colonne": "trimestre"})
    html = page.content.decode()
    # Q2 has 1, so Q1's 3 is hidden too: the total 4 alone gives neither back (nor does any other table)
    assert '<svg role="img"' in html and "<title>Anziani: 4</title>" in html  # names on the page, codes in the files
    hidden = '<td class="text-muted">n.d.</td>'
    assert f'<th scope="row">Anziani</th>{hidden}{hidden}<td>4</td>' in html

    params = {"anno": 2026, "righe": "area", "colonne": "trimestre", "formato": "xlsx"}
    sheet = load_workbook(BytesIO(analyst.get(reverse("regionale:cruscotto"), params).content)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["Area di bisogno", "T1", "T2", "totale"],
        ["anziani", "n.d.", "n.d.", 4],
        ["totale", "n.d.", "n.d.", 4],
    ]
    params["formato"] = "csv"
    csv_text = analyst.get(reverse("regionale:cruscotto"), params).content.decode()
    assert csv_text.splitlines()[1] == "anziani;n.d.;n.d.;4"


def test_cells_of_a_sensitive_area_need_five_to_be_published(analyst):
    deliver(home_comune(), "dipendenze_salute_mentale", [("A2.07", 1)] * 4)
    deliver(neighbour_comune(), "poverta", [("A2.07", 1)] * 4, sesso="F")
    csv_text = analyst.get(
        reverse("regionale:cruscotto"), {"anno": 2026, "righe": "area", "colonne": "codice", "formato": "csv"}
    ).content.decode()
    assert "dipendenze_salute_mentale;n.d.;n.d." in csv_text  # 4 < 5
    # 4 ≥ 3, but beside the published total 8 it would give the sensitive 4 back: hidden as its complement
    assert "poverta;n.d.;n.d." in csv_text and "totale;8;8" in csv_text


def test_an_unknown_dimension_falls_back_instead_of_failing(analyst):
    response = analyst.get(reverse("regionale:cruscotto"), {"righe": "soggetto", "colonne": "soggetto"})
    assert response.status_code == 200 and "soggetto" not in response.content.decode().split("<table")[1]


def test_the_analyst_derives_finalises_and_reopens_schede_through_the_pages(analyst):
    deliver(home_comune(), "anziani", [("A2.07", 1)])
    response = analyst.post(reverse("regionale:sioss_ricalcola"), {"anno": 2026})
    assert response.status_code == 302
    listing = analyst.get(reverse("regionale:sioss"), {"anno": 2026}).content.decode()
    assert "BA01" in listing and "Bozza" in listing

    empty = SchedaLeps.objects.get(anno=2026, ambito="BA01", modulo="A7")
    refused = analyst.post(reverse("regionale:scheda_finalizza", args=[empty.pk]), {"version": empty.version})
    assert refused.status_code == 400 and "indica il motivo" in refused.content.decode()
    assert SchedaLeps.objects.get(pk=empty.pk).stato == StatoScheda.BOZZA
    analyst.post(
        reverse("regionale:scheda_finalizza", args=[empty.pk]),
        {"version": empty.version, "motivo_vuota": "Servizio non attivo"},
    )
    assert SchedaLeps.objects.get(pk=empty.pk).stato == StatoScheda.FINALIZZATA_VUOTA

    full = SchedaLeps.objects.get(anno=2026, ambito="BA01", modulo="A1")
    page = analyst.get(reverse("regionale:scheda", args=[full.pk])).content.decode()
    assert "Beneficiari per sesso" in page and "A2.07" in page
    analyst.post(
        reverse("regionale:scheda_valore", args=[full.pk]),
        {
            "version": full.version,
            "indicatore": IndicatoreLeps.objects.get(modulo="A1", codice="ore_profilo").pk,
            "chiave": "educatore",
            "valore": "40",
        },
    )
    assert ValoreLeps.objects.filter(scheda=full, chiave="educatore", valore=40).exists()
    stale = analyst.post(reverse("regionale:scheda_finalizza", args=[full.pk]), {"version": full.version})
    assert "modificata da un altro utente" in stale.content.decode()


def test_the_a4_import_reports_every_bad_row_and_writes_nothing(analyst):
    bad = b"anno;ambito;sezione;voce;valore\n2026;BA01;3;famiglie;2\n2026;BA01;7;x;1\n"
    response = analyst.post(
        reverse("regionale:sioss_import_a4"), {"file": SimpleUploadedFile("rpm.csv", bad)}, follow=True
    )
    assert "riga 3: sezione «7» non prevista" in response.content.decode()
    assert not ValoreLeps.objects.exists()


def test_nobody_but_the_analysts_reaches_the_regional_pages(db, client):
    staff = every_role(home_comune(), neighbour_comune(), foreign_comune(), home_ambito(), regione())
    derive_sioss_leps_counts(2026, ambito="BA01")
    scheda = SchedaLeps.objects.first()
    urls = [reverse("regionale:cruscotto"), reverse("regionale:sioss"), reverse("regionale:scheda", args=[scheda.pk])]
    for ente, ruolo, user in staff:
        client.force_login(user)
        allowed = (ente.tipo, ruolo) == ("regione", "analista_regionale")
        for url in urls:
            assert (client.get(url).status_code == 200) == allowed, (ente.codice, ruolo, url)
        posted = client.post(reverse("regionale:sioss_ricalcola"), {"anno": 2027})
        assert (posted.status_code == 302) == allowed
