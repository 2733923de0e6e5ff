"""Tamper evidence for the access log: a sha256 hash chain over its rows, the verification walk, and the
retention purge that keeps the chain verifiable through an anchor. The database refuses UPDATE/DELETE of young rows
on PostgreSQL (migration core/0007); this module is what proves nothing slipped past it. See docs/audit.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from .models import AccessLog, AuditAnchor, AuditCheck

# Fields covered by the hash, in this order; the row id is not (it is known only after the insert), the links are.
CHAIN_FIELDS = ("at", "user_id", "ente_id", "azione", "oggetto_tipo", "oggetto_id", "assistito_id", "finalita", "ip")
ADVISORY_LOCK_KEY = 0x435345_4155  # "CSE" "AU": one key for every writer of the chain
MIN_RETENTION_MONTHS = 24  # Garante privacy 2015 (dossier sanitario / log degli accessi): at least 24 months
TRIGGER_NAME = "cse_append_only"


def canonical(values: tuple, prev_hash: str) -> bytes:
    """One row as canonical JSON: UTC timestamp with microseconds, ids as numbers, then the previous hash."""
    at, *rest = values
    stamp = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps([stamp, *rest, prev_hash], ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(values: tuple, prev_hash: str) -> str:
    return hashlib.sha256(canonical(values, prev_hash)).hexdigest()


def chain_tip() -> str:
    """Hash the next row links to: the last row's, or after a purge of everything the anchor's, or '' at genesis."""
    last = AccessLog.objects.order_by("-id").values_list("hash", flat=True).first()
    if last is not None:
        return last
    anchor = AuditAnchor.objects.order_by("-id").values_list("hash", flat=True).first()
    return anchor or ""


def _lock_chain() -> None:
    """Serialise chain writers until commit: on PostgreSQL an advisory lock (the next statement then sees the last
    committed row); SQLite allows one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def access_log_append(**fields) -> AccessLog:
    """Insert one access-log row linked to the previous one (one lock + one read more than a plain insert)."""
    ip_field = AccessLog._meta.get_field("ip")
    fields["ip"] = ip_field.get_prep_value(fields.get("ip"))
    with transaction.atomic():
        _lock_chain()
        prev = chain_tip()
        row = AccessLog(at=timezone.now(), prev_hash=prev, **fields)
        row.hash = row_hash(tuple(getattr(row, name) for name in CHAIN_FIELDS), prev)
        row.save(force_insert=True)
    return row


@dataclass
class ChainReport:
    ok: bool
    righe: int
    last_id: int | None
    last_hash: str
    broken_id: int | None = None
    esito: str = ""


def _rows(after_id: int, batch_size: int) -> Iterator[tuple]:
    """Rows in chain order, read in keyset batches so memory stays flat on millions of rows."""
    columns = ("id", *CHAIN_FIELDS, "prev_hash", "hash")
    while True:
        batch = list(AccessLog.objects.filter(id__gt=after_id).order_by("id").values_list(*columns)[:batch_size])
        if not batch:
            return
        yield from batch
        after_id = batch[-1][0]


def verify_access_chain(*, batch_size: int = 5000) -> ChainReport:
    """Walk the chain from the latest anchor; stop at the first row whose content or link does not match."""
    anchor = AuditAnchor.objects.order_by("-id").first()
    prev, start = (anchor.hash, anchor.last_id) if anchor else ("", 0)
    checked = AuditCheck.objects.filter(ok=True, last_id__gt=start).order_by("-id").first()
    tail_seen = checked is None
    count, last_id = 0, None
    for row in _rows(start, batch_size):
        row_id, values, stored_prev, stored = row[0], row[1:-2], row[-2], row[-1]
        if stored_prev != prev:
            where = f"dopo la riga {last_id}" if last_id else "all'inizio della catena"
            esito = f"Catena interrotta alla riga {row_id}: manca, è stata spostata o inserita una riga {where}."
            return ChainReport(False, count, last_id, prev, row_id, esito)
        if row_hash(values, stored_prev) != stored:
            esito = f"Riga {row_id} alterata: il suo contenuto non corrisponde all'hash registrato."
            return ChainReport(False, count, last_id, prev, row_id, esito)
        if checked is not None and row_id == checked.last_id:
            tail_seen = stored == checked.last_hash
        prev, last_id, count = stored, row_id, count + 1
    if not tail_seen:
        when = timezone.localtime(checked.at).strftime("%d/%m/%Y %H:%M")
        esito = f"Mancano righe finali: la riga {checked.last_id}, verificata il {when}, non c'è più o è cambiata."
        return ChainReport(False, count, last_id, prev, checked.last_id, esito)
    return ChainReport(True, count, last_id, prev, esito=f"Registro degli accessi integro: {count} righe verificate.")


