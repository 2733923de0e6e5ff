"""Every tier's pages pass axe-core with no serious or critical violation and fit a 360 px phone without horizontal
scroll: a comune's social worker with a case in several phases, the Ufficio di Piano with a pending transfer and a
UVM session, the regional analyst's dashboards, a citizen with a booking, the login and error pages.

axe-core comes from the PyPI package axe-playwright-python (its bundled axe.min.js, never fetched): Playwright's
page.evaluate runs through the DevTools protocol, which the page's Content-Security-Policy does not govern, so the
pages keep their strict CSP and the `browser` fixture still fails the test on any violation the pages themselves
cause. One Chromium, one context per visitor, every page scanned at desktop width and then measured at 360x740."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.ambito_work import pending_transfer, uvm_session
from tests.support.casework import walk_case_to
from tests.support.chromium import TIMEOUT_MS, needs_chromium, watch_csp
from tests.support.factories import CartellaFactory, OperatoreFactory, ensure_reference_data, make_sportello
from tests.support.places import case_moved_to_ambito, home_ambito, home_comune, regione, resident
from tests.support.portal import portal_for, servizio_page

pytestmark = [
    needs_chromium,
    pytest.mark.once,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = {"serious", "critical"}


@dataclass
class Visitor:
    """Who opens the pages (None: anonymous), and the pages, as paths."""

    user: object | None
    paths: list[str] = field(default_factory=list)


def _axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def _scene() -> list[Visitor]:
    """The objects each tier works on, built with the factories, and the pages each visitor opens."""
    from cse.cittadino.selectors import free_slots
    from cse.cittadino.services import cittadino_ensure, prenotazione_create
    from tests.support.agenda import booking_kwargs

    ensure_reference_data()  # a transactional test: the previous flush took the seed rows
    comune, ambito = home_comune(), home_ambito()
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    person = resident(comune)
    in_progetto = walk_case_to(CartellaFactory(assistito=person, by=responsabile), "progetto", by=responsabile)
    in_accesso = CartellaFactory(assistito=resident(comune), by=responsabile)
    richiesta = pending_transfer(CartellaFactory(assistito=resident(comune), by=responsabile), by=responsabile)
    coordinator = OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm")
    udp = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")
    moved = case_moved_to_ambito(CartellaFactory(assistito=resident(comune), by=responsabile), by=responsabile)
    sessione = uvm_session(moved, coordinator=coordinator)
    analyst = OperatoreFactory(ente=regione(), ruolo="analista_regionale")

    sportello = make_sportello(comune)
    servizio = servizio_page(comune, sportello)
    cittadino = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome)
    slot = free_slots(sportello).order_by("inizio").first()
    prenotazione = prenotazione_create(
        slot_id=slot.pk, cittadino=cittadino, **booking_kwargs(comune, nome=person.nome, cognome=person.cognome)
    )

    c, a = in_progetto.pk, in_accesso.pk
    return [
        Visitor(
            None,
            ["/operatore/accesso/", "/cittadino/accesso/", "/", "/operatore/pagina-che-non-esiste/"],
        ),
        Visitor(
            responsabile,
            [
                reverse("home"),
                reverse("locale:lavoro"),
                reverse("locale:assistiti_list"),
                reverse("locale:assistito_detail", args=[person.pk]),
                reverse("locale:assistito_create"),
                reverse("locale:cartella_detail", args=[c]),
                reverse("locale:accesso", args=[a]),
                reverse("locale:valutazione", args=[c]),
                reverse("locale:progetto", args=[c]),
                reverse("locale:diario", args=[c]),
                reverse("locale:documenti", args=[c]),
                reverse("locale:agenda"),
                reverse("locale:agenda_sportello", args=[sportello.pk]),
                reverse("siuss:dashboard", args=[comune.pk]),
            ],
        ),
        Visitor(
            udp,
            [
                reverse("ambito:cartelle_list"),
                reverse("ambito:cartella_detail", args=[moved.pk]),
                reverse("ambito:trasferimenti"),
                reverse("ambito:trasferimento", args=[richiesta.pk]),
                reverse("ambito:budget"),
                reverse("ambito:servizi"),
            ],
        ),
        Visitor(coordinator, [reverse("ambito:uvm_list"), reverse("ambito:uvm", args=[sessione.pk])]),
        Visitor(
            analyst,
            [
                reverse("regionale:cruscotto"),
                reverse("regionale:completezza"),
                reverse("regionale:sioss"),
                reverse("regionale:dss"),
            ],
        ),
        Visitor(
            cittadino.user,
            [
                servizio.url,
                reverse("cittadino:prenota"),
                reverse("cittadino:area_personale"),
                reverse("cittadino:ricevuta", args=[prenotazione.codice]),
                reverse("cittadino:chi_ha_consultato"),
            ],
        ),
    ]


def _context(browser, user, base_url: str):
    context = browser.new_context(locale="it-IT", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    watch_csp(context)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    return context


def _blocking_violations(page, axe: str) -> list[str]:
    page.evaluate(axe)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


# The elements that stick out of the viewport and have no child sticking out themselves: what to fix.
_WIDEST = """() => {
  const out = [...document.body.querySelectorAll("*")].filter(e => e.getBoundingClientRect().right > innerWidth + 1);
  return out.filter(e => !out.some(o => o !== e && e.contains(o))).slice(0, 4)
    .map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")}`);
}"""


def _overflow(page) -> tuple[int, list[str]]:
    """How many CSS pixels the page is wider than the 360 px viewport (0: no horizontal scroll), and the culprits."""
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    culprits = page.evaluate(_WIDEST) if width > 0 else []
    page.set_viewport_size(DESKTOP)
    return width, culprits


_DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll("[id]")].map(e => e.id);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}"""


