"""The access log is hash-chained and verifiable, the purge keeps ≥ 24 months and the chain through an anchor, and on
PostgreSQL the database itself refuses to change or delete audit rows (audit integrity)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cse.cartella.models import Assistito
from cse.core.audit import log_access
from cse.core.audit_chain import (
    TRIGGER_NAME,
    months_before,
    unprotected_tables,
    verify_access_chain,
)
from cse.core.models import AccessLog, AuditAnchor, AuditCheck
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import neighbour_comune, resident

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers exist on PostgreSQL only")


def _read(person, worker, n: int) -> list[AccessLog]:
    """n reads of the person by an operator, as the selectors log them."""
    return [
        log_access(
            user=worker,
            assistito_id=person.pk,
            oggetto_tipo="assistito",
            oggetto_id=person.pk,
            ente_id=person.owner_ente_id,
            finalita=f"lettura {i}",
        )
        for i in range(n)
    ]


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@contextmanager
def _trigger_off(table: str = "core_accesslog"):
    """Play the attacker with the owner's rights: on PostgreSQL switch the append-only trigger off inside the test's
    transaction (rolled back with it); SQLite has no trigger to switch off."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while deferred FK checks wait
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGER_NAME}")
        yield
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGER_NAME}")
    else:
        yield


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


# --- the chain ---------------------------------------------------------------------------------------------------


def test_normal_use_leaves_a_chain_that_verifies_with_an_italian_count(person, worker, client):
    case = CartellaFactory(assistito=person, by=worker)
    client.force_login(worker)
    client.get(reverse("locale:cartella_detail", kwargs={"pk": case.pk}))
    client.get(reverse("locale:assistito_detail", kwargs={"pk": person.pk}))
    first, second = AccessLog.objects.order_by("id")
    assert first.prev_hash == "" and second.prev_hash == first.hash and len(second.hash) == 64
    assert "Registro degli accessi integro: 2 righe verificate." in _verify()
    check = AuditCheck.objects.get()
    assert check.ok and check.righe == 2 and check.last_id == second.pk


def test_the_walk_reads_in_batches_and_still_sees_every_row(person, worker):
    _read(person, worker, 7)
    report = verify_access_chain(batch_size=2)
    assert report.ok and report.righe == 7


def test_a_row_altered_by_raw_sql_is_named(person, worker):
    rows = _read(person, worker, 4)
    with _trigger_off():
        _sql("UPDATE core_accesslog SET finalita = %s WHERE id = %s", ["ritoccata", rows[2].pk])
        with pytest.raises(CommandError, match=f"Riga {rows[2].pk} alterata"):
            _verify()
    assert not AuditCheck.objects.get().ok


def test_a_timestamp_moved_by_one_microsecond_is_caught(person, worker):
    rows = _read(person, worker, 3)
    with _trigger_off():
        _sql("UPDATE core_accesslog SET at = %s WHERE id = %s", [rows[1].at + dt.timedelta(microseconds=1), rows[1].pk])
        assert verify_access_chain().broken_id == rows[1].pk


def test_a_row_deleted_in_the_middle_breaks_the_chain_at_the_next_row(person, worker):
    rows = _read(person, worker, 5)
    with _trigger_off():
        _sql("DELETE FROM core_accesslog WHERE id = %s", [rows[2].pk])
        with pytest.raises(CommandError, match=f"Catena interrotta alla riga {rows[3].pk}.*dopo la riga {rows[1].pk}"):
            _verify()


def test_two_rows_swapped_are_caught(person, worker):
    rows = _read(person, worker, 4)
    a, b = rows[1], rows[2]
    with _trigger_off():
        for row, other in ((a, b), (b, a)):
            _sql(
                "UPDATE core_accesslog SET at = %s, finalita = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [other.at, other.finalita, other.prev_hash, other.hash, row.pk],
            )
        assert verify_access_chain().broken_id == a.pk


