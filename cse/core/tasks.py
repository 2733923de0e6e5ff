"""The task queue: work that must happen after a change but not inside the request (e-mails today).

Production uses django-tasks' database backend: `enqueue_with` writes the task row in the same transaction as the
change, so a committed booking always has its e-mail queued and a rolled-back one never does; `manage.py db_worker`
processes rows (several workers may run). The demo and the tests use the immediate backend, run after commit in
process. Task arguments are ids, never personal data: the worker reads what it needs when it runs.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def enqueue_with(task_obj, *args: Any) -> None:
    """Queue a task as part of the current transaction (database backend) or after it commits (in-process backend)."""
    if task_backends[task_obj.backend].__class__.__name__ == "DatabaseBackend":
        task_obj.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_obj.enqueue(*args))


def _retry_later(task_obj, attempt: int, *args: Any) -> None:
    """Bounded retries with exponential backoff (1, 2, 4, 8 minutes); the failure is logged without content."""
    if attempt >= MAX_ATTEMPTS:
        logger.error("%s: abbandonato dopo %s tentativi", task_obj.name, attempt)
        return
    when = timezone.now() + timedelta(minutes=2 ** (attempt - 1))
    if task_backends[task_obj.backend].supports_defer:
        task_obj.using(run_after=when).enqueue(*args[:-1], attempt + 1)
    else:
        logger.warning("%s: tentativo %s non riuscito, nessun rinvio con questo backend", task_obj.name, attempt)


@task()
def send_booking_email(prenotazione_id: int, evento: str, attempt: int = 1) -> bool:
    """The citizen's e-mail about a booking (request, confirmation, move, cancellation), with retries."""
    from cse.cittadino.agenda import Prenotazione
    from cse.cittadino.notify import citizen_email

    prenotazione = Prenotazione.objects.select_related("slot__sportello").filter(pk=prenotazione_id).first()
    if prenotazione is None or not prenotazione.email:
        return False
    try:
        citizen_email(prenotazione, evento)
    except Exception:
        logger.warning("e-mail della prenotazione non inviata (tentativo %s)", attempt)
        _retry_later(send_booking_email, attempt, prenotazione_id, evento, attempt)
        raise  # this attempt is recorded as failed; the next one is queued
    return True


@task()
def send_alert_email(segnalazione_id: int, attempt: int = 1) -> bool:
    """The e-mail to the ente's responsabili about a break-the-glass access or an unusual-access alert."""
    from cse.cartella.vigilanza import email_responsabili
    from cse.cartella.vigilanza_models import Segnalazione

    segnalazione = Segnalazione.objects.select_related("ente").filter(pk=segnalazione_id).first()
    if segnalazione is None:
        return False
    try:
        email_responsabili(segnalazione)
    except Exception:
        logger.warning("e-mail della segnalazione non inviata (tentativo %s)", attempt)
        _retry_later(send_alert_email, attempt, segnalazione_id, attempt)
        raise  # this attempt is recorded as failed; the next one is queued
    return True