def test_every_tier_passes_axe_and_fits_a_phone(asgi_server, browser):
    visitors = _scene()
    axe = _axe_script()
    problems, visited = [], []
    for visitor in visitors:
        context = _context(browser, visitor.user, asgi_server.url)
        page = context.new_page()
        page_errors: list[str] = []
        page.on("pageerror", lambda exc, errors=page_errors: errors.append(str(exc)))
        for path in visitor.paths:
            response = page.goto(asgi_server.url + path)
            expected = 404 if "non-esiste" in path else 200
            assert response.status == expected, f"{path}: {response.status}"
            visited.append(path)
            problems += [f"{path} axe {v}" for v in _blocking_violations(page, axe)]
            extra, culprits = _overflow(page)
            if extra > 0:
                problems.append(f"{path} è più larga di 360 px di {extra} px: {', '.join(culprits)}")
            problems += [f"{path} id ripetuto: {i}" for i in page.evaluate(_DUPLICATE_IDS)]
            problems += [f"{path} errore JavaScript: {e}" for e in page_errors]
            page_errors.clear()
        context.close()
    assert len(visited) >= 20
    assert problems == [], "\n".join(problems)


def _open_and_close_the_menu(page, link: str) -> None:
    from playwright.sync_api import expect

    menu_link = page.get_by_role("navigation", name="Menu principale").get_by_role("link", name=link, exact=True)
    expect(menu_link).to_be_hidden()
    page.get_by_role("button", name="Apri il menu").click()
    expect(menu_link).to_be_visible()
    menu_link.click(trial=True)  # waits until the panel has slid in and nothing covers the link
    page.get_by_role("button", name="Chiudi il menu").click()
    expect(menu_link).to_be_hidden()


def test_on_a_phone_the_menu_opens_and_nothing_covers_the_buttons(asgi_server, browser):
    """At 360 px the header menu sits behind the Bootstrap Italia toggler, and a click reaches the buttons the walk
    found covered: the search label over "Nuovo accesso", the citizen's SPID login off-screen."""
    ensure_reference_data()
    comune = home_comune()
    portal_for(comune)
    desk = OperatoreFactory(ente=comune, ruolo="segretariato")

    operator = _context(browser, desk, asgi_server.url).new_page()
    operator.set_viewport_size(PHONE)
    operator.goto(asgi_server.url + reverse("locale:assistiti_list"))
    _open_and_close_the_menu(operator, "Liste di lavoro")
    operator.get_by_role("link", name="Nuovo accesso").click(trial=True)  # refuses an element another one covers

    citizen = _context(browser, None, asgi_server.url).new_page()
    citizen.set_viewport_size(PHONE)
    citizen.goto(asgi_server.url + "/")
    _open_and_close_the_menu(citizen, "Prenota un appuntamento")
    citizen.get_by_role("link", name="Accedi con SPID o CIE").click(trial=True)
