"""Regional ingestion: schema-checked, idempotent on event_id, gaps per case detected and recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max

from cse.core.event_schema import validate_event

from .models import EventoRegionale, LacunaSequenza

DB = "regionale"


@dataclass
class IngestResult:
    stored: bool
    duplicate: bool = False
    gap_from: int | None = None


@transaction.atomic(using=DB)
def ingest_event(event: dict) -> IngestResult:
    """Store one event; receiving the same event_id again changes nothing (at-least-once delivery upstream)."""
    validate_event(event)
    if EventoRegionale.objects.filter(event_id=event["event_id"]).exists():
        return IngestResult(stored=False, duplicate=True)
    last = EventoRegionale.objects.filter(case_key=event["case_key"]).aggregate(m=Max("sequence"))["m"] or 0
    gap_from = last + 1 if event["sequence"] > last + 1 else None
    try:
        with transaction.atomic(using=DB):
            EventoRegionale.objects.create(
                event_id=event["event_id"],
                event_type=event["event_type"],
                schema_version=event["schema_version"],
                case_key=event["case_key"],
                sequence=event["sequence"],
                ente=event["ente"],
                soggetto=event["subject"]["pseudonym"],
                evento_del=date.fromisoformat(event["occurred_on"]),
                payload=event,
            )
    except IntegrityError:  # a concurrent delivery of the same event won the race
        return IngestResult(stored=False, duplicate=True)
    if gap_from is not None:
        LacunaSequenza.objects.get_or_create(
            case_key=event["case_key"], da_sequenza=gap_from, defaults={"a_sequenza": event["sequence"] - 1}
        )
    LacunaSequenza.objects.filter(
        case_key=event["case_key"], da_sequenza__lte=event["sequence"], a_sequenza__gte=event["sequence"], colmata=False
    ).update(colmata=True)
    return IngestResult(stored=True, gap_from=gap_from)
