"""Ente administrators manage their own operators and nobody else's."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cse.core.models import Incarico, Operatore
from cse.core.permissions import ente_ids_for
from cse.demo.synthetic import codice_fiscale_for
from tests.support.factories import OperatoreFactory
from tests.support.places import every_role, foreign_comune, home_ambito, neighbour_comune, regione
from tests.support.portal import portal_for

NEW_CF = codice_fiscale_for("Ferri", "Sara", "F", date(1985, 5, 20), "F284")


def new_operator(**overrides):
    data = {
        "username": "sara.ferri",
        "first_name": "Sara",
        "last_name": "Ferri",
        "email": "sara@example.invalid",
        "codice_fiscale": NEW_CF,
        "qualifica": "Assistente sociale",
        "ruolo": "assistente_sociale",
        "password": "Una-Password-Lunga-2026",
    }
    data.update(overrides)
    return data


@pytest.fixture
def front_desk(comune):
    return OperatoreFactory(ente=comune, ruolo="segretariato", username="mario.sportello")


@pytest.fixture
def admin_a1(comune, front_desk, client):
    client.force_login(OperatoreFactory(ente=comune, ruolo="amministratore_ente"))
    return client


def test_the_admin_creates_an_operator_who_can_then_work_in_that_comune_only(comune, admin_a1):
    response = admin_a1.post(reverse("ente_operatori", kwargs={"pk": comune.pk}), new_operator())
    assert response.status_code == 302
    user = get_user_model().objects.get(username="sara.ferri")
    assert ente_ids_for(user, "manage_cartelle") == {comune.pk}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "mario.sportello"}, "Esiste già un utente con questo nome utente."),
        ({"codice_fiscale": "XXXXXXXXXXXXXXXX"}, "Codice fiscale non valido"),
        ({"codice_fiscale": "RSSMRA80A01F284X"}, "carattere di controllo"),  # only the check character is wrong
        ({"password": "corta"}, "La password è troppo corta: servono almeno 12 caratteri."),
        ({"password": "123456789012345"}, "solo da cifre"),
        ({"ruolo": "analista_regionale"}, "Scegli un&#x27;opzione valida"),
        ({"email": "non-una-mail"}, "indirizzo email valido"),
    ],
)
def test_bad_operator_data_is_refused_in_italian_and_nothing_is_written(comune, admin_a1, overrides, message):
    users_before, operators_before = get_user_model().objects.count(), Operatore.objects.count()
    response = admin_a1.post(reverse("ente_operatori", kwargs={"pk": comune.pk}), new_operator(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (get_user_model().objects.count(), Operatore.objects.count()) == (users_before, operators_before)


def test_a_duplicate_operator_by_codice_fiscale_is_refused(comune, admin_a1):
    url = reverse("ente_operatori", kwargs={"pk": comune.pk})
    admin_a1.post(url, new_operator())
    response = admin_a1.post(url, new_operator(username="altro.nome"))
    assert "Esiste già un operatore con questo codice fiscale." in response.content.decode()
    assert Operatore.objects.filter(codice_fiscale=NEW_CF).count() == 1


def test_the_admin_cannot_manage_another_ente(db, admin_a1):
    neighbour = neighbour_comune()
    OperatoreFactory(ente=neighbour, ruolo="segretariato")
    assert admin_a1.get(reverse("ente_operatori", kwargs={"pk": neighbour.pk})).status_code == 404
    response = admin_a1.post(reverse("ente_operatori", kwargs={"pk": neighbour.pk}), new_operator())
    assert response.status_code == 404
    assert not get_user_model().objects.filter(username="sara.ferri").exists()
    foreign = Incarico.objects.filter(ente=neighbour).first()
    assert admin_a1.post(reverse("incarico_revoca", kwargs={"pk": foreign.pk})).status_code == 404
    foreign.refresh_from_db()
    assert foreign.attivo


def test_the_admin_revokes_an_operator_of_their_ente(comune, admin_a1):
    incarico = Incarico.objects.get(ente=comune, ruolo="segretariato")
    admin_a1.post(reverse("incarico_revoca", kwargs={"pk": incarico.pk}))
    incarico.refresh_from_db()
    assert not incarico.attivo
    assert ente_ids_for(incarico.operatore.user, "view_persone") == frozenset()


def test_other_roles_do_not_reach_the_admin_screens(comune, client):
    for ruolo in ("segretariato", "assistente_sociale", "responsabile"):
        client.force_login(OperatoreFactory(ente=comune, ruolo=ruolo))
        assert client.get(reverse("ente_operatori", kwargs={"pk": comune.pk})).status_code == 404


@pytest.mark.django_db(databases=["default", "regionale"])
def test_each_role_home_shows_only_what_it_can_open(comune, client):
    """Every link on a role's home page answers 200 for that role: no dead ends, no hints of other enti."""
    import re

    local = (comune, neighbour_comune(), foreign_comune(), home_ambito())
    portal_for(*local)  # the portal editors' home links to their section
    for _ente, ruolo, user in every_role(*local, regione()):
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        links = set(re.findall(r'href="(/(?:locale|ambito|regionale|operatore/ente|cms)/[^"]*)"', html))
        assert links, ruolo
        for link in links:
            assert client.get(link).status_code == 200, (ruolo, link)