def test_rows_cut_from_the_end_after_a_verification_are_caught(person, worker):
    rows = _read(person, worker, 4)
    _verify()
    with _trigger_off():
        _sql("DELETE FROM core_accesslog WHERE id >= %s", [rows[2].pk])
        with pytest.raises(CommandError, match=f"Mancano righe finali: la riga {rows[3].pk}"):
            _verify()


def test_the_ente_admin_sees_the_chain_status_and_downloads_the_log_as_csv(comune, person, worker, client):
    other_comune = neighbour_comune()
    other_worker = OperatoreFactory(ente=other_comune, ruolo="assistente_sociale")
    other_person = resident(other_comune)
    _read(person, worker, 2)
    _read(person, other_worker, 1)  # logged against the comune's person: still the comune's log
    client.force_login(OperatoreFactory(ente=comune, ruolo="amministratore_ente"))
    url = reverse("ente_accessi", kwargs={"pk": comune.pk})
    assert "non è ancora stata verificata" in client.get(url).content.decode()
    _verify()
    assert "integro: 3 righe verificate" in client.get(url).content.decode()
    csv_url = reverse("ente_accessi_csv", kwargs={"pk": comune.pk})
    body = client.get(csv_url, {"assistito": person.pk}).content.decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("data_ora;operatore") and len(lines) == 4
    assert worker.get_username() in body
    assert client.get(csv_url, {"assistito": other_person.pk}).content.decode().count("\n") == 1
    assert client.get(reverse("ente_accessi_csv", kwargs={"pk": other_comune.pk})).status_code == 404


# --- retention ---------------------------------------------------------------------------------------------------


def _old_reads(person, worker, n: int, years_ago: int = 3) -> list[AccessLog]:
    """Reads written `years_ago` years back: the clock, not the rows, is moved (rows cannot be updated)."""
    then = timezone.now() - dt.timedelta(days=365 * years_ago)
    with mock.patch.object(timezone, "now", return_value=then):
        return _read(person, worker, n)


def test_purge_refuses_a_cutoff_younger_than_24_months_and_deletes_nothing(person, worker, settings):
    _old_reads(person, worker, 2)
    _read(person, worker, 2)
    before = AccessLog.objects.count()
    with pytest.raises(CommandError, match="almeno 24 mesi"):
        call_command("purge_audit", "--months", "12")
    recent = (timezone.now() - dt.timedelta(days=400)).date().isoformat()
    with pytest.raises(CommandError, match="almeno 24 mesi"):
        call_command("purge_audit", "--before", recent)
    settings.CSE_AUDIT_RETENTION_MONTHS = 6  # a configured value below the legal minimum is raised to 24
    with pytest.raises(CommandError, match="almeno 24 mesi"):
        call_command("purge_audit", "--months", "12")
    settings.CSE_AUDIT_RETENTION_MONTHS = 36
    with pytest.raises(CommandError, match="almeno 36 mesi"):
        call_command("purge_audit", "--months", "30")
    assert AccessLog.objects.count() == before and not AuditAnchor.objects.exists()


def test_purge_removes_only_old_rows_and_the_chain_verifies_from_the_anchor(person, worker):
    old = _old_reads(person, worker, 3)
    person = Assistito.objects.get(pk=person.pk)
    person._history_date = timezone.now() - dt.timedelta(days=365 * 3)
    person.save()  # one history row three years old (simple-history takes the date from the instance)
    young = _read(person, worker, 2)
    history = Assistito.history.count()
    out = StringIO()
    call_command("purge_audit", stdout=out)
    assert "Eliminate 3 righe del registro degli accessi e 1 righe di storico" in out.getvalue()
    assert list(AccessLog.objects.order_by("id").values_list("id", flat=True)) == [r.pk for r in young]
    assert Assistito.history.count() == history - 1
    anchor = AuditAnchor.objects.get()
    assert (anchor.last_id, anchor.hash, anchor.righe_eliminate) == (old[-1].pk, old[-1].hash, 3)
    assert "integro: 2 righe verificate" in _verify()
    _read(person, worker, 1)
    assert "integro: 3 righe verificate" in _verify()


