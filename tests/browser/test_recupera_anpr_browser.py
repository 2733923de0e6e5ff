"""In a real browser: the operator registers a person by codice fiscale, the form is prefilled from the ANPR and
INPS ISEE simulators, the operator accepts, and the person page shows the source and date of each fact."""

from __future__ import annotations

import pytest
from django.utils import timezone

from interop.simulators.data import PERSONE
from tests.support.chromium import needs_chromium, submit
from tests.support.factories import PASSWORD, OperatoreFactory, ensure_reference_data
from tests.support.places import home_comune

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]

MARIO = PERSONE[0]


def test_operator_registers_a_person_with_data_from_anpr_and_inps(live_server, page, simulators):
    from playwright.sync_api import expect

    from cse.cartella.models import Assistito

    ensure_reference_data()  # a transactional test: the previous flush took the seed rows
    worker = OperatoreFactory(ente=home_comune(), ruolo="assistente_sociale")  # Molfetta, where Mario lives
    page.goto(f"{live_server.url}/operatore/accesso/")
    page.fill("#id_username", worker.username)
    page.fill("#id_password", PASSWORD)
    submit(page, "Accedi")

    page.goto(f"{live_server.url}/locale/assistiti/nuovo/")
    page.fill("#id_codice_fiscale", MARIO.codice_fiscale)
    page.fill("#id_indirizzo_residenza", "Via Bari 1")  # what the person said at the desk: ANPR differs
    submit(page, "Recupera da ANPR / INPS")

    expect(page.locator("#id_cognome")).to_have_value("Rossi")
    expect(page.locator("#id_nome")).to_have_value("Mario")
    expect(page.locator("#id_data_nascita")).to_have_value("1961-03-12")
    expect(page.locator("#id_luogo_nascita")).to_have_value("F284")
    expect(page.locator("#id_comune_residenza")).to_have_value("072029")
    expect(page.locator("#id_indirizzo_residenza")).to_have_value("Via Bari 1")  # typed value kept
    differenze = page.locator("#differenze")
    expect(differenze).to_contain_text("Via Bari 1")
    expect(differenze).to_contain_text("Via Roma 14")
    expect(page.get_by_label("Ordinario: € 8450.32", exact=False)).to_be_checked()
    expect(page.get_by_label("Bianchi Anna — Coniuge", exact=False)).to_be_checked()

    page.get_by_label("Usa il dato ANPR per Indirizzo di residenza").check()
    page.locator("label[for=isee-1]").click()  # Bootstrap Italia draws the box on the label
    expect(page.get_by_label("Socio-sanitario: € 11020.10", exact=False)).not_to_be_checked()
    expect(page.get_by_label("Rossi Luca — Figlio/a", exact=False)).to_be_checked()
    submit(page, "Registra")

    expect(page.get_by_role("heading", name="Rossi Mario")).to_be_visible()
    today = timezone.localdate().strftime("%d/%m/%Y")
    fonti = page.locator("#fonti")
    for campo in ("cognome", "nome", "data_nascita", "luogo_nascita", "comune_residenza", "indirizzo_residenza"):
        row = fonti.locator(f'tr[data-campo="{campo}"]')
        expect(row).to_contain_text("ANPR")
        expect(row).to_contain_text(today)
    expect(page.locator('[data-fonte="isee"]')).to_have_text(f"fonte: INPS (ISEE), {today}")
    expect(page.get_by_role("cell", name="Bianchi Anna")).to_be_visible()

    person = Assistito.objects.get(codice_fiscale=MARIO.codice_fiscale)
    assert person.indirizzo_residenza == "Via Roma 14"
    assert [i.protocollo_dsu for i in person.isee.all()] == ["INPS-ISEE-2026-00012345A-00"]
    assert sorted(r.nominativo for r in person.relazioni.all()) == ["Bianchi Anna", "Rossi Luca"]
