"""Protected categories (violence, addiction, mental health, HIV…): only holders of view_categorie_protette create
diary entries in them, and only they see or count them (cse/cartella/categorie_protette.py, cse/core/roles.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse.cartella.actions.diario import diario_add
from cse.cartella.categorie_protette import PROTECTED_REFUSAL, CategoriaProtetta
from cse.cartella.fasi import VoceDiario
from cse.core.models import OutboxEvent
from cse.core.permissions import ente_ids_for, role_groups_sync
from cse.core.roles import ROLE_CAPABILITIES, Capability, Ruolo
from tests.support.ambito import ambito_case
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import home_ambito, home_comune
from tests.support.submission import TokenClient

pytestmark = pytest.mark.django_db

SECRET = "La persona riferisce maltrattamenti in famiglia"


def _client(user):
    client = TokenClient()
    client.force_login(user)
    return client


@pytest.fixture
def comune():
    return home_comune()


@pytest.fixture
def worker(comune):
    """The comune's social worker, who holds the capability and manages the case."""
    return OperatoreFactory(ente=comune, ruolo="assistente_sociale")


@pytest.fixture
def case(comune, worker):
    return CartellaFactory(assistito__ente=comune, by=worker)


def _diary_post(user, cartella, **extra):
    data = {"tipo": "colloquio", "data_evento": "2026-11-02", "testo": SECRET, "categoria": "violenza", **extra}
    return _client(user).post(reverse("locale:diario", kwargs={"pk": cartella.pk}), data)


def test_roles_py_is_the_source_and_only_the_professional_case_roles_hold_the_capability(comune, worker):
    holders = {r for r, caps in ROLE_CAPABILITIES.items() if Capability.VIEW_CATEGORIE_PROTETTE in caps}
    assert holders == {Ruolo.ASSISTENTE_SOCIALE, Ruolo.RESPONSABILE}
    role_groups_sync()  # what migrate runs: the groups hold exactly what roles.py says
    desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    assert comune.pk in ente_ids_for(worker, Capability.VIEW_CATEGORIE_PROTETTE)
    assert comune.pk not in ente_ids_for(desk, Capability.VIEW_CATEGORIE_PROTETTE)


@pytest.mark.parametrize("key,ruolo", [("comune", "segretariato"), ("ambito", "ufficio_di_piano")])
def test_a_role_without_the_capability_is_refused_in_italian_and_nothing_is_written(comune, worker, case, key, ruolo):
    cartella = case if key == "comune" else ambito_case(case.assistito, by=worker)
    user = OperatoreFactory(ente=comune if key == "comune" else home_ambito(), ruolo=ruolo)
    voci, events = VoceDiario.objects.count(), OutboxEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        diario_add(
            cartella=cartella,
            tipo="colloquio",
            testo=SECRET,
            data_evento=date(2026, 11, 2),
            riservata=False,
            by=user,
            categoria=CategoriaProtetta.VIOLENZA,
        )
    assert PROTECTED_REFUSAL in str(refused.value)
    response = _diary_post(user, cartella)
    assert response.status_code == 200  # the form again, with the error
    assert VoceDiario.objects.count() == voci and OutboxEvent.objects.count() == events
    cartella.refresh_from_db()
    version = cartella.version
    _diary_post(user, cartella)
    cartella.refresh_from_db()
    assert cartella.version == version


def test_an_unknown_category_is_refused(worker, case):
    response = _diary_post(worker, case, categoria="inventata")
    assert response.status_code == 200 and not VoceDiario.objects.filter(testo=SECRET).exists()


def test_a_protected_entry_is_seen_and_counted_only_by_holders(comune, worker, case):
    cartella = case
    desk_operator = OperatoreFactory(ente=comune, ruolo="segretariato")
    assert _diary_post(worker, cartella).status_code == 302
    voce = VoceDiario.objects.get(testo=SECRET)
    assert voce.categoria == "violenza"

    diario = reverse("locale:diario", kwargs={"pk": cartella.pk})
    detail = reverse("locale:cartella_detail", kwargs={"pk": cartella.pk})
    for holder in (worker, OperatoreFactory(ente=comune, ruolo="responsabile")):
        assert SECRET in _client(holder).get(diario).content.decode()
        assert SECRET in _client(holder).get(detail).content.decode()
    desk = _client(desk_operator)
    assert SECRET not in desk.get(diario).content.decode()
    assert SECRET not in desk.get(detail).content.decode()
    # not counted either: the front desk's list is the one it had before the entry existed
    visible = VoceDiario.objects.filter(cartella=cartella).readable_by(
        desk_operator, professional=False, protette=False
    )
    assert voce not in visible and visible.count() == visible.exclude(pk=voce.pk).count()
    # and the entry's own URL answers like a missing one for a manager without the capability (ambito case)
    at_ambito = ambito_case(case.assistito, by=worker)
    amb_worker = OperatoreFactory(ente=home_ambito(), ruolo="assistente_sociale")
    assert _diary_post(amb_worker, at_ambito, testo="Dipendenza da gioco").status_code == 302
    protected = VoceDiario.objects.get(testo="Dipendenza da gioco")
    udp = _client(OperatoreFactory(ente=home_ambito(), ruolo="ufficio_di_piano"))
    obscure = udp.get(reverse("locale:diario_oscura", kwargs={"pk": protected.pk}))
    missing = udp.get(reverse("locale:diario_oscura", kwargs={"pk": 10_000_000}))
    assert obscure.status_code == missing.status_code == 404
    assert _client(amb_worker).get(reverse("locale:diario_oscura", kwargs={"pk": protected.pk})).status_code == 200


def test_the_category_never_leaves_the_comune(worker, case):
    _diary_post(worker, case)
    event = OutboxEvent.objects.filter(event_type="cartella.diario_voce").latest("id")
    assert "violenza" not in str(event.payload) and set(event.payload) == {"tipo", "data", "voce"}
