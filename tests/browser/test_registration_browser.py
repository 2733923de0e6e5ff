"""The registration form in a real browser: the codice fiscale fills birth date, sex and birthplace as it is typed,
the place fields suggest comuni by name, the sex radio group takes a click on its labels, a person already registered
is pointed out, and a refused form puts the focus on its error summary. The CSP watcher of the fixtures fails any
inline script."""

from __future__ import annotations

import pytest
from django.test import Client

from cse.cartella.models import Assistito
from tests.support.chromium import new_page, submit
from tests.support.factories import OperatoreFactory
from tests.support.places import home_comune, neighbour_comune, resident

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]

CF_MARIO = "RSSMRA61C12F284I"  # Mario Rossi, M, born 12/03/1961 in Molfetta


def _desk_page(browser, asgi_server):
    comune = home_comune()
    neighbour_comune()
    user = OperatoreFactory(ente=comune, ruolo="segretariato")
    client = Client()
    client.force_login(user)
    page = new_page(browser)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": asgi_server.url}]
    )
    page.goto(f"{asgi_server.url}/locale/assistiti/nuovo/")
    return comune, page


def test_the_cf_fills_the_birth_data_the_sex_label_takes_a_click_and_places_are_suggested(asgi_server, browser):
    from playwright.sync_api import expect

    _comune, page = _desk_page(browser, asgi_server)
    maschio, femmina = page.get_by_label("Maschio"), page.get_by_label("Femmina")
    expect(maschio).not_to_be_checked()
    expect(femmina).not_to_be_checked()

    page.get_by_label("Codice fiscale", exact=True).press_sequentially(CF_MARIO.lower())
    expect(page.locator("#id_data_nascita")).to_have_value("1961-03-12")
    expect(page.locator("#id_luogo_nascita")).to_have_value("F284")
    expect(maschio).to_be_checked()
    expect(page.locator("#cf-esito")).to_contain_text("nato il 12/03/1961 a Molfetta (BA)")

    page.locator("label", has_text="Femmina").click()  # editable: the operator's click wins
    expect(femmina).to_be_checked()
    page.locator("label", has_text="Maschio").click()
    expect(maschio).to_be_checked()

    page.locator("#id_comune_residenza").press_sequentially("Giov")
    expect(page.locator('#comuni-residenza option[value="072022"]')).to_have_count(1)

    page.locator("#id_cognome").fill("Rossi")
    page.locator("#id_nome").fill("Mario")
    page.locator("#id_comune_residenza").fill("072029")
    submit(page, "Registra")
    person = Assistito.objects.get(codice_fiscale=CF_MARIO)
    assert person.sesso == "M" and person.luogo_nascita == "F284" and person.comune_residenza.codice_istat == "072029"


def test_a_person_already_registered_is_pointed_out_while_typing(asgi_server, browser):
    from playwright.sync_api import expect

    comune, page = _desk_page(browser, asgi_server)
    known = resident(comune)
    page.get_by_label("Codice fiscale", exact=True).fill(known.codice_fiscale)
    page.get_by_label("Codice fiscale", exact=True).blur()
    notice = page.locator("#gia-registrata")
    expect(notice).to_contain_text("Questa persona potrebbe essere già registrata")
    expect(notice.get_by_role("link")).to_have_attribute("href", f"/locale/assistiti/{known.pk}/")


def test_a_refused_form_moves_the_focus_to_its_error_summary_whose_links_reach_the_fields(asgi_server, browser):
    from playwright.sync_api import expect

    _comune, page = _desk_page(browser, asgi_server)
    submit(page, "Registra")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Sesso: Questo campo è obbligatorio.").click()
    expect(page.get_by_label("Maschio")).to_be_focused()
