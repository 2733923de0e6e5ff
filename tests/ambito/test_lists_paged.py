"""The ambito's long lists (its cases, transfer requests, UVM sessions): a search box by name, codice fiscale or case
number, a state filter, 25 rows a page with the search kept in the pager links, and only what the ambito may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.ambito import ambito_case
from tests.support.ambito_work import pending_transfer, uvm_session
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import foreign_ambito, foreign_comune, resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def udp(ambito):
    return OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")


def _held_cases(comune, worker, n: int) -> list:
    return [ambito_case(resident(comune), by=worker) for _ in range(n)]


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_ambito_cases_page_by_25_and_the_search_survives_the_pager(comune, worker, udp, client_for):
    cases = _held_cases(comune, worker, 27)
    client = client_for(udp)
    url = reverse("ambito:cartelle_list")
    assert "Pagina 1 di 2" in client.get(url).content.decode()
    wanted = cases[3]
    page = client.get(url, {"q": wanted.assistito.codice_fiscale}).content.decode()
    assert "1 cartelle" in page and wanted.numero in page
    assert "Nessun risultato." in client.get(url, {"q": "Zzyzx"}).content.decode()
    assert "Nessun risultato." in client.get(url, {"stato": "chiusa"}).content.decode()
    assert "27 cartelle" in client.get(url, {"stato": "accesso"}).content.decode()
    kept = client.get(url, {"stato": "accesso"}).content.decode()
    assert 'href="?stato=accesso&amp;page=2"' in kept


def test_transfer_requests_pending_first_searchable_and_filtered(comune, worker, udp, client_for):
    requests = [pending_transfer(CartellaFactory(assistito=resident(comune), by=worker), by=worker) for _ in range(3)]
    client = client_for(udp)
    url = reverse("ambito:trasferimenti")
    page = client.get(url).content.decode()
    assert "3 richieste" in page and all(r.cartella.numero in page for r in requests)
    one = requests[1].cartella
    found = client.get(url, {"q": one.assistito.cognome}).content.decode()
    assert "1 richieste" in found and one.numero in found
    assert "Nessun risultato." in client.get(url, {"stato": "accettato"}).content.decode()


def test_uvm_sessions_searchable_by_case_number(comune, worker, udp, client_for, ambito):
    coordinator = OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm")
    sessions = [uvm_session(case, coordinator=coordinator) for case in _held_cases(comune, worker, 2)]
    client = client_for(udp)
    url = reverse("ambito:uvm_list")
    assert "2 sessioni" in client.get(url).content.decode()
    numero = sessions[0].cartella.numero
    found = client.get(url, {"q": numero.replace("/0000", "/")}).content.decode()
    assert "1 sessioni" in found and reverse("ambito:uvm", args=[sessions[0].pk]) in found
    assert "Nessun risultato." in client.get(url, {"stato": "conclusa"}).content.decode()


def test_another_ambito_finds_and_counts_nobody(comune, worker, client_for):
    case = _held_cases(comune, worker, 1)[0]
    pending_transfer(CartellaFactory(assistito=resident(comune), by=worker), by=worker)
    foreign_resident = resident(foreign_comune())
    client = client_for(OperatoreFactory(ente=foreign_ambito(), ruolo="ufficio_di_piano"))
    for name in ("ambito:cartelle_list", "ambito:trasferimenti", "ambito:uvm_list"):
        for term in (case.assistito.cognome, case.assistito.codice_fiscale, case.numero, ""):
            page = client.get(reverse(name), {"q": term}).content.decode()
            assert case.assistito.cognome not in page.split("<tbody>")[1], (name, term)
            assert "<caption>0 " in page, (name, term)
    assert foreign_resident.pk  # the foreign ambito has people of its own: the zero is not an empty database


def test_queries_per_full_page_stay_the_same_with_26_or_30_rows(comune, worker, udp, client_for, ambito):
    coordinator = OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm")
    client = client_for(udp)

    def build(n):
        for case in _held_cases(comune, worker, n):
            uvm_session(case, coordinator=coordinator)
            pending_transfer(CartellaFactory(assistito=resident(comune), by=worker), by=worker)

    names = ("ambito:cartelle_list", "ambito:trasferimenti", "ambito:uvm_list")
    build(26)  # more than a page: the pager counts
    few = {name: _count(client, reverse(name)) for name in names}
    build(4)
    assert {name: _count(client, reverse(name)) for name in names} == few
    print(f"queries per page: {few}")
