"""The permission layer's core: which enti a user may act for, and with which capability.

Guardian object permissions live on the tenant (Ente) and are granted to the ente's role groups, never one row per
person per operator (architecture promise 1). Hot list queries then filter on `owner_ente_id IN (ids)`; the ids are
resolved once per request, together with the rest of the user's identity (identity()), and cached on the user
object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import CharField, F, IntegerField, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .models import Ente, EnteGroupObjectPermission, EnteUserObjectPermission, Incarico
from .roles import ROLES_BY_TIPO_ENTE, Capability, TipoEnte, capabilities_of

_IDENTITY_ATTR = "_cse_identity"
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


@dataclass(frozen=True)
class ActiveIncarico:
    """One active incarico of the user, with what the header and the gate need of its ente."""

    ente_id: int
    ente_nome: str
    ente_tipo: str
    ruolo: str


@dataclass(frozen=True)
class Identity:
    """Everything a request asks about who the user is, loaded by ONE query (a UNION ALL) and memoised on the user
    object for the request's life: the gate's account facts, the active incarichi with their enti (the header), the
    capabilities per ente, and the rows of the sources upper layers register (the per-case grants of cartella).

    A list page used to ask these in six or seven separate queries; the page's cost is now this one plus its rows."""

    is_citizen: bool
    is_operator: bool
    incarichi: tuple[ActiveIncarico, ...]
    capabilities: dict[str, frozenset[int]]
    extra: dict[tuple[str, str], tuple[int, ...]]


# (name, factory): factory(user, now) gives a queryset whose values_list is (code: str, object id: int). Registered
# by upper layers at import time (cse/cartella/models.py: the explicit per-case grants), so core never imports them.
_SOURCES: list[tuple[str, Callable]] = []


def register_identity_source(name: str, factory: Callable) -> None:
    """Add the rows of `factory(user, now)` to the identity query; read them back with identity_ids(user, name,
    code). The factory uses `now` for any time condition (never timezone.now() itself): the query is compiled once
    and `now` is bound at each run."""
    if name not in {n for n, _ in _SOURCES}:
        _SOURCES.append((name, factory))


def _columns(qs, kind: str, code, first, second, tipo, nome):
    """Project a branch of the identity UNION onto its six columns (kind, code, first id, second id, tipo, nome)."""
    return qs.annotate(
        k=Value(kind, output_field=CharField()),
        c=code if not isinstance(code, str) else Value(code, output_field=CharField()),
        o1=first if first is not None else Value(None, output_field=IntegerField()),
        o2=second if second is not None else Value(None, output_field=IntegerField()),
        t=tipo if tipo is not None else Value("", output_field=CharField()),
        n=nome if nome is not None else Value("", output_field=CharField()),
    ).values_list("k", "c", "o1", "o2", "t", "n")


def _identity_query(user: User, now: datetime):
    from django.contrib.auth import get_user_model

    active = Incarico.objects.filter(operatore__user=user, attivo=True)
    names = active.annotate(
        group_name=Concat(Value("ente-"), Cast("ente_id", CharField()), Value(":"), "ruolo", output_field=CharField())
    ).values("group_name")
    tipo_ente = F("content_object__tipo")
    branches = [
        _columns(
            get_user_model().objects.filter(pk=user.pk), "facts", "", F("cittadino__pk"), F("operatore__pk"), None, None
        ),
        _columns(active, "incarico", F("ruolo"), F("ente_id"), None, F("ente__tipo"), F("ente__nome")),
        *(
            _columns(granted, "cap", F("permission__codename"), F("content_object_id"), None, tipo_ente, None)
            for granted in (
                EnteGroupObjectPermission.objects.filter(group__user=user, group__name__in=Subquery(names)),
                EnteUserObjectPermission.objects.filter(user=user),
            )
        ),
        *(_columns(factory(user, now), name, F("c_code"), F("c_id"), None, None, None) for name, factory in _SOURCES),
    ]
    return branches[0].union(*branches[1:], all=True)


