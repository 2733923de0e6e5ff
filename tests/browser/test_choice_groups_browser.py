"""Every radio group of the product takes a mouse click (the Ufficio di Piano once had to use the keyboard to accept
a transfer). In Bootstrap Italia the visible radio is drawn by the option's label, so the user clicks the label:
Playwright's click refuses an element another one covers, so the click itself is the check; then the choice must
be the one submitted."""

from __future__ import annotations

import pytest

from tests.support.ambito_work import pending_transfer
from tests.support.chromium import logged_in_page, needs_chromium
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import home_ambito, home_comune, resident

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]


def test_the_ufficio_di_piano_clicks_its_transfer_decision(asgi_server, browser):
    from playwright.sync_api import expect

    comune, ambito = home_comune(), home_ambito()
    worker = OperatoreFactory(ente=comune)
    richiesta = pending_transfer(CartellaFactory(assistito=resident(comune), by=worker), by=worker)
    udp = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")
    page = logged_in_page(browser, udp, asgi_server.url)
    page.goto(f"{asgi_server.url}/ambito/trasferimenti/{richiesta.pk}/")

    respingi, accetta = page.get_by_label("Restituisci al comune"), page.get_by_label("Accetta il trasferimento")
    page.locator("label", has_text="Restituisci al comune").click()
    expect(respingi).to_be_checked()
    page.locator("label", has_text="Accetta il trasferimento").click()
    expect(accetta).to_be_checked()
    expect(respingi).not_to_be_checked()
    page.get_by_role("button", name="Registra la decisione").click()

    page.wait_for_load_state()
    richiesta.refresh_from_db()
    assert richiesta.stato == "accettato"
