"""Transactional outbox: services append events inside their own transaction (architecture promise 4)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.utils.module_loading import import_string

from .events import check_registered
from .models import OutboxEvent


def outbox_append(*, aggregate: models.Model, event_type: str, payload: dict, schema_version: int = 1) -> OutboxEvent:
    """Append an event with the next per-aggregate sequence number; must run inside the caller's transaction.

    The caller holds a row lock on the aggregate (select_for_update), so sequence numbers cannot collide;
    the unique constraint would refuse a collision anyway. An event type missing from the registry (cse.core.events),
    or appended to another aggregate than the registered one, is refused: the registry cannot drift from what the
    product really emits.
    """
    _check_append(type(aggregate), event_type)
    aggregate_type = aggregate._meta.label_lower
    last = (
        OutboxEvent.objects.filter(aggregate_type=aggregate_type, aggregate_id=aggregate.pk)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    if settings.CSE_RELAY_INLINE:
        transaction.on_commit(import_string("cse.cartella.relay.relay_after_commit"))
    return OutboxEvent.objects.create(
        aggregate_type=aggregate_type,
        aggregate_id=aggregate.pk,
        sequence=(last or 0) + 1,
        event_type=event_type,
        schema_version=schema_version,
        payload=payload,
    )


def _check_append(model: type[models.Model], event_type: str) -> None:
    registered = check_registered(event_type)
    given = model._meta.model_name
    if given != registered.aggregate:
        raise ValueError(f"L'evento «{event_type}» appartiene all'aggregato {registered.aggregate}, non a {given}.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_append va chiamato dentro la transazione del servizio che modifica il dato")


def outbox_append_many(
    *, model: type[models.Model], event_type: str, items: Sequence[tuple[int, dict]], schema_version: int = 1
) -> list[OutboxEvent]:
    """The events of a batch, `(aggregate id, payload)` in order: the same checks and sequence numbers as calling
    `outbox_append` once per item, in two queries (the last sequence of every aggregate, one bulk insert) instead
    of two per event. Same rule: inside the caller's transaction, aggregates locked by the caller."""
    _check_append(model, event_type)
    if not items:
        return []
    aggregate_type = model._meta.label_lower
    last = dict(
        OutboxEvent.objects.filter(aggregate_type=aggregate_type, aggregate_id__in={pk for pk, _ in items})
        .order_by()
        .values("aggregate_id")
        .annotate(last=Max("sequence"))
        .values_list("aggregate_id", "last")
    )
    events = []
    for pk, payload in items:
        last[pk] = last.get(pk, 0) + 1
        events.append(
            OutboxEvent(
                aggregate_type=aggregate_type,
                aggregate_id=pk,
                sequence=last[pk],
                event_type=event_type,
                schema_version=schema_version,
                payload=payload,
            )
        )
    if settings.CSE_RELAY_INLINE:
        transaction.on_commit(import_string("cse.cartella.relay.relay_after_commit"))
    return OutboxEvent.objects.bulk_create(events)
