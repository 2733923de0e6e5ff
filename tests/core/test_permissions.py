"""Capabilities are per ente: a role in one comune gives nothing in another."""

import pytest

from cse.core.permissions import ente_ids_for, forget_cached_capabilities
from cse.core.roles import Capability, capabilities_of
from cse.core.services import incarico_assign, incarico_revoke


@pytest.mark.django_db
def test_each_role_holds_exactly_its_capabilities_in_its_own_ente_only(world):
    for (key, ruolo), user in world.all_users():
        for capability in Capability:
            expected = {world.enti[key].pk} if capability in capabilities_of(ruolo, world.enti[key].tipo) else set()
            assert ente_ids_for(user, capability) == expected, (key, ruolo, capability)


@pytest.mark.django_db
def test_an_operator_with_roles_in_two_enti_keeps_them_apart(world):
    user = world.user("A1", "segretariato")
    incarico_assign(operatore=user.operatore, ente=world.enti["A2"], ruolo="responsabile")
    forget_cached_capabilities(user)
    assert ente_ids_for(user, Capability.VIEW_AUDIT) == {world.enti["A2"].pk}
    assert ente_ids_for(user, Capability.REGISTER_PERSONE) == {world.enti["A1"].pk, world.enti["A2"].pk}


@pytest.mark.django_db
def test_revoking_an_incarico_removes_its_access_at_once(world):
    user = world.user("A1", "assistente_sociale")
    incarico = user.operatore.incarichi.get()
    incarico_revoke(incarico=incarico)
    forget_cached_capabilities(user)
    assert ente_ids_for(user, Capability.VIEW_PERSONE) == frozenset()
    assert incarico.history.count() == 2  # created, then deactivated: never deleted


@pytest.mark.django_db
def test_capabilities_are_resolved_once_per_request(world, django_assert_num_queries):
    user = world.user("A1", "assistente_sociale")
    forget_cached_capabilities(user)
    with django_assert_num_queries(3):
        for capability in Capability:
            ente_ids_for(user, capability)


@pytest.mark.django_db
def test_ambito_staff_never_register_people(world):
    for ruolo in ("assistente_sociale", "responsabile"):
        assert ente_ids_for(world.user("AMB_A", ruolo), Capability.REGISTER_PERSONE) == frozenset()
        assert ente_ids_for(world.user("AMB_A", ruolo), Capability.MANAGE_CARTELLE) == {world.enti["AMB_A"].pk}


@pytest.mark.django_db
def test_role_groups_follow_roles_py_after_a_capability_is_added_or_removed(world, monkeypatch):
    """An installation made before a role gained (or lost) a capability catches up at the next migrate."""
    from django.core.management import call_command

    from cse.core import roles
    from cse.core.models import EnteGroupObjectPermission

    user = world.user("A1", "segretariato")
    ente = world.enti["A1"]
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
    assert ente_ids_for(world.user("A2", "segretariato"), Capability.VIEW_PERSONE) == frozenset()
    assert ente_ids_for(world.user("A1", "responsabile"), Capability.VIEW_PERSONE) == {ente.pk}
