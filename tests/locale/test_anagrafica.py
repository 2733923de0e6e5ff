"""The person's record: updates and CF reconciliation, duplicates and merge, ISEE, relations and their map."""

from datetime import date

import pytest
from django.urls import reverse

from cse.cartella.actions.assistito import assistito_register
from cse.cartella.actions.cartella import cartella_open
from cse.cartella.models import Assistito
from cse.demo.synthetic import codice_fiscale_for
from tests.support.factories import anagrafica_form_data, register_person


@pytest.fixture
def desk(world, client):
    client.force_login(world.user("A1", "segretariato"))
    return client


def registration(world, **extra):
    data = {
        "ente": world.enti["A1"].pk,
        "cognome": "Quaranta",
        "nome": "Luca",
        "sesso": "M",
        "data_nascita": "1950-03-12",
        "luogo_nascita": "F284",
        "codice_fiscale": "",
        "identificativo_temporaneo": "STP-77",
        "comune_residenza": "",
    }
    return {**data, **extra}


def test_same_name_and_birth_date_needs_a_confirmation_then_registers(world, desk):
    url = reverse("locale:assistito_create")
    response = desk.post(url, registration(world))
    assert "Possibile duplicato" in response.content.decode()
    assert Assistito.objects.filter(identificativo_temporaneo="STP-77").count() == 0
    response = desk.post(url, registration(world, confirm_not_duplicate="on"))
    assert response.status_code == 302


def test_a_temporary_record_is_reconciled_with_its_cf_and_history_keeps_both(world, desk):
    person = register_person(
        world.enti["A1"], cognome="Ndiaye", nome="Awa", sesso="F", data_nascita=date(1990, 4, 2), luogo="Z343"
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
def test_bad_anagrafica_input_is_refused_in_italian(world, desk, field, value, message):
    person = world.assistiti["A1"]
    data = anagrafica_form_data(person, **{field: value})
    response = desk.post(reverse("locale:assistito_edit", kwargs={"pk": person.pk}), data)
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.version == world.assistiti["A1"].version


def test_merging_a_duplicate_moves_its_cases_and_hides_it_from_lists(world, desk):
    keep = world.assistiti["A1"]
    twin = assistito_register(  # registered in a hurry without CF: the typical duplicate
        ente=world.enti["A1"],
        cognome=keep.cognome,
        nome=keep.nome,
        sesso=keep.sesso,
        data_nascita=keep.data_nascita,
        luogo_nascita="F284",
        identificativo_temporaneo="TEMP-9",
        confirm_not_duplicate=True,
    )
    twin_case = cartella_open(assistito=twin, by=world.user("A1", "assistente_sociale"))
    page = desk.get(reverse("locale:assistito_detail", kwargs={"pk": keep.pk})).content.decode()
    assert "Possibile duplicato" in page
    desk.post(
        reverse("locale:unione", kwargs={"pk": keep.pk}),
        {"unione-duplicato": twin.pk, "unione-reason": "stessa persona, luogo di nascita errato"},
    )
    twin.refresh_from_db()
    twin_case.refresh_from_db()
    assert twin.unito_a == keep and twin_case.assistito == keep
    assert twin.history.filter(unito_a__isnull=True).exists()  # the earlier state is kept
    listing = desk.get(reverse("locale:assistiti_list"), {"q": keep.cognome}).content.decode()
    assert listing.count(f">{keep.cognome} {keep.nome}<") == 1


def test_isee_with_validity_ending_before_it_starts_is_refused(world, desk):
    person = world.assistiti["A1"]
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


def test_relations_and_external_contacts_appear_in_the_list_and_the_map(world, desk):
    person = world.assistiti["A1"]
    sister = register_person(
        world.enti["A1"], cognome="Quaranta", nome="Rosa", sesso="F", data_nascita=date(1955, 6, 1)
    )
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


def test_a_relation_cannot_point_to_a_person_of_another_comune(world, desk):
    person = world.assistiti["A1"]
    response = desk.post(
        reverse("locale:relazione_nuova", kwargs={"pk": person.pk}),
        {"rel-tipo": "figlio", "rel-persona_cf": world.assistiti["B1"].codice_fiscale},
        follow=True,
    )
    assert "Nessuna persona registrata nel comune con questo codice fiscale." in response.content.decode()
    assert person.relazioni.count() == 0
