"""The task queue with the production (database) backend: a booking's e-mail is queued in the booking's own
transaction, run by the worker, retried when the mail server fails — and never queued for a rolled-back booking."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from cse.cittadino.selectors import free_slots
from cse.cittadino.services import prenotazione_create
from tests.support.factories import make_sportello
from tests.support.territory import build_territory

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS  # django-tasks resets its backends on setting_changed
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"


def book(sportello, email="anna@example.invalid"):
    return prenotazione_create(
        slot_id=free_slots(sportello).order_by("inizio").first().pk,
        nome="Anna",
        cognome="Coda",
        email=email,
        comune_residenza=sportello.ente.comune,
        argomento="informazioni",
        motivo="Informazioni",
    )


def email_tasks(prenotazione=None):
    tasks = DBTaskResult.objects.filter(task_path="cse.cittadino.tasks.send_booking_email")
    return tasks.filter(args_kwargs__args__0=prenotazione.pk) if prenotazione else tasks


def run_worker():
    """The library's worker, in this test's transaction: its between-tasks close_old_connections() would drop a
    connection that is inside a transaction (what the per-test transaction is) on PostgreSQL, so it is skipped."""
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)


def test_the_email_is_queued_with_the_booking_and_sent_by_the_worker(database_tasks):
    sportello = make_sportello(build_territory().enti["A1"])
    prenotazione = book(sportello)
    queued = email_tasks(prenotazione).get()
    assert queued.args_kwargs["args"][:2] == [prenotazione.pk, "richiesta"]  # ids only, no personal data
    assert mail.outbox == []  # nothing sent in the request
    run_worker()
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    sent = [m for m in mail.outbox if prenotazione.codice in m.subject]
    assert [m.to for m in sent] == [["anna@example.invalid"]]


def test_a_rolled_back_booking_queues_nothing(database_tasks):
    sportello = make_sportello(build_territory().enti["A1"])
    before = email_tasks().count()
    with pytest.raises(RuntimeError), transaction.atomic():
        book(sportello)
        raise RuntimeError("la transazione fallisce dopo la prenotazione")
    assert email_tasks().count() == before


def test_a_failing_mail_server_is_retried_later(database_tasks, settings, monkeypatch):
    sportello = make_sportello(build_territory().enti["A1"])
    prenotazione = book(sportello)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP non raggiungibile")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    run_worker()
    retries = email_tasks(prenotazione).order_by("enqueued_at")
    assert [r.status for r in retries] == ["FAILED", "READY"]  # the first attempt failed, a second one waits
    assert retries[1].args_kwargs["args"] == [prenotazione.pk, "richiesta", 2]
    assert retries[1].run_after is not None


def test_a_row_queued_before_the_task_moved_is_still_run(database_tasks):
    """The task moved from cse.core.tasks to cse.cittadino.tasks: the migration points the queued rows to it."""
    import importlib

    from django.apps import apps

    sportello = make_sportello(build_territory().enti["A1"])
    prenotazione = book(sportello)
    queued = email_tasks(prenotazione).get()
    DBTaskResult.objects.filter(pk=queued.pk).update(task_path="cse.core.tasks.send_booking_email")  # as queued then
    migration = importlib.import_module("cse.cittadino.migrations.0004_booking_email_task_path")
    migration.forwards(apps, None)
    run_worker()
    queued.refresh_from_db()
    assert (queued.task_path, queued.status) == ("cse.cittadino.tasks.send_booking_email", "SUCCESSFUL")
