"""Every codice fiscale the platform stores or accepts goes through the same full check (cse/core/validators.py):
a 16-character pattern is not enough, RSSMRA80A01F284X (wrong check character) is refused everywhere."""

from __future__ import annotations

import re
from datetime import date

import pytest
from codicefiscale import codicefiscale
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from cse.cartella.models import AccessoEmergenza, CartellaUserObjectPermission
from cse.core.models import Incarico, Operatore
from cse.core.services import operatore_create
from cse.core.validators import (
    CF_LENGTH_MESSAGE,
    CF_MESSAGE,
    PIVA_MESSAGE,
    is_valid_codice_fiscale,
    validate_codice_fiscale,
)
from cse.demo.synthetic import codice_fiscale_for
from tests.support.factories import PASSWORD, OperatoreFactory
from tests.support.places import foreign_comune

BAD_CHECK = "RSSMRA80A01F284X"  # right shape, right date and place; only the last character is wrong
ITALIAN_MESSAGES = {CF_MESSAGE, CF_LENGTH_MESSAGE, PIVA_MESSAGE}
CF_FIELD_NAME = re.compile(r"^(codice_fiscale(_\w+)?|cf|cf_\w+|\w+_cf)$")

SYNTHETIC_CF = codice_fiscale_for("Ferri", "Sara", "F", date(1985, 5, 20), "F284")


def _with_check_character(partial: str) -> str:
    """A CF whose check character is right for its first 15 characters, so only the other rules can refuse it."""
    return partial + codicefiscale.encode_cin(partial)


def _replace(cf: str, start: int, part: str) -> str:
    """Change one segment of a CF and recompute its check character."""
    return _with_check_character((cf[:start] + part + cf[start + len(part) :])[:15])


# --- (a) the validator ---


def test_a_synthetic_cf_and_its_omocode_variants_are_accepted():
    omocodes = [code for code in codicefiscale.decode(SYNTHETIC_CF)["omocodes"] if code != SYNTHETIC_CF]
    assert omocodes, "the library lists the omocodia substitutions of the CF"
    for cf in [SYNTHETIC_CF, omocodes[0], omocodes[-1], SYNTHETIC_CF.lower()]:
        validate_codice_fiscale(cf)  # raises if refused


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(BAD_CHECK, id="wrong-check-character"),
        pytest.param(SYNTHETIC_CF[:15] + ("A" if SYNTHETIC_CF[15] != "A" else "B"), id="synthetic-wrong-check"),
        pytest.param(_replace(SYNTHETIC_CF, 8, "B70"), id="30-february-female"),
        pytest.param(_replace(SYNTHETIC_CF, 9, "32"), id="day-32-male"),
        pytest.param(_replace(SYNTHETIC_CF, 8, "X"), id="month-letter-unknown"),
        pytest.param(_replace(SYNTHETIC_CF, 11, "A000"), id="belfiore-unknown"),
        pytest.param(_replace(SYNTHETIC_CF, 11, "Z999"), id="foreign-state-unknown"),
        pytest.param(SYNTHETIC_CF[:15], id="15-characters"),
        pytest.param("XXXXXXXXXXXXXXXX", id="letters-only"),
    ],
)
def test_the_validator_refuses_with_an_italian_message(bad):
    assert not is_valid_codice_fiscale(bad)
    with pytest.raises(ValidationError) as exc:
        validate_codice_fiscale(bad)
    assert exc.value.messages == [CF_LENGTH_MESSAGE if len(bad) != 16 else CF_MESSAGE]


def test_the_bad_inputs_differ_from_the_valid_cf_only_where_intended():
    """Guard for the parametrised cases: each bad CF keeps a right check character, so only its date or place fails."""
    for bad in [_replace(SYNTHETIC_CF, 9, "32"), _replace(SYNTHETIC_CF, 11, "A000")]:
        assert bad[15] == codicefiscale.encode_cin(bad[:15])
        assert bad[:6] == SYNTHETIC_CF[:6]


# --- (b) every model field that carries a codice fiscale ---


def _cf_fields() -> list[tuple[type[models.Model], str]]:
    """Concrete fields named like a codice fiscale, in every installed app (history copies and fields the model derives
    itself, such as the code before omocodia, excluded: never edited)."""
    found = []
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if not field.is_relation and field.editable and CF_FIELD_NAME.match(field.name):
                found.append((model, field.name))
    return found


