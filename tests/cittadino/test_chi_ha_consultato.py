"""A citizen sees who consulted their records ("Chi ha consultato i miei dati"): when, which operator, which ente and
what kind of access, for every record with their codice fiscale in any comune; never anyone else's accesses."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cse.cittadino.services import cittadino_ensure
from tests.support.factories import CartellaFactory, OperatoreFactory, register_person
from tests.support.places import neighbour_comune, resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(db):
    return neighbour_comune()


@pytest.fixture
def neighbour_person(neighbour):
    return resident(neighbour)


@pytest.fixture
def letture(comune, other_comune, neighbour, person, neighbour_person, client):
    """Operators of the comune, of a comune of another ambito and of a neighbour comune each read one person record;
    the other ambito's comune holds a second record of the comune's person (same CF)."""
    same_person_elsewhere = register_person(
        other_comune,
        cognome=person.cognome,
        nome=person.nome,
        sesso=person.sesso,
        data_nascita=person.data_nascita,
        luogo=comune.codice,
    )
    assert same_person_elsewhere.codice_fiscale == person.codice_fiscale
    readers = {}
    for key, ente, pk in (
        ("A1", comune, person.pk),
        ("B1", other_comune, same_person_elsewhere.pk),
        ("A2", neighbour, neighbour_person.pk),
    ):
        user = OperatoreFactory(ente=ente, ruolo="assistente_sociale")
        get_user_model().objects.filter(pk=user.pk).update(first_name="Lettrice", last_name=f"Prova{key}")
        client.force_login(user)
        assert client.get(reverse("locale:assistito_detail", kwargs={"pk": pk})).status_code == 200
        readers[key] = f"Lettrice Prova{key}"
    client.logout()
    return readers


def _citizen(person):
    return cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome)


def test_the_citizen_sees_who_read_their_records_in_every_comune_and_nothing_else(
    comune, other_comune, neighbour, person, neighbour_person, client, letture
):
    client.force_login(_citizen(person).user)
    html = client.get(reverse("cittadino:chi_ha_consultato")).content.decode()
    assert letture["A1"] in html and comune.nome in html
    assert letture["B1"] in html and other_comune.nome in html
    assert letture["A2"] not in html and neighbour.nome not in html
    assert neighbour_person.cognome not in html
    assert "Consultazione" in html


def test_the_csv_carries_the_same_rows_and_no_one_elses(person, client, letture):
    client.force_login(_citizen(person).user)
    response = client.get(reverse("cittadino:chi_ha_consultato_csv"))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0] == "data_ora;operatore;ente;azione" and len(lines) == 3
    body = "\n".join(lines)
    assert letture["A1"] in body and letture["B1"] in body and letture["A2"] not in body


def test_another_citizen_sees_only_the_reads_of_their_own_record(neighbour_person, client, letture):
    client.force_login(_citizen(neighbour_person).user)
    html = client.get(reverse("cittadino:chi_ha_consultato")).content.decode()
    assert letture["A2"] in html and letture["A1"] not in html and letture["B1"] not in html


def test_the_purpose_text_written_for_operators_is_not_shown(person, client):
    from cse.core.audit import log_access

    worker = OperatoreFactory(ente=person.owner_ente, ruolo="assistente_sociale")
    case = CartellaFactory(assistito=person, by=worker)
    log_access(
        user=worker,
        assistito_id=person.pk,
        oggetto_tipo="cartella",
        oggetto_id=case.pk,
        ente_id=person.owner_ente_id,
        finalita="verifica segnalazione riservata",
    )
    client.force_login(_citizen(person).user)
    assert "segnalazione riservata" not in client.get(reverse("cittadino:chi_ha_consultato")).content.decode()
    assert "segnalazione riservata" not in client.get(reverse("cittadino:chi_ha_consultato_csv")).content.decode()


def test_without_a_citizen_login_the_page_asks_to_sign_in(comune, client):
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    for name in ("cittadino:chi_ha_consultato", "cittadino:chi_ha_consultato_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("cittadino:accesso") in response["Location"]
    client.force_login(worker)  # an operator is not a citizen
    assert client.get(reverse("cittadino:chi_ha_consultato")).status_code == 302


def test_the_personal_area_links_to_the_page(person, client):
    client.force_login(_citizen(person).user)
    assert reverse("cittadino:chi_ha_consultato") in client.get(reverse("cittadino:area_personale")).content.decode()
