"""Transactional outbox: services append events inside their own transaction (architecture promise 4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
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
    registered = check_registered(event_type)
    given = aggregate._meta.model_name
    if given != registered.aggregate:
        raise ValueError(f"L'evento «{event_type}» appartiene all'aggregato {registered.aggregate}, non a {given}.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_append va chiamato dentro la transazione del servizio che modifica il dato")
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
