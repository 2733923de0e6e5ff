"""Registering a person at the front desk: bad input gets a clear Italian message and nothing is written."""

import pytest
from django.urls import reverse

from cse.cartella.models import Assistito
from tests.support.factories import OperatoreFactory
from tests.support.people import registration_form
from tests.support.places import foreign_comune, home_comune, neighbour_comune

pytestmark = pytest.mark.django_db


@pytest.fixture
def comune():
    """Molfetta, where the form's person was born and lives; Giovinazzo, a neighbour, exists as a birthplace too."""
    neighbour_comune()
    return home_comune()


def form_data(comune, **overrides):
    return registration_form(comune, **overrides)


@pytest.fixture
def desk_operator(comune):
    return OperatoreFactory(ente=comune, ruolo="segretariato")


@pytest.fixture
def desk(desk_operator, client):
    client.force_login(desk_operator)
    return client


def test_a_valid_person_is_registered_with_history_by_the_operator(comune, desk_operator, desk):
    response = desk.post(reverse("locale:assistito_create"), form_data(comune))
    assert response.status_code == 302
    person = Assistito.objects.get(cognome="Esposito")
    assert person.owner_ente == comune and person.comune_residenza.codice_istat == "072029"
    assert person.history.get().history_user == desk_operator


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"codice_fiscale": "SPSGNR61L04F284"}, "Il codice fiscale deve avere 16 caratteri."),
        ({"codice_fiscale": "SPSGNR61L04F284A"}, "carattere di controllo errato"),
        ({"nome": "Giovanni"}, "non corrisponde al nome"),
        ({"sesso": "F"}, "non corrisponde al sesso"),
        ({"data_nascita": "1961-07-05"}, "non corrisponde alla data di nascita"),
        ({"luogo_nascita": "E047"}, "non corrisponde al luogo di nascita"),
        ({"comune_residenza": "999999"}, "Nessun comune con codice ISTAT «999999»."),
        ({"comune_residenza": "12ab"}, "6 cifre"),
        ({"luogo_nascita": "Q999"}, "Nessun comune con codice catastale «Q999»."),
        ({"codice_fiscale": "", "identificativo_temporaneo": ""}, "identificativo temporaneo"),
        ({"data_nascita": "31/02/1961"}, "Data non valida."),
    ],
)
def test_bad_input_is_refused_in_italian_and_nothing_is_written(comune, desk, overrides, message):
    before = Assistito.objects.count()
    response = desk.post(reverse("locale:assistito_create"), form_data(comune, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Assistito.objects.count() == before


def test_the_same_person_cannot_be_registered_twice_in_the_comune(comune, desk):
    desk.post(reverse("locale:assistito_create"), form_data(comune))
    response = desk.post(reverse("locale:assistito_create"), form_data(comune))
    assert "già registrata presso il comune" in response.content.decode()
    assert Assistito.objects.filter(cognome="Esposito").count() == 1


def test_a_person_without_codice_fiscale_gets_a_temporary_identifier(comune, desk):
    response = desk.post(
        reverse("locale:assistito_create"),
        form_data(comune, codice_fiscale="", identificativo_temporaneo="STP1600010000001", luogo_nascita="Z330"),
    )
    assert response.status_code == 302
    assert Assistito.objects.get(identificativo_temporaneo="STP1600010000001").codice_fiscale == ""


def test_an_operator_cannot_register_into_another_comune(comune, desk):
    response = desk.post(reverse("locale:assistito_create"), form_data(comune, ente=foreign_comune().pk))
    assert response.status_code == 200
    assert not Assistito.objects.filter(cognome="Esposito").exists()


def test_a_read_only_role_cannot_register(comune, client):
    client.force_login(OperatoreFactory(ente=comune, ruolo="amministratore_ente"))
    assert client.get(reverse("locale:assistito_create")).status_code == 404
