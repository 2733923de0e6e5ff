"""The radio and checkbox groups of the case work forms take a mouse click on what the user sees (the label, which
Bootstrap Italia draws over the input), and the clicked choice is the one saved: the UVM assessment scales of the
Ufficio di Piano and the SIUSS certificates of invalidity of a SINA assessment."""

from __future__ import annotations

import pytest

from tests.support.ambito_work import uvm_session
from tests.support.chromium import logged_in_page, needs_chromium, submit
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import case_moved_to_ambito, home_ambito, home_comune, resident
from tests.support.siuss import sina

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]


def test_the_uvm_coordinator_answers_the_katz_scale_with_clicks(asgi_server, browser):
    from cse.ambito.scale import KATZ_ADL

    comune = home_comune()
    worker = OperatoreFactory(ente=comune)
    case = case_moved_to_ambito(CartellaFactory(assistito=resident(comune), by=worker), by=worker)
    coordinator = OperatoreFactory(ente=home_ambito(), ruolo="coordinatore_uvm")
    sessione = uvm_session(case, coordinator=coordinator)
    page = logged_in_page(browser, coordinator, asgi_server.url)
    page.goto(f"{asgi_server.url}/ambito/uvm/{sessione.pk}/scale/katz_adl/")

    bathing_alone, *the_rest = KATZ_ADL.items
    page.locator(f"label[for='id_{bathing_alone.codice}_0']").click()  # autonomous
    for item in the_rest:
        page.locator(f"label[for='id_{item.codice}_1']").click()  # needs help
    page.locator(f"label[for='id_{bathing_alone.codice}_1']").click()  # changes their mind
    page.locator(f"label[for='id_{bathing_alone.codice}_0']").click()
    submit(page, "Salva")

    valutazione = sessione.valutazioni.get(scala="katz_adl")
    assert valutazione.risposte[bathing_alone.codice] == "1"
    assert all(valutazione.risposte[item.codice] == "0" for item in the_rest)
    assert valutazione.punteggio == 1


def test_the_social_worker_ticks_invalidity_certificates_with_clicks(asgi_server, browser):
    comune = home_comune()
    worker = OperatoreFactory(ente=comune)
    case = CartellaFactory(assistito=resident(comune), by=worker)
    assessment = sina(case)
    already, clicked = assessment.invalidita_civile[0], "3"
    assert clicked != already
    page = logged_in_page(browser, worker, asgi_server.url)
    page.goto(f"{asgi_server.url}/siuss/cartelle/{case.pk}/sina/")

    boxes = page.locator("input[name='invalidita_civile']")
    ticked = page.locator(f"input[name='invalidita_civile'][value='{already}']")
    to_tick = page.locator(f"input[name='invalidita_civile'][value='{clicked}']")
    assert ticked.is_checked() and not to_tick.is_checked() and boxes.count() > 2
    page.locator(f"label[for='{to_tick.get_attribute('id')}']").click()
    page.locator(f"label[for='{ticked.get_attribute('id')}']").click()
    submit(page, "Salva")

    assessment.refresh_from_db()
    assert assessment.invalidita_civile == [clicked]
