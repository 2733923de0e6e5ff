"""The permission layer's core: which enti a user may act for, and with which capability.

Guardian object permissions live on the tenant (Ente) and are granted to the ente's role groups, never one row per
person per operator (architecture promise 1). Hot list queries then filter on `owner_ente_id IN (ids)`; the ids are
resolved once per request and cached on the user object.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import Ente, EnteGroupObjectPermission, EnteUserObjectPermission, Incarico
from .roles import ROLES_BY_TIPO_ENTE, Capability, TipoEnte, capabilities_of

_CACHE_ATTR = "_cse_ente_capabilities"
_NON_COMUNE = "non-comune:"

User = AbstractBaseUser | AnonymousUser


def group_name(ente: Ente, ruolo: str) -> str:
    return f"ente-{ente.pk}:{ruolo}"


@transaction.atomic
def ente_groups_ensure(ente: Ente) -> dict[str, Group]:
    """Create the role groups of an ente and grant each its capabilities on the ente object (idempotent)."""
    role_groups_sync([ente])
    by_name = {g.name: g for g in Group.objects.filter(name__startswith=f"ente-{ente.pk}:")}
    return {ruolo: by_name[group_name(ente, ruolo)] for ruolo in ROLES_BY_TIPO_ENTE[ente.tipo]}


@transaction.atomic
def role_groups_sync(enti: Iterable[Ente] | None = None) -> tuple[int, int]:
    """Make every role group hold exactly the capabilities cse/core/roles.py gives its role in that kind of ente.

    roles.py is the single source of truth: adding or removing a capability there reaches existing installations at
    the next `migrate` (post_migrate runs this), with no hand-written data migration. Returns (granted, revoked)."""
    enti = list(Ente.objects.all() if enti is None else enti)
    if not enti:
        return 0, 0
    content_type = ContentType.objects.get_for_model(Ente)
    perm_ids = dict(
        Permission.objects.filter(content_type=content_type, codename__in=Capability.values).values_list(
            "codename", "pk"
        )
    )
    wanted_groups = {group_name(e, r): (e, r) for e in enti for r in ROLES_BY_TIPO_ENTE[e.tipo]}
    have = set(Group.objects.filter(name__in=wanted_groups).values_list("name", flat=True))
    Group.objects.bulk_create([Group(name=n) for n in wanted_groups if n not in have])
    group_ids = dict(Group.objects.filter(name__in=wanted_groups).values_list("name", "pk"))
    wanted = {
        (group_ids[name], perm_ids[capability], ente.pk)
        for name, (ente, ruolo) in wanted_groups.items()
        for capability in capabilities_of(ruolo, ente.tipo)
    }
    rows = EnteGroupObjectPermission.objects.filter(
        group_id__in=group_ids.values(), permission_id__in=perm_ids.values()
    ).values_list("pk", "group_id", "permission_id", "content_object_id")
    present = {(g, p, e): pk for pk, g, p, e in rows}
    missing = wanted - present.keys()
    EnteGroupObjectPermission.objects.bulk_create(
        [EnteGroupObjectPermission(group_id=g, permission_id=p, content_object_id=e) for g, p, e in missing]
    )
    extra = [pk for key, pk in present.items() if key not in wanted]
    EnteGroupObjectPermission.objects.filter(pk__in=extra).delete()
    return len(missing), len(extra)


def role_groups_sync_after_migrate(sender, using: str = "default", **kwargs) -> None:
    if using == "default":
        role_groups_sync()


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


def ente_or_404(user: User, pk: int, capability: str) -> Ente:
    """An ente in which the user holds `capability` (its administration or audit screens); any other id is 404, with
    no hint that it exists."""
    from django.http import Http404

    ente = Ente.objects.filter(pk=pk).first() if pk in ente_ids_for(user, capability) else None
    if ente is None:
        raise Http404("Ente non trovato")
    return ente


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
