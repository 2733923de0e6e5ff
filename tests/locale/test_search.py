"""Front-desk search: by codice fiscale, surname and/or first name, accents and apostrophes ignored."""

from datetime import date

import pytest
from django.urls import reverse

from cse.cartella.selectors import assistiti_search
from tests.support.factories import register_person


@pytest.fixture
def people(world):
    ente = world.enti["A1"]
    return {
        "dangelo": register_person(ente, cognome="D'Angelo", nome="Nicolò", sesso="M", data_nascita=date(1970, 1, 2)),
        "deluca": register_person(
            ente, cognome="De Luca", nome="Maria Grazia", sesso="F", data_nascita=date(1981, 5, 6)
        ),
        "angeli": register_person(ente, cognome="Angeli", nome="Dario", sesso="M", data_nascita=date(1990, 9, 9)),
    }


def found(world, query):
    return set(assistiti_search(world.user("A1", "segretariato"), query).values_list("cognome", flat=True))


def test_search_ignores_accents_apostrophes_spaces_and_case(world, people):
    assert found(world, "dang") == {"D'Angelo"}
    assert found(world, "d'ange") == {"D'Angelo"}
    assert found(world, "nicolo") == {"D'Angelo"}
    assert found(world, "DELUCA") == {"De Luca"}
    assert found(world, "de luca") == set()  # two words: surname "DE…" and first name "LUCA…" — nobody


def test_two_words_match_surname_and_name_in_either_order(world, people):
    assert found(world, "angeli dario") == {"Angeli"}
    assert found(world, "dario angeli") == {"Angeli"}
    assert found(world, "angeli maria") == set()


def test_search_by_codice_fiscale_finds_exactly_that_person(world, people):
    assert found(world, people["deluca"].codice_fiscale.lower()) == {"De Luca"}


def test_search_never_reaches_another_comune(world, people):
    assert set(assistiti_search(world.user("B1", "segretariato"), "dang")) == set()


def test_the_list_page_costs_a_fixed_number_of_queries(world, people, client, django_assert_max_num_queries):
    for n in range(30):  # more rows must not mean more queries
        register_person(
            world.enti["A1"],
            cognome="Dalla",
            nome="Prova",
            sesso="F",
            data_nascita=date(1960, 1, 1 + n % 28),
            luogo="F284" if n < 28 else "E047",
            confirm_not_duplicate=True,
        )
    client.force_login(world.user("A1", "segretariato"))
    with django_assert_max_num_queries(12):  # 12th: the operator-area check that the account is not a citizen
        response = client.get(reverse("locale:assistiti_list"), {"q": "d"})
    assert response.status_code == 200 and response.content.decode().count("<tr><td><a href") == 25


def test_search_by_case_number_finds_the_person_only_within_the_comune(world):
    numero = world.cartelle["A1"].numero  # e.g. 2026/000001
    year, seq = numero.split("/")
    short = f"{year}/{int(seq)}"
    assert found(world, short) == {world.assistiti["A1"].cognome}
    # comune B1 numbers its cases independently: the same number shows only B1's own person there
    b1 = set(assistiti_search(world.user("B1", "segretariato"), short).values_list("cognome", flat=True))
    assert b1 <= {world.assistiti["B1"].cognome} and world.assistiti["A1"].cognome not in b1
