"""The person's record: updates and CF reconciliation, duplicates and merge, ISEE, relations and their map."""

from datetime import date

import pytest
from django.urls import reverse

from cse.cartella.actions.assistito import assistito_register
from cse.cartella.actions.cartella import cartella_open
from cse.cartella.models import Assistito
from cse.demo.synthetic import codice_fiscale_for
from tests.support.factories import AssistitoFactory, OperatoreFactory, anagrafica_form_data, register_person
from tests.support.places import foreign_comune, home_comune

pytestmark = pytest.mark.django_db


@pytest.fixture
def comune():
    return home_comune()


@pytest.fixture
def person(comune):
    """Luca Quaranta, born in the comune on 12 March 1950, registered with his codice fiscale."""
    return register_person(comune, cognome="Quaranta", nome="Luca", sesso="M", luogo=comune.codice)


@pytest.fixture
def desk(comune, client):
    client.force_login(OperatoreFactory(ente=comune, ruolo="segretariato"))
    return client


def registration(comune, **extra):
    data = {
        "ente": comune.pk,
        "cognome": "Quaranta",
        "nome": "Luca",
        "sesso": "M",
        "data_nascita": "1950-03-12",
        "luogo_nascita": "F284",
        "codice_fiscale": "",
        "identificativo_temporaneo": "STP1600010000077",
        "comune_residenza": "",
    }
    return {**data, **extra}


def test_same_name_and_birth_date_needs_a_confirmation_then_registers(comune, person, desk):
    url = reverse("locale:assistito_create")
    response = desk.post(url, registration(comune))
    assert "Possibile duplicato" in response.content.decode()
    assert Assistito.objects.filter(identificativo_temporaneo="STP1600010000077").count() == 0
    response = desk.post(url, registration(comune, confirm_not_duplicate="on"))
    assert response.status_code == 302


def test_a_temporary_record_is_reconciled_with_its_cf_and_history_keeps_both(comune, desk):
    person = register_person(
        comune, cognome="Ndiaye", nome="Awa", sesso="F", data_nascita=date(1990, 4, 2), luogo="Z343"
    )
    person.codice_fiscale, person.identificativo_temporaneo = "", "STP-1"
    person.save()
    cf = codice_fiscale_for("Ndiaye", "Awa", "F", date(1990, 4, 2), "Z343")
    url = reverse("locale:assistito_edit", kwargs={"pk": person.pk})
    page = desk.get(url).content.decode()
    assert 'name="version"' in page
    data = {
        "codice_fiscale": cf[:-1] + ("A" if cf[-1] != "A" else "B"),
        "cognome": "Ndiaye",
        "nome": "Awa",
        "sesso": "F",
        "data_nascita": "1990-04-02",
        "luogo_nascita": "Z343",
        "cittadinanza": "100",
        "disabilita": "nessuna",
        "protezione_giuridica": "nessuna",
        "version": person.version,
    }
    assert "carattere di controllo errato" in desk.post(url, data).content.decode()
    person.refresh_from_db()
    assert person.codice_fiscale == ""
    response = desk.post(url, {**data, "codice_fiscale": cf, "version": person.version})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.codice_fiscale == cf
    assert person.history.filter(codice_fiscale="").exists() and person.history.filter(codice_fiscale=cf).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cittadinanza", "IT", "codice ISTAT dello stato"),
        ("invalidita_percentuale", "140", "da 0 a 100"),
        ("email", "non-una-mail", "indirizzo email valido"),
        ("comune_residenza_istat", "000000", "Nessun comune"),
    ],
)
def test_bad_anagrafica_input_is_refused_in_italian(person, desk, field, value, message):
    version = person.version
    data = anagrafica_form_data(person, **{field: value})
    response = desk.post(reverse("locale:assistito_edit", kwargs={"pk": person.pk}), data)
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.version == version


