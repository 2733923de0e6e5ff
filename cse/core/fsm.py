"""One state-machine primitive for every workflow: a declarative table of named, guarded transitions.

In-house rather than django-fsm-2: our workflows already are tables with guards that return the Italian list of what
is missing (not a bool), the capability is checked through our permission layer, the event goes to our outbox, and
callers keep their own row locks and saves; a decorator-based library would own none of that and add a dependency.

The machine never locks, saves or opens a transaction: `apply` checks, sets the state field and records the event in
the caller's transaction; the caller saves the object (and writes its history) exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from .events import check_registered
from .outbox import outbox_append

Guard = Callable[[Any], list[str]]
Capability = str | tuple[str, ...]


@dataclass(frozen=True)
class Transition:
    name: str
    source: str | tuple[str, ...]
    target: str
    label: str
    guard: Guard | None = None  # obj -> the Italian problems that stand in the way; empty when allowed
    capability: Capability | None = None  # who may take the step (checked by the machine's `may`, or by the caller)
    event: str | None = None  # outbox event type recorded by `apply`

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


@dataclass(frozen=True)
class StateMachine:
    """`states` gives the labels (a TextChoices class); `may(obj, by, capability)` checks the actor, refused with
    `refuse_actor` (a message, or one per transition); `illegal(obj, t)` replaces the default message for a step not
    allowed from the current state (a workflow's own wording)."""

    name: str
    field: str
    transitions: tuple[Transition, ...]
    states: Callable[[str], Any] | None = None
    may: Callable[[Any, Any, Capability], bool] | None = None
    refuse_actor: str | Callable[[Transition], str] = "Non si è abilitati a questo passaggio."
    illegal: Callable[[Any, Transition], list[str]] | None = None

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: nomi di transizione ripetuti")
        for t in self.transitions:
            if t.event:
                check_registered(t.event)

    def label(self, state: str) -> str:
        return str(self.states(state).label) if self.states else state

    def get(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def from_state(self, state: str) -> list[Transition]:
        """The steps legal from `state` (guards not evaluated): what a page offers, each with its refusal."""
        return [t for t in self.transitions if state in t.sources]

    def find(self, source: str, target: str) -> Transition | None:
        return next((t for t in self.from_state(source) if t.target == target), None)

    def available(self, obj: Any) -> list[Transition]:
        """The steps that `apply` would accept now, the actor aside."""
        return [t for t in self.from_state(getattr(obj, self.field)) if not self.refusal(obj, t.name)]

    def refusal(self, obj: Any, name: str) -> list[str]:
        """Everything that stands between `obj` and the step `name`; empty when it is allowed."""
        transition = self.get(name)
        if transition is None:
            return [f"Passaggio «{name}» sconosciuto per {self.name}."]
        current = getattr(obj, self.field)
        if current not in transition.sources:
            return self.illegal(obj, transition) if self.illegal else self._illegal(current, transition)
        return list(transition.guard(obj)) if transition.guard else []

    def _illegal(self, current: str, transition: Transition) -> list[str]:
        nexts = _join(f"«{t.label}»" for t in self.from_state(current))
        where = f"Nello stato «{self.label(current)}» non si può: {transition.label}."
        return [f"{where} Passaggi possibili: {nexts}." if nexts else f"{where} Non sono possibili altri passaggi."]

    def check_actor(self, obj: Any, name: str, by: Any) -> None:
        transition = self.get(name)
        if self.may is None or transition is None or transition.capability is None:
            return
        if not self.may(obj, by, transition.capability):
            refuse = self.refuse_actor
            raise ValidationError(refuse if isinstance(refuse, str) else refuse(transition))

    def apply(self, obj: Any, name: str, *, by: Any, payload: dict | None = None, aggregate: Any = None) -> Transition:
        """Check actor and guard, set the state field, record the event (on `aggregate`, default `obj`). No save."""
        self.check_actor(obj, name, by)
        problems = self.refusal(obj, name)
        if problems:
            raise ValidationError(problems)
        transition = self.get(name)
        setattr(obj, self.field, transition.target)
        if transition.event:
            outbox_append(
                aggregate=obj if aggregate is None else aggregate, event_type=transition.event, payload=payload or {}
            )
        return transition


def _join(labels: Iterable[str]) -> str:
    return " o ".join(labels)
