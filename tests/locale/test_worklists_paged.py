"""The comune's worklists: a search box over all of them (name, codice fiscale, case number), 25 rows a page each,
the term kept in the pager links, and a constant number of queries however long the lists grow."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.factories import CartellaFactory
from tests.support.places import foreign_comune, neighbour_comune, resident

LAVORO = reverse("locale:lavoro")


def _open_cases(comune, worker, n: int) -> list:
    return [CartellaFactory(assistito=resident(comune), by=worker) for _ in range(n)]


def _namesakes(comune, worker, n: int, start: int = 0) -> None:
    """n cases of people sharing a surname (born on different days: different codici fiscali)."""
    for i in range(start, start + n):
        born = date(1950, 1, 1) + timedelta(days=i)
        CartellaFactory(assistito=resident(comune, cognome="Paglionico", data_nascita=born), by=worker)


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_access_list_pages_by_25_and_keeps_the_search_in_the_pager(comune, worker, client_for):
    cases = _open_cases(comune, worker, 27)
    client = client_for(worker)
    first = client.get(LAVORO).content.decode()
    assert "Pagina 1 di 2" in first and 'href="?pagina_accessi_aperti=2"' in first
    second = client.get(LAVORO, {"pagina_accessi_aperti": 2}).content.decode()
    assert "Pagina 2 di 2" in second

    person = cases[0].assistito
    found = client.get(LAVORO, {"q": person.cognome}).content.decode()
    assert cases[0].numero in found
    assert all(c.numero not in found for c in cases if c.assistito.cognome != person.cognome)
    by_number = client.get(LAVORO, {"q": cases[1].numero.replace("/0000", "/")}).content.decode()
    assert cases[1].numero in by_number and cases[0].numero not in by_number
    by_cf = client.get(LAVORO, {"q": cases[2].assistito.codice_fiscale.lower()}).content.decode()
    assert cases[2].numero in by_cf and cases[0].numero not in by_cf


@pytest.mark.django_db
def test_a_search_that_matches_nothing_says_so(comune, worker, client_for):
    _open_cases(comune, worker, 2)
    page = client_for(worker).get(LAVORO, {"q": "Zzyzx"}).content.decode()
    assert "Nessun risultato." in page and "Nessun accesso aperto." not in page


@pytest.mark.django_db
def test_a_search_never_finds_nor_counts_another_comune_people(comune, worker, client_for):
    others = [CartellaFactory(assistito=resident(place)) for place in (neighbour_comune(), foreign_comune())]
    own = _open_cases(comune, worker, 1)[0]
    client = client_for(worker)
    for other in others:
        # case numbers restart in every comune: the foreign case's number is the own case's too
        for term in (other.assistito.cognome, other.assistito.codice_fiscale):
            lists = client.get(LAVORO, {"q": term}).content.decode().split('id="liste"')[1]
            assert reverse("locale:cartella_detail", args=[other.pk]) not in lists
            assert other.assistito.cognome not in lists
            assert lists.count('<span class="badge bg-secondary">0</span>') == 5  # nothing found, nothing counted
        lists = client.get(LAVORO, {"q": other.numero}).content.decode().split('id="liste"')[1]
        assert reverse("locale:cartella_detail", args=[other.pk]) not in lists
        assert reverse("locale:cartella_detail", args=[own.pk]) in lists


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_lists(comune, worker, client_for, django_assert_max_num_queries):
    client = client_for(worker)
    _namesakes(comune, worker, 3)
    few = _queries(client, LAVORO)
    searched_few = _queries(client, LAVORO, {"q": "Paglionico"})
    _namesakes(comune, worker, 30, start=3)
    assert _queries(client, LAVORO) == few
    assert _queries(client, LAVORO, {"q": "Paglionico"}) == searched_few
    with django_assert_max_num_queries(searched_few):  # a later page costs the same
        client.get(LAVORO, {"q": "Paglionico", "pagina_accessi_aperti": 2})
    print(f"lavoro: {few} queries, {searched_few} with a search term")
