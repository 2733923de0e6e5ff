"""The permission layer's core: which enti a user may act for, and with which capability.

Guardian object permissions live on the tenant (Ente) and are granted to the ente's role groups, never one row per
person per operator (architecture promise 1). Hot list queries then filter on `owner_ente_id IN (ids)`; the ids are
resolved once per request and cached on the user object.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import transaction
from guardian.shortcuts import assign_perm

from .models import Ente, EnteGroupObjectPermission, EnteUserObjectPermission, Incarico
from .roles import ROLES_BY_TIPO_ENTE, TipoEnte, capabilities_of

_CACHE_ATTR = "_cse_ente_capabilities"
_NON_COMUNE = "non-comune:"

User = AbstractBaseUser | AnonymousUser


def group_name(ente: Ente, ruolo: str) -> str:
    return f"ente-{ente.pk}:{ruolo}"


@transaction.atomic
def ente_groups_ensure(ente: Ente) -> dict[str, Group]:
    """Create the role groups of an ente and grant each its capabilities on the ente object (idempotent)."""
    groups: dict[str, Group] = {}
    for ruolo in ROLES_BY_TIPO_ENTE[ente.tipo]:
        group, created = Group.objects.get_or_create(name=group_name(ente, ruolo))
        if created:
            for capability in capabilities_of(ruolo, ente.tipo):
                assign_perm(f"core.{capability}", group, ente)
        groups[ruolo] = group
    return groups


def _capability_map(user: User) -> dict[str, frozenset[int]]:
    """capability codename -> ids of the enti where the user holds it (one query, cached on the user object)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    result: dict[str, set[int]] = {}
    if user.is_authenticated and user.is_active:
        rows = EnteGroupObjectPermission.objects.filter(
            group__user=user,
            group__name__in=_active_group_names(user),
        ).values_list("permission__codename", "content_object_id", "content_object__tipo")
        direct = EnteUserObjectPermission.objects.filter(user=user).values_list(
            "permission__codename", "content_object_id", "content_object__tipo"
        )
        for codename, ente_id, tipo in [*rows, *direct]:
            result.setdefault(codename, set()).add(ente_id)
            if tipo != TipoEnte.COMUNE:
                result.setdefault(_NON_COMUNE + codename, set()).add(ente_id)
    frozen = {k: frozenset(v) for k, v in result.items()}
    setattr(user, _CACHE_ATTR, frozen)
    return frozen


def _active_group_names(user: User) -> list[str]:
    """Only groups backed by an active incarico count: deactivating an incarico revokes at once."""
    return [
        group_name_from_ids(ente_id, ruolo)
        for ente_id, ruolo in Incarico.objects.filter(operatore__user=user, attivo=True).values_list("ente_id", "ruolo")
    ]


def group_name_from_ids(ente_id: int, ruolo: str) -> str:
    return f"ente-{ente_id}:{ruolo}"


def ente_ids_for(user: User, capability: str | tuple[str, ...]) -> frozenset[int]:
    """Ids of the enti in which `user` holds `capability` (a Capability codename, or any of a tuple of them)."""
    caps = _capability_map(user)
    if isinstance(capability, tuple):
        return frozenset().union(*(caps.get(c, frozenset()) for c in capability))
    return caps.get(capability, frozenset())


def non_comune_ente_ids_for(user: User, capability: str | tuple[str, ...]) -> frozenset[int]:
    """The subset of ente_ids_for() that are ambiti or regioni: they own cases but never register people."""
    caps = _capability_map(user)
    wanted = capability if isinstance(capability, tuple) else (capability,)
    return frozenset().union(*(caps.get(_NON_COMUNE + c, frozenset()) for c in wanted))


def has_capability(user: User, capability: str, ente: Ente | int | None = None) -> bool:
    ids = ente_ids_for(user, capability)
    if ente is None:
        return bool(ids)
    return (ente if isinstance(ente, int) else ente.pk) in ids


def capabilities_in_any_ente(user: User) -> frozenset[str]:
    return frozenset(k for k, v in _capability_map(user).items() if v and not k.startswith(_NON_COMUNE))


def forget_cached_capabilities(user: User) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def operators_with(ente: Ente, capability: str):
    """Active operators holding `capability` in `ente` (e.g. who can be a case's case manager)."""
    from django.contrib.auth import get_user_model

    from .roles import ROLE_CAPABILITIES

    roles = [ruolo for ruolo, caps in ROLE_CAPABILITIES.items() if capability in caps]
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            operatore__incarichi__ente=ente,
            operatore__incarichi__attivo=True,
            operatore__incarichi__ruolo__in=roles,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