def history_models() -> list:
    """Every django-simple-history table of the project (they are append-only like the access log)."""
    return [m for m in apps.get_models() if m.__name__.startswith("Historical")]


def unprotected_tables() -> list[str] | None:
    """Protected tables whose append-only trigger is missing or disabled; None where the database has none (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    tables = [AccessLog._meta.db_table, *(m._meta.db_table for m in history_models())]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND t.tgenabled <> 'D' AND c.relname = ANY(%s)",
            [TRIGGER_NAME, tables],
        )
        protected = {name for (name,) in cursor.fetchall()}
    return sorted(set(tables) - protected)


def audit_check_record(report: ChainReport) -> AuditCheck:
    return AuditCheck.objects.create(
        ok=report.ok, righe=report.righe, last_id=report.last_id, last_hash=report.last_hash, esito=report.esito[:300]
    )


# --- retention ---------------------------------------------------------------------------------------------------


def retention_months() -> int:
    return max(MIN_RETENTION_MONTHS, int(getattr(settings, "CSE_AUDIT_RETENTION_MONTHS", MIN_RETENTION_MONTHS)))


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """Same day and time `months` earlier (clamped to the month's last day: 31 March − 1 month = 28/29 February)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    day = min(moment.day, (next_first - dt.timedelta(days=1)).day)
    return moment.replace(year=year, month=month, day=day)


def earliest_allowed_cutoff() -> dt.datetime:
    """The youngest cutoff a purge accepts: now minus the retention period."""
    return months_before(timezone.now(), retention_months())


@dataclass
class PurgeResult:
    righe_accessi: int
    righe_storico: int
    anchor: AuditAnchor | None


def audit_purge(*, cutoff: dt.datetime) -> PurgeResult:
    """Delete access-log and history rows older than `cutoff`, never younger than the retention period; the last
    purged row's hash becomes the anchor the chain is verified from. Refused while the chain is broken, so a purge
    cannot bury evidence of tampering."""
    limit = earliest_allowed_cutoff()
    if cutoff > limit:
        raise ValidationError(
            f"Data limite troppo recente: i registri si conservano almeno {retention_months()} mesi, "
            f"si può eliminare solo ciò che precede il {timezone.localtime(limit):%d/%m/%Y}."
        )
    report = verify_access_chain()
    if not report.ok:
        raise ValidationError(f"Eliminazione rifiutata: la catena non è integra. {report.esito}")
    with transaction.atomic():
        _lock_chain()
        anchor_row = AuditAnchor.objects.order_by("-id").first()
        prefix = AccessLog.objects.filter(id__gt=anchor_row.last_id if anchor_row else 0)
        first_young = AccessLog.objects.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        if first_young is not None:
            prefix = prefix.filter(id__lt=first_young)  # a prefix of the chain: ids follow the lock, not the clock
        last = prefix.order_by("-id").values_list("id", "hash").first()
        deleted, anchor = 0, None
        with connection.cursor() as cursor:
            if last is not None:
                table = connection.ops.quote_name(AccessLog._meta.db_table)
                cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last[0]])  # noqa: S608 — table name from _meta
                deleted = cursor.rowcount
                anchor = AuditAnchor.objects.create(
                    cutoff=cutoff, last_id=last[0], hash=last[1], righe_eliminate=deleted
                )
            history = 0
            for model in history_models():
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table} WHERE history_date < %s", [cutoff])  # noqa: S608
                history += cursor.rowcount
    return PurgeResult(righe_accessi=deleted, righe_storico=history, anchor=anchor)
