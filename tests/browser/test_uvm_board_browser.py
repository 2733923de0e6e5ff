"""Two members of a UVM session, each in their own headless Chromium context, see each other's updates on the live
board within one second, without reloading.

The page and the websocket are served by daphne (the project's ASGI server, tests/browser/conftest.py) in a
thread, so it shares the in-memory test database and the in-memory channel layer with the test (pytest-django's
live_server is WSGI only; channels' ChannelsLiveServerTestCase runs daphne in another process, which an in-memory
SQLite test database cannot follow).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cse.ambito import services
from tests.support.ambito import ambito_case
from tests.support.ambito_work import uvm_session
from tests.support.chromium import needs_chromium, watch_csp
from tests.support.factories import AssistitoFactory, OperatoreFactory, ensure_reference_data
from tests.support.places import home_ambito, home_comune

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]


@pytest.fixture
def daphne_url(asgi_server):
    return asgi_server.url


def _session_cookie(user, url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


def test_two_members_see_each_other_update_within_one_second(daphne_url, browser):
    from playwright.sync_api import expect

    ensure_reference_data()  # a transactional test: the previous flush took the seed rows
    worker = OperatoreFactory(ente=home_comune(), ruolo="assistente_sociale")
    case = ambito_case(AssistitoFactory(ente=home_comune()), by=worker)
    coordinatore = OperatoreFactory(ente=home_ambito(), ruolo="coordinatore_uvm")
    sessione = uvm_session(case, coordinator=coordinatore)
    asl = get_user_model().objects.create_user("asl.fisiatra", first_name="Marco", last_name="Lorusso")
    services.uvm_member_add(
        sessione=sessione,
        by=coordinatore,
        tipo="asl",
        user=asl,
        qualifica="Fisiatra",
        accesso_fino_al=timezone.now() + timedelta(hours=2),
    )
    board = f"{daphne_url}/ambito/uvm/{sessione.pk}/"

    pages = {}
    for name, user in (("coordinatore", coordinatore), ("asl", asl)):
        context = watch_csp(browser.new_context(locale="it-IT"))
        context.add_cookies([_session_cookie(user, daphne_url)])
        page = context.new_page()
        page.goto(board)
        expect(page.locator("#board-status")).to_have_text("aggiornamento in tempo reale", timeout=10_000)
        page.evaluate("window.__notReloaded = true")
        pages[name] = page
    asl_row = f"#board-membri li[data-membro='{sessione.membri.get(user=asl).pk}'] .presenza"
    expect(pages["coordinatore"].locator(asl_row)).to_have_text("presenza da registrare")

    # the ASL member marks their attendance: the coordinator's board shows it within a second
    pages["asl"].get_by_role("button", name="Segna la mia presenza").click()
    expect(pages["coordinatore"].locator(asl_row)).to_have_text("presente", timeout=1_000)

    # the coordinator marks themself present from their page: the ASL member's board follows within a second
    coordinator_row = f"#board-membri li[data-membro='{sessione.membri.get(user=coordinatore).pk}'] .presenza"
    pages["coordinatore"].locator("form[data-live]").filter(
        has=pages["coordinatore"].locator("input[name=presente][value='1']")
    ).first.get_by_role("button").click()
    expect(pages["asl"].locator(coordinator_row)).to_have_text("presente", timeout=1_000)
    assert pages["asl"].evaluate("window.__notReloaded") is True
    assert pages["coordinatore"].evaluate("window.__notReloaded") is True
