"""The registration form helps while the operator types: place names become codes, the codice fiscale fills birth
date, sex and birthplace, a person already registered is pointed out (never one of another comune), nothing is
preselected for sex, and a refused form starts with a summary of what to correct."""

import json

import pytest
from django.urls import reverse

from cse.cartella.models import Assistito
from tests.support.factories import OperatoreFactory
from tests.support.people import registration_form
from tests.support.places import foreign_comune, home_comune, neighbour_comune, resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def comune():
    neighbour_comune()
    return home_comune()


@pytest.fixture
def desk(comune, client):
    client.force_login(OperatoreFactory(ente=comune, ruolo="segretariato"))
    return client


def _get(client, name: str, **params) -> str:
    response = client.get(reverse(f"locale:{name}"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_birthplace_is_suggested_by_name_with_its_cadastral_code_and_foreign_states_too(desk):
    assert '<option value="F284">Molfetta (BA)</option>' in _get(desk, "luoghi_suggeriti", luogo_nascita="molf")
    assert '<option value="Z112">Germania — stato estero</option>' in _get(
        desk, "luoghi_suggeriti", luogo_nascita="Germ"
    )


def test_the_residence_is_suggested_by_name_with_its_istat_code(desk):
    page = _get(desk, "luoghi_suggeriti", comune_residenza="Giov")
    assert '<option value="072022">Giovinazzo (BA)</option>' in page
    assert "F284" not in page and _get(desk, "luoghi_suggeriti", comune_residenza="M").strip() == ""


def test_a_comune_typed_by_name_instead_of_picked_is_taken(comune, desk):
    data = registration_form(comune, luogo_nascita="F284", comune_residenza="Molfetta (BA)")
    assert desk.post(reverse("locale:assistito_create"), data).status_code == 302
    assert Assistito.objects.get(cognome="Esposito").comune_residenza.codice_istat == "072029"


def test_the_codice_fiscale_says_birth_date_sex_and_birthplace(desk):
    said = json.loads(_get(desk, "dal_codice_fiscale", codice_fiscale="rssmra61c12f284i"))
    assert said == {"data_nascita": "1961-03-12", "sesso": "M", "luogo_nascita": "F284", "luogo_nome": "Molfetta (BA)"}
    wrong = json.loads(_get(desk, "dal_codice_fiscale", codice_fiscale="RSSMRA61C12F284A"))
    assert "carattere di controllo errato" in wrong["errore"]


def test_sex_has_no_preselected_choice_and_is_required(comune, desk):
    page = _get(desk, "assistito_create")
    assert 'name="sesso" value="M"' in page and 'name="sesso" value="F"' in page
    assert "checked" not in page.split('name="sesso"', 1)[1].split("</fieldset>", 1)[0]
    response = desk.post(reverse("locale:assistito_create"), registration_form(comune, sesso=""))
    assert response.status_code == 200 and not Assistito.objects.exists()
    assert 'href="#id_sesso_0">Sesso: Questo campo è obbligatorio.' in response.content.decode()


def test_a_refused_form_starts_with_a_summary_linking_each_field_in_error(comune, desk):
    response = desk.post(reverse("locale:assistito_create"), registration_form(comune, cognome="", nome="Giovanni"))
    page = response.content.decode()
    summary = page.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert page.index("data-error-summary") < page.index('id="id_cognome"')
    assert 'role="alert" tabindex="-1"' in page
    assert '<a href="#id_cognome">Cognome: Questo campo è obbligatorio.</a>' in summary
    assert 'href="#id_nome"' not in summary  # a CF mismatch is checked once the form is complete
    assert "core/error_summary.js" in page


def test_a_person_already_registered_is_pointed_out_by_codice_fiscale_or_by_name_and_birth_date(comune, desk):
    person = resident(comune)
    link = f'href="{reverse("locale:assistito_detail", args=[person.pk])}"'
    by_cf = _get(desk, "gia_registrata", ente=comune.pk, codice_fiscale=person.codice_fiscale.lower())
    by_name = _get(
        desk,
        "gia_registrata",
        ente=comune.pk,
        cognome=person.cognome.upper(),
        nome=person.nome,
        data_nascita=person.data_nascita.isoformat(),
    )
    assert "potrebbe essere già registrata" in by_cf and link in by_cf and link in by_name
    nobody = _get(desk, "gia_registrata", ente=comune.pk, cognome=person.cognome, nome=person.nome)
    assert nobody.strip() == ""  # no birth date typed yet: no guess


def test_another_comunes_person_is_never_pointed_out_not_even_by_a_different_answer(comune, desk):
    stranger = resident(foreign_comune())
    unknown = "RSSMRA61C12F284I"
    answers = {
        _get(
            desk,
            "gia_registrata",
            ente=ente.pk,
            codice_fiscale=cf,
            cognome=stranger.cognome,
            nome=stranger.nome,
            data_nascita=stranger.data_nascita.isoformat(),
        )
        for ente in (comune, foreign_comune())
        for cf in (stranger.codice_fiscale, unknown)
    }
    nobody = _get(desk, "gia_registrata", ente=comune.pk, codice_fiscale=unknown)
    assert answers == {nobody}


@pytest.mark.parametrize(
    "junk",
    ["\x00", "Mo\x00lf", "RSSMRA61C12F284\x00", "9" * 40, "0001-01-01", "9999-12-31", "%", "' OR 1=1 --", "é" * 500],
)
def test_what_is_typed_never_breaks_the_helpers(desk, junk):
    for name in ("luoghi_suggeriti", "dal_codice_fiscale", "gia_registrata"):
        params = dict.fromkeys(("luogo_nascita", "codice_fiscale", "ente", "cognome", "nome", "data_nascita"), junk)
        assert desk.get(reverse(f"locale:{name}"), params).status_code == 200
