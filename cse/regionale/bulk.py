"""Bulk writes of the regional store: PostgreSQL COPY at regional scale, Django's bulk_create elsewhere.

Ingestion and derivations write millions of rows; building model instances and binding parameters costs more than
the database itself, so on PostgreSQL rows are streamed with COPY (psycopg 3) — same columns, same values.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, models
from psycopg.types.json import Jsonb

DB = "regionale"


def insert_rows(model: type[models.Model], rows: Iterable[dict], *, batch_size: int = 2000) -> int:
    """Insert plain field → value dicts (no signals, no save(): the regional tables have neither)."""
    rows = list(rows)
    if not rows:
        return 0
    connection = connections[DB]
    if connection.vendor != "postgresql":
        model.objects.using(DB).bulk_create([model(**row) for row in rows], batch_size=batch_size)
        return len(rows)
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    json_columns = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    connection.ensure_connection()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = [row[name] for name in names]
            for i in json_columns:
                values[i] = Jsonb(values[i])
            copy.write_row(values)
    return len(rows)


def upsert_newer(model: type[models.Model], rows: dict[str, dict], *, key: str, order: str) -> None:
    """Insert rows, or replace the stored row with the same `key` only where the new `order` value is greater
    (an older event never overwrites a newer one). One COPY + one INSERT … ON CONFLICT on PostgreSQL.

    The table's unique key is (`key`, ambito), so it can be distributed by ambito; there is still one row per
    `key`: when a newer row comes with another ambito (the person moved), the older row is deleted, and a row
    older than the stored one of another ambito is dropped."""
    if not rows:
        return
    if connections[DB].vendor != "postgresql":
        _upsert_newer_portable(model, rows, key=key, order=order)
        return
    connection = connections[DB]
    names = list(next(iter(rows.values())))
    # identifiers come from the model's metadata, never from input, and are quoted
    q = connection.ops.quote_name
    table, temp = q(model._meta.db_table), q(f"tmp_{model._meta.db_table}")
    cols = [model._meta.get_field(n).column for n in names]
    columns = ", ".join(q(c) for c in cols)
    updates = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in cols if c not in (key, "ambito"))
    moved = f"t.{q(key)} = n.{q(key)} AND t.ambito <> n.ambito"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(f"CREATE TEMP TABLE {temp} AS SELECT {columns} FROM {table} WITH NO DATA")  # noqa: S608
        with cursor.cursor.copy(f"COPY {temp} ({columns}) FROM STDIN") as copy:
            for row in rows.values():
                copy.write_row([row[n] for n in names])
        cursor.execute(f"DELETE FROM {table} t USING {temp} n WHERE {moved} AND t.{q(order)} < n.{q(order)}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {temp} n "  # noqa: S608
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {moved}) "
            f"ON CONFLICT ({q(key)}, ambito) DO UPDATE SET {updates} WHERE {table}.{q(order)} < EXCLUDED.{q(order)}"
        )
        cursor.execute(f"DROP TABLE {temp}")


def _upsert_newer_portable(model: type[models.Model], rows: dict[str, dict], *, key: str, order: str) -> None:
    """The same as upsert_newer's SQL, with the ORM (SQLite)."""
    manager = model.objects.using(DB)
    names = list(next(iter(rows.values())))
    stored: dict[str, tuple[int, str]] = {}
    for k, o, a in manager.filter(**{f"{key}__in": list(rows)}).values_list(key, order, "ambito"):
        stored[k] = max(stored.get(k, (0, "")), (o, a))
    newer = {k: r for k, r in rows.items() if stored.get(k, (0, ""))[0] < r[order]}
    for k, r in newer.items():
        if k in stored and stored[k][1] != r["ambito"]:
            manager.filter(**{key: k}).exclude(ambito=r["ambito"]).delete()
    manager.bulk_create(
        [model(**r) for r in newer.values()],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=[key, "ambito"],
        update_fields=[n for n in names if n not in (key, "ambito")],
    )