CF_FIELDS = _cf_fields()


def test_the_registry_lists_the_known_cf_fields():
    labels = {f"{model._meta.label}.{name}" for model, name in CF_FIELDS}
    assert {
        "core.Operatore.codice_fiscale",
        "siuss.EserviceWaas.cf_operatore",
        "cartella.Assistito.codice_fiscale",
        "cartella.AccessoEmergenza.codice_fiscale",
        "cittadino.Cittadino.codice_fiscale",
        "cittadino.Prenotazione.codice_fiscale",
        "ambito.Erogatore.codice_fiscale",
    } <= labels


@pytest.mark.parametrize(("model", "name"), CF_FIELDS, ids=[f"{m._meta.label}.{n}" for m, n in CF_FIELDS])
def test_full_clean_refuses_a_wrong_check_character_on_every_cf_field(model, name):
    others = [f.name for f in model._meta.fields if f.name != name]
    with pytest.raises(ValidationError) as exc:
        model(**{name: BAD_CHECK}).full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    errors = exc.value.message_dict
    assert name in errors, f"{model._meta.label}.{name} accepts {BAD_CHECK}"
    assert set(errors[name]) & ITALIAN_MESSAGES


# --- (c) the forms and routes that take an operator's (or a person's) codice fiscale ---


def _counts() -> tuple[int, int, int]:
    return get_user_model().objects.count(), Operatore.objects.count(), Incarico.objects.count()


@pytest.mark.django_db
def test_the_ente_admin_cannot_create_an_operator_with_a_wrong_check_character(comune, client):
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    client.force_login(admin)
    before = _counts()
    data = {
        "username": "sara.ferri",
        "first_name": "Sara",
        "last_name": "Ferri",
        "email": "sara@example.invalid",
        "codice_fiscale": BAD_CHECK,
        "qualifica": "Assistente sociale",
        "ruolo": "assistente_sociale",
        "password": "Una-Password-Lunga-2026",
    }
    response = client.post(reverse("ente_operatori", kwargs={"pk": comune.pk}), data)
    assert response.status_code == 200
    assert CF_MESSAGE in response.content.decode()
    assert _counts() == before


@pytest.mark.django_db
def test_the_operator_service_refuses_a_wrong_check_character_and_writes_nothing(comune):
    """seed_demo and any future caller go through operatore_create, not only the form."""
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        operatore_create(
            username="sara.ferri",
            password="Una-Password-Lunga-2026",
            first_name="Sara",
            last_name="Ferri",
            email="sara@example.invalid",
            codice_fiscale=BAD_CHECK,
            ente=comune,
            ruolo="assistente_sociale",
        )
    assert exc.value.message_dict["codice_fiscale"] == [CF_MESSAGE]
    assert _counts() == before


@pytest.mark.django_db
def test_the_platform_admin_cannot_store_an_operator_with_a_wrong_check_character(client):
    """The Django admin (/gestione/, superusers only) edits Operatore.codice_fiscale through the model's validator."""
    superuser = get_user_model().objects.create_superuser("it.staff", "it@example.invalid", PASSWORD)
    account = get_user_model().objects.create_user("senza.profilo", password=PASSWORD)
    client.force_login(superuser)
    response = client.post(reverse("admin:core_operatore_add"), {"user": account.pk, "codice_fiscale": BAD_CHECK})
    assert response.status_code == 200
    assert CF_MESSAGE in response.content.decode()
    assert not Operatore.objects.exists()


@pytest.mark.django_db
def test_the_emergency_access_form_refuses_a_wrong_check_character_and_writes_nothing(db, client):
    other_comune = foreign_comune()
    operatore = OperatoreFactory(ente=other_comune, ruolo="assistente_sociale")
    client.force_login(operatore)
    accessi_before = AccessoEmergenza.objects.count()
    data = {
        "codice_fiscale": BAD_CHECK,
        "motivo": "Pronto intervento sociale notturno: serve sapere chi la segue.",
        "password": PASSWORD,
    }
    response = client.post(reverse("accesso_emergenza"), data)
    assert response.status_code == 200
    assert CF_MESSAGE in response.content.decode()
    assert AccessoEmergenza.objects.count() == accessi_before
    assert not CartellaUserObjectPermission.objects.filter(user=operatore, reason="accesso di emergenza").exists()
