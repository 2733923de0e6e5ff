"""Extra fields slipped into a form body (owner, state, ids, numbers) change nothing: forms take only their fields."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.models import Assistito, Cartella
from tests.support.factories import anagrafica_form_data

PROTECTED = [
    "owner_ente",
    "owner_ente_id",
    "stato",
    "numero",
    "numerata_da",
    "assistito",
    "assistito_id",
    "case_manager",
    "riaperta_da",
    "chiusa_il",
    "unito_a",
    "id",
    "pk",
    "cartella",
    "cartella_id",
]


@pytest.fixture
def setup(world, client):
    worker = world.user("A1", "assistente_sociale")
    client.force_login(worker)
    return world, client, cartella_open(assistito=world.assistiti["A1"], by=worker)


def snapshot(case: Cartella, person: Assistito):
    case.refresh_from_db()
    person.refresh_from_db()
    return (
        case.owner_ente_id,
        case.stato,
        case.numero,
        case.assistito_id,
        case.case_manager_id,
        case.riaperta_da_id,
        person.owner_ente_id,
        person.unito_a_id,
        person.codice_fiscale,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    extra=st.dictionaries(
        st.sampled_from(PROTECTED), st.sampled_from(["1", "2", "999", "chiusa", "B1", ""]), min_size=1, max_size=5
    )
)
def test_extra_fields_in_any_case_form_change_nothing(setup, extra):
    world, client, case = setup
    person = world.assistiti["A1"]
    before = snapshot(case, person)
    foreign_ente = str(world.enti["B1"].pk)
    extra = {k: (foreign_ente if v == "B1" else v) for k, v in extra.items()}
    base = {
        "data_accesso": "2026-11-20",
        "canale": "spontaneo",
        "interlocutore": "persona",
        "richiesta": "aiuto",
        "area": "poverta",
        "esito": "",
        "version": case.version,
    }
    client.post(reverse("locale:accesso", kwargs={"pk": case.pk}), {**base, **extra})
    client.post(
        reverse("locale:diario", kwargs={"pk": case.pk}),
        {"tipo": "nota", "data_evento": "2026-11-20", "testo": "nota", **extra},
    )
    client.post(
        reverse("locale:assistito_edit", kwargs={"pk": person.pk}),
        anagrafica_form_data(person, **extra),
    )
    assert snapshot(case, person) == before
