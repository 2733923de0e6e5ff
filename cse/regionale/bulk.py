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
