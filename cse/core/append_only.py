"""Append-only at the database level (PostgreSQL): the access log and every simple-history table refuse UPDATE, and
DELETE of rows younger than the legal retention (24 months), whatever the client — see docs/audit.md.

Installed by migration core/0007 and again after every `migrate` (post_migrate), so a history table added by a
later migration of any app is covered without anyone remembering to do it. Idempotent: only missing triggers are
created. SQLite (demo, tests) keeps the application-level guard: its test flush is a row-by-row DELETE.
"""

from __future__ import annotations

from django.db import router

ACCESSLOG_FUNCTION = """
CREATE OR REPLACE FUNCTION cse_accesslog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '24 months' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Registro degli accessi in sola aggiunta: non si cancellano righe più recenti di 24 mesi.';
    END IF;
    RAISE EXCEPTION 'Registro degli accessi in sola aggiunta: le righe non si modificano.';
END $$;
"""
HISTORY_FUNCTION = """
CREATE OR REPLACE FUNCTION cse_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.history_date < now() - interval '24 months' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Storico delle modifiche in sola aggiunta: non si cancellano righe più recenti di 24 mesi (%).',
            TG_TABLE_NAME;
    END IF;
    RAISE EXCEPTION 'Storico delle modifiche in sola aggiunta: le righe non si modificano (%).', TG_TABLE_NAME;
END $$;
"""
TRIGGER = "cse_append_only"


def protected_tables(apps, alias: str) -> list[tuple[str, str]]:
    """The access log and every simple-history table migrated on this database (none on the regional alias)."""
    tables = []
    for model in apps.get_models():
        if not router.allow_migrate_model(alias, model):
            continue
        if model._meta.label == "core.AccessLog":
            tables.append((model._meta.db_table, "cse_accesslog_append_only"))
        elif model.__name__.startswith("Historical"):
            tables.append((model._meta.db_table, "cse_history_append_only"))
    return tables


def install_append_only_triggers(apps, connection) -> int:
    """Create the functions and the triggers still missing; returns how many triggers were created."""
    if connection.vendor != "postgresql":
        return 0
    tables = protected_tables(apps, connection.alias)
    if not tables:
        return 0
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        present = {name.strip('"') for (name,) in cursor.fetchall()}
        missing = [(table, function) for table, function in tables if table not in present]
        if not missing:
            return 0
        cursor.execute(ACCESSLOG_FUNCTION)  # no parameters: RAISE uses % placeholders of its own
        cursor.execute(HISTORY_FUNCTION)
        for table, function in missing:
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {quote(table)} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
    return len(missing)


def drop_append_only_triggers(apps, connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, _function in protected_tables(apps, connection.alias):
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {connection.ops.quote_name(table)}")
        cursor.execute("DROP FUNCTION IF EXISTS cse_accesslog_append_only()")
        cursor.execute("DROP FUNCTION IF EXISTS cse_history_append_only()")


def append_only_after_migrate(sender, using: str = "default", **kwargs) -> None:
    from django.apps import apps
    from django.db import connections

    install_append_only_triggers(apps, connections[using])
