"""Capabilities are per ente: a role in one comune gives nothing in another."""

from datetime import timedelta

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


@pytest.mark.django_db
def test_the_compiled_identity_answers_each_user_like_the_query_it_was_built_from(comune, case):
    from django.utils import timezone

    from cse.cartella.actions.cartella import cartella_grant_access
    from cse.core.permissions import _identity_query, _identity_rows

    two_enti = OperatoreFactory(ente=comune, ruolo="segretariato")
    incarico_assign(operatore=two_enti.operatore, ente=neighbour_comune(), ruolo="responsabile")
    granted = OperatoreFactory(ente=foreign_comune(), ruolo="assistente_sociale")
    cartella_grant_access(
        base_giuridica="compito_pubblico", cartella=case, user=granted, expires_at=timezone.now() + timedelta(hours=1)
    )
    for user in (two_enti, granted, OperatoreFactory(ente=home_ambito(), ruolo="ufficio_di_piano")):
        expected = sorted(_identity_query(user, timezone.now()))
        assert sorted(_identity_rows(user)) == expected != []


@pytest.mark.django_db
def test_a_grant_stops_counting_when_it_expires_without_any_write(case, monkeypatch):
    from django.utils import timezone

    from cse.cartella.actions.cartella import cartella_grant_access
    from cse.cartella.models import Cartella

    outsider = OperatoreFactory(ente=foreign_comune(), ruolo="assistente_sociale")
    cartella_grant_access(
        base_giuridica="compito_pubblico",
        cartella=case,
        user=outsider,
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    assert Cartella.objects.visible_to(outsider).filter(pk=case.pk).exists()

    later = timezone.now() + timedelta(minutes=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    forget_cached_capabilities(outsider)
    assert not Cartella.objects.visible_to(outsider).filter(pk=case.pk).exists()
