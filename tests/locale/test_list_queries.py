"""Every list page costs a small, fixed number of SQL statements, whatever the number of rows.

What a request asks about its user (gate facts, active incarichi for the header, capabilities per ente, per-case
grants) is one query (cse/core/permissions.py:identity); a short page needs no COUNT (cse/core/paging.py). A list
page is then: session, user, identity, rows, count (only for a full page), the session's sliding-expiry write.

SAVEPOINT / RELEASE lines are not counted: they are the test's own wrapping transaction around the session write
(in production, with autocommit, that write is one UPDATE and Django logs no transaction statement)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.ambito import ambito_case, sad_service
from tests.support.ambito_work import pending_transfer, uvm_session
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import resident

pytestmark = pytest.mark.django_db

LIST_PAGE_BUDGET = 6  # session, user, identity, rows, count, session write
_MARKER = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b")


def statements(client, url, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if not _MARKER.match(q["sql"])]


def _people(comune, n: int, start: int = 0) -> None:
    from datetime import date, timedelta

    for i in range(start, start + n):
        resident(comune, cognome="Paglionico", data_nascita=date(1950, 1, 1) + timedelta(days=i))


def test_the_person_list_costs_at_most_six_statements_with_three_or_sixty_people(comune, worker, client_for):
    client = client_for(worker)
    url = reverse("locale:assistiti_list")
    _people(comune, 3)
    few = {q: len(statements(client, url, {"q": q})) for q in ("", "Pagl")}
    assert all(n <= LIST_PAGE_BUDGET - 1 for n in few.values()), few  # a short page: no COUNT
    _people(comune, 27, start=3)
    many = {q: len(statements(client, url, {"q": q})) for q in ("", "Pagl")}
    _people(comune, 30, start=30)
    assert {q: len(statements(client, url, {"q": q})) for q in ("", "Pagl")} == many
    assert all(n <= LIST_PAGE_BUDGET for n in many.values()), many
    assert len(statements(client, url, {"page": 2})) <= LIST_PAGE_BUDGET


def test_the_identity_is_asked_once_per_request(comune, worker, client_for):
    _people(comune, 3)
    sql = statements(client_for(worker), reverse("locale:assistiti_list"))
    assert sum("UNION ALL" in s for s in sql) == 1
    assert not any('"core_incarico"' in s and "UNION" not in s for s in sql)  # the header reads the identity


def test_a_search_by_codice_fiscale_costs_no_more(comune, worker, client_for):
    person = resident(comune)
    _people(comune, 30)
    found = statements(client_for(worker), reverse("locale:assistiti_list"), {"q": person.codice_fiscale})
    assert len(found) <= LIST_PAGE_BUDGET - 1  # one row: no COUNT


def test_the_worklists_cost_a_constant_that_does_not_grow_with_the_cases(comune, worker, client_for):
    """Five lists and the transmission problems on one page: session, user, identity, ONE query for the five
    totals, the rows of each non-empty list (at most five), two for the transmission problems — twelve at most,
    the same with 3 or 30 cases in every list. (The session is written at login and then at most once a minute,
    not by these pages.)"""
    client = client_for(worker)
    url = reverse("locale:lavoro")
    for _ in range(3):
        CartellaFactory(assistito=resident(comune), by=worker)
    few = len(statements(client, url))
    for _ in range(27):
        CartellaFactory(assistito=resident(comune), by=worker)
    assert len(statements(client, url)) == few <= 12
    assert sum(s.startswith("SELECT (SELECT COUNT(*)") for s in statements(client, url)) == 1


@pytest.fixture
def udp(ambito):
    return OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")


def test_the_ambito_lists_cost_at_most_six_statements(comune, worker, ambito, udp, client_for):
    coordinator = OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm")
    client = client_for(udp)
    names = ("ambito:cartelle_list", "ambito:trasferimenti", "ambito:uvm_list", "ambito:servizi")

    def add(n: int) -> None:
        for _ in range(n):
            case = ambito_case(resident(comune), by=worker)
            uvm_session(case, coordinator=coordinator)
            pending_transfer(CartellaFactory(assistito=resident(comune), by=worker), by=worker)
            sad_service(ambito)

    add(2)
    few = {name: len(statements(client, reverse(name))) for name in names}
    add(26)
    many = {name: len(statements(client, reverse(name))) for name in names}
    assert all(n <= LIST_PAGE_BUDGET for n in many.values()), many
    assert all(few[name] <= many[name] <= few[name] + 1 for name in names), (few, many)  # + the COUNT of a full page
