"""The ritual every change of a case goes through, written once: transaction, row lock, who acts, stale version,
closed case, version bump; then the diary entries, history reasons and outbox events the action asked for, written
on exit in the same transaction (an exception in the action leaves none of them).

    with case_change(cartella, by=user, version=form_version) as change:
        ...  # change.cartella is the locked row
        change.save(obj, reason="...")  # now: the history row with its reason
        change.diary("...")  # on exit: the diario line (author: by)
        change.event("cartella....", {...})  # on exit: the outbox event (codes only, never names)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from cse.core.outbox import outbox_append

from ..fasi import VoceDiario
from ..glossary import StatoCartella, TipoVoceDiario
from ..models import Assistito, Cartella
from ..workflow import STALE_MESSAGE

CLOSED_MESSAGE = "La cartella è chiusa: per riprendere il caso va riaperta come nuovo episodio."
STALE_ASSISTITO = STALE_MESSAGE.replace("La cartella è stata modificata", "La scheda è stata modificata")
MERGED_MESSAGE = "Questa scheda è stata unita a un'altra: modificare la scheda principale."
REFUSE_ACTOR = (
    "Non si può modificare questa cartella: serve un operatore abilitato dell'ente titolare "
    "(o dell'équipe con accesso in modifica)."
)

Capabilities = str | tuple[str, ...]


def diary_entry(cartella: Cartella, by, testo: str, tipo: str = TipoVoceDiario.REGISTRAZIONE) -> VoceDiario:
    """The automatic diary line of a change (who, what); manual notes are written by actions.diario."""
    return VoceDiario.objects.create(cartella=cartella, tipo=tipo, autore=by, testo=testo)


@dataclass
class Change:
    """What an action asks the ritual to write on exit, in order: diary lines first, then outbox events."""

    by: Any
    _diary: list[tuple[Cartella, str, str]] = field(default_factory=list)
    _events: list[tuple[models.Model, str, dict]] = field(default_factory=list)

    def save(self, obj: models.Model, *, reason: str | None = None) -> None:
        """Save now, with the history change reason (at most 100 characters, as the history column)."""
        if reason is not None:
            obj._change_reason = reason[:100]
        obj.save()

    def event(self, event_type: str, payload: dict, *, aggregate: models.Model) -> None:
        self._events.append((aggregate, event_type, payload))

    def diary_on(self, cartella: Cartella, testo: str, tipo: str = TipoVoceDiario.REGISTRAZIONE) -> None:
        self._diary.append((cartella, testo, tipo))

    def flush(self) -> None:
        for cartella, testo, tipo in self._diary:
            diary_entry(cartella, self.by, testo, tipo)
        for aggregate, event_type, payload in self._events:
            outbox_append(aggregate=aggregate, event_type=event_type, payload=payload)
        self._diary.clear()
        self._events.clear()


@dataclass
class CaseChange(Change):
    cartella: Cartella | None = None

    def diary(self, testo: str, tipo: str = TipoVoceDiario.REGISTRAZIONE) -> None:
        self.diary_on(self.cartella, testo, tipo)

    def event(self, event_type: str, payload: dict, *, aggregate: models.Model | None = None) -> None:
        super().event(event_type, payload, aggregate=aggregate or self.cartella)


@dataclass
class AssistitoChange(Change):
    assistito: Assistito | None = None

    def event(self, event_type: str, payload: dict, *, aggregate: models.Model | None = None) -> None:
        super().event(event_type, payload, aggregate=aggregate or self.assistito)


def check_actor(cartella: Cartella, by, capability: Capabilities, message: str = REFUSE_ACTOR) -> None:
    """`by` holds the capability on this case through the permission layer: in the owner ente or by an explicit
    change grant (équipe) — what the views ask of the user (get_cartella_for + ensure_capability)."""
    if not Cartella.objects.visible_to(by, capability).filter(pk=cartella.pk).exists():
        raise ValidationError(message)


def lock_cartella(cartella: Cartella | int, *, related: tuple[str, ...] = ()) -> Cartella:
    pk = cartella if isinstance(cartella, int) else cartella.pk
    qs = Cartella.objects.select_for_update(of=("self",))
    return (qs.select_related(*related) if related else qs).get(pk=pk)


def bump_version(locked: Cartella | Assistito) -> None:
    """No history row for the bump: the change itself writes one when it saves."""
    type(locked).objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=timezone.now())
    locked.version += 1


def _refuse_or_bump(locked: Cartella, version: int | None, *, allow_closed: bool, bump: bool) -> None:
    if version is not None and locked.version != version:
        raise ValidationError(STALE_MESSAGE)
    if locked.stato == StatoCartella.CHIUSA and not allow_closed:
        raise ValidationError(CLOSED_MESSAGE)
    if bump:
        bump_version(locked)


def lock_for_change(cartella: Cartella, version: int | None, *, allow_closed: bool = False) -> Cartella:
    """The ritual's first half for a caller already inside a transaction that writes its own diary and events
    (kept for the tiers that still do so; new code uses case_change)."""
    locked = lock_cartella(cartella)
    _refuse_or_bump(locked, version, allow_closed=allow_closed, bump=True)
    return locked


@contextmanager
def case_change(
    cartella: Cartella | int,
    *,
    by,
    version: int | None = None,
    capability: Capabilities | Callable[[Cartella], Capabilities] | None = None,
    refuse_actor: str = REFUSE_ACTOR,
    allow_closed: bool = False,
    bump: bool = True,
    related: tuple[str, ...] = (),
) -> Iterator[CaseChange]:
    """One change of one case. Checks, in this order: who acts (first, so that someone without the right learns
    nothing about the case's state), stale version, closed case. `capability` may depend on the locked case (a
    workflow step); None leaves the check to the caller. `bump=False` for changes that must not tell a concurrent
    editor that "something changed" (ownership, transfers, obscuring)."""
    with transaction.atomic():
        locked = lock_cartella(cartella, related=related)
        if capability is not None:
            needed = capability(locked) if callable(capability) else capability
            check_actor(locked, by, needed, refuse_actor)
        _refuse_or_bump(locked, version, allow_closed=allow_closed, bump=bump)
        change = CaseChange(by=by, cartella=locked)
        yield change
        change.flush()


def lock_assistito(assistito: Assistito, version: int | None) -> Assistito:
    """Lock the person's record, refuse a stale edit or a merged record, bump the version."""
    locked = Assistito.objects.select_for_update().get(pk=assistito.pk)
    if version is not None and locked.version != version:
        raise ValidationError(STALE_ASSISTITO)
    if locked.unito_a_id:
        raise ValidationError(MERGED_MESSAGE)
    Assistito.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    locked.version += 1
    return locked


@contextmanager
def assistito_change(assistito: Assistito, *, by, version: int | None = None) -> Iterator[AssistitoChange]:
    """One change of a person's record (anagrafica, ISEE, relations, contacts): same ritual as case_change."""
    with transaction.atomic():
        change = AssistitoChange(by=by, assistito=lock_assistito(assistito, version))
        yield change
        change.flush()


@contextmanager
def writing(by) -> Iterator[Change]:
    """The ritual for changes that are not tied to one locked row (several people, a case being created):
    one transaction, diary and outbox written on exit."""
    with transaction.atomic():
        change = Change(by=by)
        yield change
        change.flush()