def test_purge_of_everything_old_keeps_linking_new_rows_to_the_anchor(person, worker):
    old = _old_reads(person, worker, 2)
    call_command("purge_audit", stdout=StringIO())
    assert not AccessLog.objects.exists()
    (new,) = _read(person, worker, 1)
    assert new.prev_hash == old[-1].hash
    assert "integro: 1 righe verificate" in _verify()


def test_purge_is_refused_while_the_chain_is_broken(person, worker):
    rows = _old_reads(person, worker, 3)
    with _trigger_off():
        _sql("UPDATE core_accesslog SET finalita = %s WHERE id = %s", ["x", rows[0].pk])
        with pytest.raises(CommandError, match="la catena non è integra"):
            call_command("purge_audit")
    assert AccessLog.objects.count() == 3


def test_months_before_clamps_to_the_end_of_the_month():
    moment = dt.datetime(2026, 3, 31, 10, 0, tzinfo=dt.UTC)
    assert months_before(moment, 24) == dt.datetime(2024, 3, 31, 10, 0, tzinfo=dt.UTC)
    assert months_before(moment, 25) == dt.datetime(2024, 2, 29, 10, 0, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 1) == dt.datetime(2025, 12, 15, tzinfo=dt.UTC)


# --- the database refuses (PostgreSQL) ---------------------------------------------------------------------------


@on_postgres
def test_postgres_refuses_update_and_delete_of_access_log_rows_whatever_the_client(person, worker):
    (row,) = _read(person, worker, 1)
    for statement in (
        "UPDATE core_accesslog SET finalita = 'x' WHERE id = %s",
        "DELETE FROM core_accesslog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="sola aggiunta"), transaction.atomic():
            _sql(statement, [row.pk])
    assert AccessLog.objects.get(pk=row.pk).finalita == row.finalita


@on_postgres
def test_postgres_refuses_to_change_or_delete_young_history_rows(person):
    assert Assistito.history.model._meta.db_table == "cartella_historicalassistito"
    row = Assistito.history.order_by("history_id").first()
    for statement in (
        "UPDATE cartella_historicalassistito SET cognome = 'X' WHERE history_id = %s",
        "DELETE FROM cartella_historicalassistito WHERE history_id = %s",
    ):
        with pytest.raises(DatabaseError, match="Storico delle modifiche in sola aggiunta"), transaction.atomic():
            _sql(statement, [row.history_id])
    assert Assistito.history.filter(history_id=row.history_id).exists()


@on_postgres
def test_postgres_lets_only_rows_older_than_24_months_be_deleted(person, worker):
    (old,) = _old_reads(person, worker, 1)
    (young,) = _read(person, worker, 1)
    _sql("DELETE FROM core_accesslog WHERE id = %s", [old.pk])
    with pytest.raises(DatabaseError, match="più recenti di 24 mesi"), transaction.atomic():
        _sql("DELETE FROM core_accesslog WHERE id = %s", [young.pk])
    assert list(AccessLog.objects.values_list("id", flat=True)) == [young.pk]


@on_postgres
def test_every_history_table_of_the_project_carries_the_trigger(db):
    """A new simple-history model without the trigger fails here (install it with a migration like core/0007)."""
    assert unprotected_tables() == []


@on_postgres
def test_verify_reports_a_disabled_trigger(person, worker):
    _read(person, worker, 1)
    _sql("SET CONSTRAINTS ALL IMMEDIATE")
    _sql(f"ALTER TABLE cartella_historicalcartella DISABLE TRIGGER {TRIGGER_NAME}")
    with pytest.raises(CommandError, match="cartella_historicalcartella"):
        _verify()


def test_without_database_triggers_verify_says_the_protection_is_only_in_the_application(db):
    if connection.vendor == "postgresql":
        assert "Trigger in sola aggiunta attivi" in _verify()
    else:
        assert unprotected_tables() is None
        assert "solo applicativa" in _verify()
