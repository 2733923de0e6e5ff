"""Monthly partitions of the regional event table (PostgreSQL only; SQLite keeps one plain table).

The table is partitioned by RANGE on `evento_del` (the day the event happened, part of the event itself: a
re-delivery always lands in the same month). One partition per month, created ahead by `crea_partizioni` (cron,
monthly) and on demand by the ingestion for a month not seen before (back-dated events); a DEFAULT partition takes
anything else, so no event is ever refused for lack of a partition. An old month is detached with
`stacca_partizione YYYY-MM` (ALTER TABLE … DETACH PARTITION): the table stays, outside the store, to be archived.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connections, transaction

DB = "regionale"
TABLE = "regionale_eventoregionale"
DEFAULT_PARTITION = f"{TABLE}_default"

_known: set[date] = set()  # months whose partition this process has seen: no catalog query per batch


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_p{month:%Y_%m}"


def is_partitioned() -> bool:
    connection = connections[DB]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return cursor.fetchone() is not None


def existing_months() -> set[date]:
    """The months that have their own partition (the default one excluded)."""
    with connections[DB].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [r[0] for r in cursor.fetchall()]
    prefix = f"{TABLE}_p"
    return {date(int(n[len(prefix) :][:4]), int(n[-2:]), 1) for n in names if n.startswith(prefix)}


def ensure_months(days: Iterable[date]) -> list[date]:
    """Create the missing partitions of these days' months; returns the months created.

    A month whose events already went to the default partition is left there (PostgreSQL refuses a new partition
    that would have to take rows from the default one): `crea_partizioni --sposta` moves them out later."""
    if connections[DB].vendor != "postgresql":
        return []
    wanted = {month_of(d) for d in days} - _known
    if not wanted:
        return []
    present = existing_months()
    _known.update(present)
    created = []
    for month in sorted(wanted - present):
        if _create(month):
            created.append(month)
    return created


def _create(month: date) -> bool:
    q = connections[DB].ops.quote_name
    end = next_month(month)
    with transaction.atomic(using=DB), connections[DB].cursor() as cursor:
        # one creator at a time, and no insert into the default partition meanwhile (the check below stays true)
        cursor.execute(f"LOCK TABLE {q(DEFAULT_PARTITION)} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT to_regclass(%s)", [partition_name(month)])
        if month in existing_months() or cursor.fetchone()[0]:  # made meanwhile, or detached (its events: default)
            _known.add(month)
            return False
        cursor.execute(
            f"SELECT 1 FROM {q(DEFAULT_PARTITION)} WHERE evento_del >= %s AND evento_del < %s LIMIT 1",  # noqa: S608
            [month, end],
        )
        if cursor.fetchone():
            return False
        cursor.execute(
            f"CREATE TABLE {q(partition_name(month))} PARTITION OF {q(TABLE)} "
            f"FOR VALUES FROM ('{month.isoformat()}') TO ('{end.isoformat()}')"
        )
    _known.add(month)
    return True


def create_ahead(months: int, *, start: date | None = None) -> list[date]:
    """The partitions of the current month and the next `months` ones (what cron runs once a month)."""
    month = month_of(start or date.today())
    days = []
    for _ in range(months + 1):
        days.append(month)
        month = next_month(month)
    return ensure_months(days)


def move_out_of_default() -> list[date]:
    """Give the months stranded in the default partition their own partition, moving their rows there.

    In one transaction per month: the rows are copied into a new table, deleted from the default partition, and
    the table is attached as the month's partition (PostgreSQL checks the range while attaching)."""
    q = connections[DB].ops.quote_name
    with connections[DB].cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT date_trunc('month', evento_del)::date FROM {q(DEFAULT_PARTITION)}")  # noqa: S608
        months = sorted(r[0] for r in cursor.fetchall())
    for month in months:
        name, end = q(partition_name(month)), next_month(month)
        bounds = f"FROM ('{month.isoformat()}') TO ('{end.isoformat()}')"
        where = "evento_del >= %s AND evento_del < %s"
        with transaction.atomic(using=DB), connections[DB].cursor() as cursor:
            cursor.execute(f"LOCK TABLE {q(TABLE)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"CREATE TABLE {name} (LIKE {q(TABLE)} INCLUDING DEFAULTS)")
            cursor.execute(f"INSERT INTO {name} SELECT * FROM {q(DEFAULT_PARTITION)} WHERE {where}", [month, end])  # noqa: S608
            cursor.execute(f"DELETE FROM {q(DEFAULT_PARTITION)} WHERE {where}", [month, end])  # noqa: S608
            cursor.execute(f"ALTER TABLE {q(TABLE)} ATTACH PARTITION {name} FOR VALUES {bounds}")
        _known.add(month)
    return months


class NotDetachable(Exception):
    pass


def detach(month: date) -> str:
    """Detach a month's partition: its events leave the store (and every count), the table stays for archiving.

    Refused while the month holds events the DSS has not received in a batch yet (they would never be sent)."""
    q = connections[DB].ops.quote_name
    month = month_of(month)
    if month not in existing_months():
        raise NotDetachable(f"Nessuna partizione per {month:%Y-%m}.")
    name = partition_name(month)
    with transaction.atomic(using=DB), connections[DB].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {q(name)} WHERE lotto_dss_id IS NULL")  # noqa: S608
        unsent = cursor.fetchone()[0]
        if unsent:
            raise NotDetachable(f"{unsent} eventi di {month:%Y-%m} non ancora inviati al DSS: invia prima i lotti.")
        cursor.execute(f"ALTER TABLE {q(TABLE)} DETACH PARTITION {q(name)}")
    _known.discard(month)
    return name