# The identity query is the same SQL for every user and request: only the user's id and `now` change. Building it
# through the ORM (five branches, their joins and annotations) cost more than running it, on every request; it is
# compiled once per database and source list, with two sentinels marking where the user's id and `now` go.
_USER_SENTINEL = -2_000_000_011
_NOW_SENTINEL = datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=UTC)
_COMPILED: dict[tuple, tuple[str, tuple, tuple[int, ...], tuple[int, ...]]] = {}


def _compiled_identity(alias: str) -> tuple[str, tuple, tuple[int, ...], tuple[int, ...]]:
    from django.contrib.auth import get_user_model

    key = (alias, tuple(name for name, _ in _SOURCES))
    if key not in _COMPILED:
        probe = get_user_model()(pk=_USER_SENTINEL)
        sql, params = _identity_query(probe, _NOW_SENTINEL).query.sql_with_params()
        now_value = connections[alias].ops.adapt_datetimefield_value(_NOW_SENTINEL)
        user_at = tuple(i for i, p in enumerate(params) if p == _USER_SENTINEL)
        now_at = tuple(i for i, p in enumerate(params) if p == now_value)
        _COMPILED[key] = (sql, tuple(params), user_at, now_at)
    return _COMPILED[key]


def _identity_rows(user: User) -> list[tuple]:
    from django.contrib.auth import get_user_model

    alias = router.db_for_read(get_user_model())
    sql, params, user_at, now_at = _compiled_identity(alias)
    bound = list(params)
    now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
    for i in user_at:
        bound[i] = user.pk
    for i in now_at:
        bound[i] = now
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, bound)
        return cursor.fetchall()


def identity(user: User) -> Identity:
    """Who the user is for this request (one query, cached on the user object; see Identity)."""
    cached = getattr(user, _IDENTITY_ATTR, None)
    if cached is not None:
        return cached
    if not (user.is_authenticated and user.is_active):
        found = Identity(False, False, (), {}, {})
        setattr(user, _IDENTITY_ATTR, found)
        return found
    citizen = operator = None
    incarichi: list[ActiveIncarico] = []
    caps: dict[str, set[int]] = {}
    extra: dict[tuple[str, str], list[int]] = {}
    for kind, code, first, second, tipo, nome in _identity_rows(user):
        if kind == "facts":
            citizen, operator = first, second
        elif kind == "incarico":
            incarichi.append(ActiveIncarico(first, nome, tipo, code))
        elif kind == "cap":
            caps.setdefault(code, set()).add(first)
            if tipo != TipoEnte.COMUNE:
                caps.setdefault(_NON_COMUNE + code, set()).add(first)
        else:
            extra.setdefault((kind, code), []).append(first)
    found = Identity(
        is_citizen=citizen is not None,
        is_operator=operator is not None,
        incarichi=tuple(sorted(incarichi, key=lambda i: (i.ente_nome, i.ruolo))),
        capabilities={k: frozenset(v) for k, v in caps.items()},
        extra={k: tuple(v) for k, v in extra.items()},
    )
    setattr(user, _IDENTITY_ATTR, found)
    return found


def identity_ids(user: User, name: str, code: str) -> tuple[int, ...]:
    """The object ids a registered identity source gave for `code` (e.g. the cases granted with view_cartella)."""
    return identity(user).extra.get((name, code), ())


def _capability_map(user: User) -> dict[str, frozenset[int]]:
    """capability codename -> ids of the enti where the user holds it. Only groups backed by an active incarico
    count: deactivating an incarico revokes at once."""
    return identity(user).capabilities


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
    """Drop the memoised identity (capabilities, grants, incarichi, gate facts): the next read asks the database."""
    if hasattr(user, _IDENTITY_ATTR):
        delattr(user, _IDENTITY_ATTR)


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
