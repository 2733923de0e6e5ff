"""Regional ingestion: schema-checked, idempotent on event_id, gaps per case detected and recorded.

Idempotence lives in EventoRicevuto (one row per event_id, in the same transaction as the event): the event table
is partitioned by month on PostgreSQL and its unique constraints must include the month (partitions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from cse.core.event_schema import validate_event

from .bulk import insert_rows
from .models import EventoRegionale, EventoRicevuto, LacunaSequenza, UltimaSequenza
from .partitions import ensure_months
from .projections import project

DB = "regionale"


# A retraction event names the key of an earlier event that must stop counting (schema v2: an episode obscured by
# the person, DPCM 178/2015 art. 8). Both rows are kept — ingestion stays append-only and idempotent, the case's
# sequence has no gap, a late or re-delivered original is still dropped — and `counted_events` leaves out both.
RETRACTIONS: dict[str, tuple[str, str]] = {
    "cartella.diario_voce_ritirata": ("cartella.diario_voce", "voce_key"),
    "cartella.documento_ritirato": ("cartella.documento_caricato", "documento_key"),  # schema v3
}


def counted_events():
    """The events every regional count reads: retracted events and the retractions themselves are not there."""
    qs = EventoRegionale.objects.exclude(event_type__in=list(RETRACTIONS))
    for retraction, (original, key) in RETRACTIONS.items():
        retracted = EventoRegionale.objects.filter(event_type=retraction)
        keys = [k for k in retracted.values_list(f"payload__data__{key}", flat=True) if k]
        if keys:
            qs = qs.exclude(event_type=original, **{f"payload__data__{key}__in": keys})
    return qs


@dataclass
class IngestResult:
    stored: bool
    duplicate: bool = False
    gap_from: int | None = None


def _columns(event: dict) -> dict:
    """The indexed columns of a stored event, plus the whole (already allow-listed) event as payload."""
    return {
        "event_id": event["event_id"],
        "event_type": event["event_type"],
        "schema_version": event["schema_version"],
        "case_key": event["case_key"],
        "sequence": event["sequence"],
        "ente": event["ente"],
        "soggetto": event["subject"]["pseudonym"],
        "evento_del": date.fromisoformat(event["occurred_on"]),
        "payload": event,
        "ricevuto_il": timezone.now(),
        "ambito": event["subject"]["ambito"] or "",
    }


def _seen(event: dict) -> dict:
    return {"event_id": event["event_id"], "evento_del": date.fromisoformat(event["occurred_on"])}


def ingest_event(event: dict) -> IngestResult:
    """Store one event; receiving the same event_id again changes nothing (at-least-once delivery upstream)."""
    validate_event(event)
    ensure_months([date.fromisoformat(event["occurred_on"])])  # before the transaction: see partitions.py
    return _store_event(event)


@transaction.atomic(using=DB)
def _store_event(event: dict) -> IngestResult:
    if EventoRicevuto.objects.filter(event_id=event["event_id"]).exists():
        return IngestResult(stored=False, duplicate=True)
    last = UltimaSequenza.objects.filter(case_key=event["case_key"]).values_list("sequence", flat=True).first() or 0
    gap_from = last + 1 if event["sequence"] > last + 1 else None
    try:
        with transaction.atomic(using=DB):
            EventoRicevuto.objects.create(**_seen(event))
            EventoRegionale.objects.create(**_columns(event))
            _remember_last({event["case_key"]: max(last, event["sequence"])})
    except IntegrityError:  # a concurrent delivery of the same event won the race
        return IngestResult(stored=False, duplicate=True)
    if gap_from is not None:
        LacunaSequenza.objects.get_or_create(
            case_key=event["case_key"],
            da_sequenza=gap_from,
            ambito=event["subject"]["ambito"] or "",
            defaults={"a_sequenza": event["sequence"] - 1},
        )
    _close_filled_gaps({event["case_key"]})
    project([event])
    return IngestResult(stored=True, gap_from=gap_from)


@dataclass
class BatchResult:
    stored: int = 0
    duplicates: int = 0
    gaps: int = 0


def ingest_batch(events: list[dict]) -> BatchResult:
    """Many events in one transaction (the relay's bulk path): same guarantees as ingest_event — schema checked
    for every event (one bad event refuses the batch, nothing stored), idempotent on event_id, gaps recorded."""
    for event in events:
        validate_event(event)
    # a month's partition is created before the batch's transaction, never while it holds locks on the table
    ensure_months({date.fromisoformat(e["occurred_on"]) for e in events})
    return _store_batch(events)


@transaction.atomic(using=DB)
def _store_batch(events: list[dict]) -> BatchResult:
    ids = [e["event_id"] for e in events]
    known = {str(i) for i in EventoRicevuto.objects.filter(event_id__in=ids).values_list("event_id", flat=True)}
    fresh: dict[str, dict] = {}
    for event in events:
        if event["event_id"] not in known:
            fresh.setdefault(event["event_id"], event)
    result = BatchResult(duplicates=len(events) - len(fresh))
    if not fresh:
        return result
    case_keys = {e["case_key"] for e in fresh.values()}
    last = dict(UltimaSequenza.objects.filter(case_key__in=case_keys).values_list("case_key", "sequence"))
    rows, gaps = [], []
    for event in sorted(fresh.values(), key=lambda e: (e["case_key"], e["sequence"])):
        previous = last.get(event["case_key"], 0)
        if event["sequence"] > previous + 1:
            gaps.append(
                LacunaSequenza(
                    case_key=event["case_key"],
                    da_sequenza=previous + 1,
                    a_sequenza=event["sequence"] - 1,
                    ambito=event["subject"]["ambito"] or "",
                )
            )
        last[event["case_key"]] = max(previous, event["sequence"])
        rows.append(_columns(event))
    insert_rows(EventoRicevuto, [_seen(e) for e in fresh.values()])
    insert_rows(EventoRegionale, rows)
    _remember_last(last)
    project(fresh.values())
    LacunaSequenza.objects.bulk_create(gaps, ignore_conflicts=True)
    _close_filled_gaps(case_keys)
    result.stored, result.gaps = len(rows), len(gaps)
    return result


def _remember_last(last: dict[str, int]) -> None:
    """Store the highest sequence now received for each case (computed in this transaction from the stored one)."""
    UltimaSequenza.objects.bulk_create(
        [UltimaSequenza(case_key=k, sequence=v) for k, v in last.items()],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["case_key"],
        update_fields=["sequence"],
    )


def _close_filled_gaps(case_keys: set[str]) -> None:
    """A gap is closed once every sequence in it has arrived (gaps are rare: one query each)."""
    for gap in LacunaSequenza.objects.filter(case_key__in=case_keys, colmata=False):
        arrived = EventoRegionale.objects.filter(
            case_key=gap.case_key, sequence__gte=gap.da_sequenza, sequence__lte=gap.a_sequenza
        ).count()
        if arrived == gap.a_sequenza - gap.da_sequenza + 1:
            LacunaSequenza.objects.filter(pk=gap.pk).update(colmata=True)
