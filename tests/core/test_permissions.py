"""Capabilities are per ente: a role in one comune gives nothing in another."""

import pytest

from cse.core.permissions import ente_ids_for, forget_cached_capabilities
from cse.core.roles import Capability, capabilities_of
from cse.core.services import incarico_assign, incarico_revoke
from tests.support.factories import OperatoreFactory
from tests.support.places import (
    every_role,
    foreign_ambito,
    foreign_comune,
    home_ambito,
    home_comune,
    neighbour_comune,
    regione,
)


@pytest.mark.django_db
def test_each_role_holds_exactly_its_capabilities_in_its_own_ente_only(db):
    enti = (home_comune(), neighbour_comune(), foreign_comune(), home_ambito(), foreign_ambito(), regione())
    for ente, ruolo, user in every_role(*enti):
        for capability in Capability:
            expected = {ente.pk} if capability in capabilities_of(ruolo, ente.tipo) else set()
            assert ente_ids_for(user, capability) == expected, (ente.codice, ruolo, capability)


@pytest.mark.django_db
def test_an_operator_with_roles_in_two_enti_keeps_them_apart(comune):
    neighbour = neighbour_comune()
    user = OperatoreFactory(ente=comune, ruolo="segretariato")
    incarico_assign(operatore=user.operatore, ente=neighbour, ruolo="responsabile")
    forget_cached_capabilities(user)
    assert ente_ids_for(user, Capability.VIEW_AUDIT) == {neighbour.pk}
    assert ente_ids_for(user, Capability.REGISTER_PERSONE) == {comune.pk, neighbour.pk}


@pytest.mark.django_db
def test_revoking_an_incarico_removes_its_access_at_once(worker):
    user = worker
    incarico = user.operatore.incarichi.get()
    incarico_revoke(incarico=incarico)
    forget_cached_capabilities(user)
    assert ente_ids_for(user, Capability.VIEW_PERSONE) == frozenset()
    assert incarico.history.count() == 2  # created, then deactivated: never deleted


@pytest.mark.django_db
def test_capabilities_are_resolved_once_per_request(worker, django_assert_num_queries):
    user = worker
    forget_cached_capabilities(user)
    with django_assert_num_queries(1):
        for capability in Capability:
            ente_ids_for(user, capability)


@pytest.mark.django_db
def test_ambito_staff_never_register_people(db):
    ambito = home_ambito()
    for ruolo in ("assistente_sociale", "responsabile"):
        staff = OperatoreFactory(ente=ambito, ruolo=ruolo)
        assert ente_ids_for(staff, Capability.REGISTER_PERSONE) == frozenset()
        assert ente_ids_for(staff, Capability.MANAGE_CARTELLE) == {ambito.pk}


@pytest.mark.django_db
def test_role_groups_follow_roles_py_after_a_capability_is_added_or_removed(comune, monkeypatch):
    """An installation made before a role gained (or lost) a capability catches up at the next migrate."""
    neighbour = neighbour_comune()
    user = OperatoreFactory(ente=comune, ruolo="segretariato")
    neighbour_front_desk = OperatoreFactory(ente=neighbour, ruolo="segretariato")
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    from django.core.management import call_command

    from cse.core import roles
    from cse.core.models import EnteGroupObjectPermission

    ente = comune
    EnteGroupObjectPermission.objects.filter(
        group__name=f"ente-{ente.pk}:segretariato", permission__codename=Capability.MANAGE_AGENDA
    ).delete()  # as if the role had gained manage_agenda after this group was created
    changed = {**roles.ROLE_CAPABILITIES, "segretariato": roles.ROLE_CAPABILITIES["segretariato"] - {"view_persone"}}
    monkeypatch.setattr(roles, "ROLE_CAPABILITIES", changed)  # …and had just lost view_persone
    forget_cached_capabilities(user)
    assert ente_ids_for(user, Capability.MANAGE_AGENDA) == frozenset()

    call_command("migrate", verbosity=0)

    forget_cached_capabilities(user)
    assert ente_ids_for(user, Capability.MANAGE_AGENDA) == {ente.pk}
    assert ente_ids_for(user, Capability.VIEW_PERSONE) == frozenset()
    assert ente_ids_for(neighbour_front_desk, Capability.VIEW_PERSONE) == frozenset()
    assert ente_ids_for(responsabile, Capability.VIEW_PERSONE) == {ente.pk}
