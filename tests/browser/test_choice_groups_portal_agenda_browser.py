"""Every radio and checkbox group of the citizen portal and of the front office's agenda screens takes a mouse click
on what the user sees (Bootstrap Italia draws the control with the label: Playwright's click refuses an element
another covers, so the click itself is the check), and the choice clicked is the one submitted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.support.agenda import booking_kwargs
from tests.support.chromium import needs_chromium
from tests.support.factories import AssistitoFactory, OperatoreFactory, ensure_reference_data, make_sportello
from tests.support.places import home_comune

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]


def _logged_in(browser, user, url: str):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}])
    return context.new_page()


def _citizen_of(comune):
    from cse.cittadino.services import cittadino_ensure

    person = AssistitoFactory(ente=comune)
    return cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome)


def test_the_citizen_clicks_a_time_among_the_free_slots(asgi_server, browser):
    from playwright.sync_api import expect

    from cse.cittadino.selectors import free_slots

    ensure_reference_data()
    comune = home_comune()
    sportello = make_sportello(comune)
    cittadino = _citizen_of(comune)
    first, second = free_slots(sportello).filter(posto=1).order_by("inizio")[:2]
    page = _logged_in(browser, cittadino.user, asgi_server.url)
    page.goto(f"{asgi_server.url}/cittadino/prenota/?comune={comune.comune.pk}&sportello={sportello.pk}")

    page.locator(f"label[for=slot-{first.pk}]").click()
    expect(page.locator(f"#slot-{first.pk}")).to_be_checked()
    page.locator(f"label[for=slot-{second.pk}]").click()
    expect(page.locator(f"#slot-{second.pk}")).to_be_checked()
    expect(page.locator(f"#slot-{first.pk}")).not_to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Avanti").click()

    expect(page.get_by_text("Passo 3 di 3")).to_be_visible()
    assert f"slot={second.pk}" in page.url
    expect(page.locator("input[name=slot]")).to_have_value(str(second.pk))


def test_the_citizen_clicks_the_new_time_of_an_appointment_to_move(asgi_server, browser):
    from playwright.sync_api import expect

    from cse.cittadino.selectors import free_slots
    from cse.cittadino.services import prenotazione_create

    ensure_reference_data()
    comune = home_comune()
    sportello = make_sportello(comune)
    cittadino = _citizen_of(comune)
    later = timezone.now() + timedelta(days=2)  # moving is allowed until CSE_BOOKING_CUTOFF_HOURS before
    booked, *others = free_slots(sportello).filter(posto=1, inizio__gte=later).order_by("inizio")[:3]
    prenotazione = prenotazione_create(slot_id=booked.pk, cittadino=cittadino, **booking_kwargs(comune))
    target = others[-1]
    page = _logged_in(browser, cittadino.user, asgi_server.url)
    page.goto(f"{asgi_server.url}/cittadino/prenotazioni/{prenotazione.codice}/sposta/")

    page.locator(f"label[for=slot-{others[0].pk}]").click()
    page.locator(f"label[for=slot-{target.pk}]").click()
    expect(page.locator(f"#slot-{target.pk}")).to_be_checked()
    expect(page.locator(f"#slot-{others[0].pk}")).not_to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Sposta", exact=True).click()

    prenotazione.refresh_from_db()
    assert prenotazione.slot_id == target.pk
    expect(page.get_by_text("Appuntamento spostato.")).to_be_visible()


def test_the_front_office_clicks_the_bookable_checkbox_of_its_agenda(asgi_server, browser):
    from playwright.sync_api import expect

    ensure_reference_data()
    comune = home_comune()
    sportello = make_sportello(comune)
    desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    page = _logged_in(browser, desk, asgi_server.url)
    page.goto(f"{asgi_server.url}/locale/agenda/sportelli/{sportello.pk}/regole/")

    attivo = page.get_by_label("Prenotabile dai cittadini")
    expect(attivo).to_be_checked()
    page.locator("label", has_text="Prenotabile dai cittadini").click()
    expect(attivo).not_to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Salva le impostazioni").click()

    sportello.refresh_from_db()
    assert sportello.attivo is False
