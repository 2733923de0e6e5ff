"""Outbox relay: delivers pseudonymised events to the regional tier at least once, in order per case.

Crash-safety comes from the order of the steps: an event is marked sent only after the sender returned. A crash
before sending leaves it unsent (it goes next time); a crash after sending but before marking sends it again, and the
regional ingestion ignores the repeated event_id. If one event of a case cannot be delivered, the later events of that
case wait, so the region never sees a case's events out of order because of a failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from cse.core.events import REGIONAL_AGGREGATES
from cse.core.models import OutboxEvent

from .regional_events import build_regional_event

log = logging.getLogger(__name__)
# Only the case aggregates reach the region; local events (bandi: cse/core/events.py) are read by local workers.
RELAYED_AGGREGATE_TYPES = tuple(f"cartella.{name}" for name in REGIONAL_AGGREGATES)


@dataclass
class RelayReport:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


def default_sender() -> Callable[[dict], object]:
    return import_string(settings.CSE_REGIONAL_SENDER)


def relay_outbox(*, batch_size: int = 500, sender: Callable[[dict], object] | None = None) -> RelayReport:
    send = sender or default_sender()
    report = RelayReport()
    blocked: set[tuple[str, int]] = set()
    unsent = OutboxEvent.objects.filter(sent_at__isnull=True, aggregate_type__in=RELAYED_AGGREGATE_TYPES)
    for event in unsent.order_by("id")[:batch_size]:
        case = (event.aggregate_type, event.aggregate_id)
        if case in blocked:
            report.waiting += 1
            continue
        try:
            send(build_regional_event(event))
        except Exception as exc:  # noqa: BLE001 — any failure: retry later, keep the case's order
            blocked.add(case)
            report.failed += 1
            report.errors.append(f"{event.event_id}: {exc}")
            log.warning("relay: evento %s non consegnato: %s", event.event_id, exc)
            continue
        OutboxEvent.objects.filter(pk=event.pk, sent_at__isnull=True).update(sent_at=timezone.now())
        report.sent += 1
    return report


def relay_after_commit() -> None:
    """Demo mode: deliver right after the transaction that wrote the events (production runs a worker)."""
    try:
        relay_outbox()
    except Exception:  # noqa: BLE001 — never break the operator's request; the events stay in the outbox
        log.exception("relay in-process non riuscito")
