"""Front-desk search: by codice fiscale, surname and/or first name, accents and apostrophes ignored."""

from datetime import date

import pytest
from django.urls import reverse

from cse.cartella.selectors import assistiti_search
from tests.support.factories import CartellaFactory, OperatoreFactory, register_person
from tests.support.places import foreign_comune, home_comune, neighbour_comune

pytestmark = pytest.mark.django_db


@pytest.fixture
def comune():
    return home_comune()


@pytest.fixture
def desk(comune):
    """The comune's front desk, who searches."""
    return OperatoreFactory(ente=comune, ruolo="segretariato")


@pytest.fixture
def people(comune):
    ente = comune
    return {
        "dangelo": register_person(ente, cognome="D'Angelo", nome="Nicolò", sesso="M", data_nascita=date(1970, 1, 2)),
        "deluca": register_person(
            ente, cognome="De Luca", nome="Maria Grazia", sesso="F", data_nascita=date(1981, 5, 6)
        ),
        "angeli": register_person(ente, cognome="Angeli", nome="Dario", sesso="M", data_nascita=date(1990, 9, 9)),
    }


def found(user, query):
    return set(assistiti_search(user, query).values_list("cognome", flat=True))


def test_search_ignores_accents_apostrophes_spaces_and_case(desk, people):
    assert found(desk, "dang") == {"D'Angelo"}
    assert found(desk, "d'ange") == {"D'Angelo"}
    assert found(desk, "nicolo") == {"D'Angelo"}
    assert found(desk, "DELUCA") == {"De Luca"}
    assert found(desk, "de luca") == {"De Luca"}  # a surname in two words, as the front desk types it
    assert found(desk, "maria grazia") == {"De Luca"}  # and a first name in two words


def test_two_words_match_surname_and_name_in_either_order(desk, people):
    assert found(desk, "angeli dario") == {"Angeli"}
    assert found(desk, "dario angeli") == {"Angeli"}
    assert found(desk, "angeli maria") == set()


def test_search_by_codice_fiscale_finds_exactly_that_person(desk, people):
    assert found(desk, people["deluca"].codice_fiscale.lower()) == {"De Luca"}


def test_search_never_reaches_another_comune(people):
    other_desk = OperatoreFactory(ente=foreign_comune(), ruolo="segretariato")
    assert set(assistiti_search(other_desk, "dang")) == set()


def test_the_list_page_costs_a_fixed_number_of_queries(comune, desk, people, client, django_assert_max_num_queries):
    neighbour_comune()  # the birthplace of the last two
    for n in range(30):  # more rows must not mean more queries
        register_person(
            comune,
            cognome="Dalla",
            nome="Prova",
            sesso="F",
            data_nascita=date(1960, 1, 1 + n % 28),
            luogo="F284" if n < 28 else "E047",
            confirm_not_duplicate=True,
        )
    client.force_login(desk)
    # 12th: the operator-area check that the account is not a citizen; 13th: the header's list of incarichi
    with django_assert_max_num_queries(13):
        response = client.get(reverse("locale:assistiti_list"), {"q": "d"})
    assert response.status_code == 200 and response.content.decode().count("<tr><td><a href") == 25


def test_search_by_case_number_finds_the_person_only_within_the_comune(comune, desk):
    case = CartellaFactory(assistito__ente=comune)
    other_comune = foreign_comune()
    foreign_case = CartellaFactory(assistito__ente=other_comune)
    numero = case.numero  # e.g. 2026/000001
    year, seq = numero.split("/")
    short = f"{year}/{int(seq)}"
    assert found(desk, short) == {case.assistito.cognome}
    # the other comune numbers its cases independently: the same number shows only its own person there
    other = found(OperatoreFactory(ente=other_comune, ruolo="segretariato"), short)
    assert other <= {foreign_case.assistito.cognome} and case.assistito.cognome not in other