def test_merging_a_duplicate_moves_its_cases_and_hides_it_from_lists(comune, person, desk):
    keep = person
    twin = assistito_register(  # registered in a hurry without CF: the typical duplicate
        ente=comune,
        cognome=keep.cognome,
        nome=keep.nome,
        sesso=keep.sesso,
        data_nascita=keep.data_nascita,
        luogo_nascita="F284",
        identificativo_temporaneo="TEMP-9",
        confirm_not_duplicate=True,
    )
    twin_case = cartella_open(assistito=twin, by=OperatoreFactory(ente=comune, ruolo="assistente_sociale"))
    page = desk.get(reverse("locale:assistito_detail", kwargs={"pk": keep.pk})).content.decode()
    assert "Possibile duplicato" in page
    merge = {"unione-duplicato": twin.pk, "unione-reason": "stessa persona, luogo di nascita errato"}
    asked = desk.post(reverse("locale:unione", kwargs={"pk": keep.pk}), merge)
    twin.refresh_from_db()
    assert twin.unito_a is None  # the first click only asks: what will happen, and the form as it was typed
    page = asked.content.decode()
    assert "si può annullare dalla scheda principale" in page and "stessa persona, luogo di nascita errato" in page
    desk.post(reverse("locale:unione", kwargs={"pk": keep.pk}), {**merge, "unione-conferma": "1"})
    twin.refresh_from_db()
    twin_case.refresh_from_db()
    assert twin.unito_a == keep and twin_case.assistito == keep
    assert twin.history.filter(unito_a__isnull=True).exists()  # the earlier state is kept
    listing = desk.get(reverse("locale:assistiti_list"), {"q": keep.cognome}).content.decode()
    assert listing.count(f">{keep.cognome} {keep.nome}<") == 1


def test_isee_with_validity_ending_before_it_starts_is_refused(person, desk):
    response = desk.post(
        reverse("locale:isee_nuovo", kwargs={"pk": person.pk}),
        {
            "isee-tipo": "ordinario",
            "isee-valore": "8500",
            "isee-valida_dal": "2026-02-01",
            "isee-valida_al": "2026-01-01",
        },
        follow=True,
    )
    assert "La fine della validità non può precedere l&#x27;inizio." in response.content.decode()
    assert person.isee.count() == 0
    response = desk.post(
        reverse("locale:isee_nuovo", kwargs={"pk": person.pk}),
        {
            "isee-tipo": "ordinario",
            "isee-valore": "-1",
            "isee-valida_dal": "2026-01-01",
            "isee-valida_al": "2026-12-31",
        },
        follow=True,
    )
    assert "Il valore ISEE non può essere negativo." in response.content.decode()


def test_relations_and_external_contacts_appear_in_the_list_and_the_map(comune, person, desk):
    sister = register_person(comune, cognome="Quaranta", nome="Rosa", sesso="F", data_nascita=date(1955, 6, 1))
    desk.post(
        reverse("locale:relazione_nuova", kwargs={"pk": person.pk}),
        {"rel-tipo": "fratello", "rel-persona_cf": sister.codice_fiscale, "rel-convivente": "on"},
    )
    desk.post(
        reverse("locale:relazione_nuova", kwargs={"pk": person.pk}),
        {"rel-tipo": "vicino", "rel-nominativo": "Sig.ra Lella"},
    )
    desk.post(
        reverse("locale:contatto_nuovo", kwargs={"pk": person.pk}),
        {"contatto-tipo": "mmg", "contatto-nome": "Studio medico via Roma"},
    )
    html = desk.get(reverse("locale:assistito_detail", kwargs={"pk": person.pk})).content.decode()
    assert "<svg" in html and "Sig.ra Lella" in html and "Studio medico via Roma" in html
    assert f'href="/locale/assistiti/{sister.pk}/"' in html


def test_a_relation_cannot_point_to_a_person_of_another_comune(person, desk):
    stranger = AssistitoFactory(ente=foreign_comune())
    response = desk.post(
        reverse("locale:relazione_nuova", kwargs={"pk": person.pk}),
        {"rel-tipo": "figlio", "rel-persona_cf": stranger.codice_fiscale},
        follow=True,
    )
    assert "Nessuna persona registrata nel comune con questo codice fiscale." in response.content.decode()
    assert person.relazioni.count() == 0
