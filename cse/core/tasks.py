"""The task queue primitives: work that must happen after a change but not inside the request (e-mails today).

Production uses django-tasks' database backend: `enqueue_with` writes the task row in the same transaction as the
change, so a committed booking always has its e-mail queued and a rolled-back one never does; `manage.py db_worker`
processes rows (several workers may run). The demo and the tests use the immediate backend, run after commit in
process. Task arguments are ids, never personal data: the worker reads what it needs when it runs.

The tasks themselves live next to their domain (`cse.cittadino.tasks`, `cse.cartella.tasks`): the database backend
stores a task by its dotted path, so moving one needs a migration that rewrites its queued rows.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task_backends

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def enqueue_with(task_obj, *args: Any) -> None:
    """Queue a task as part of the current transaction (database backend) or after it commits (in-process backend)."""
    if task_backends[task_obj.backend].__class__.__name__ == "DatabaseBackend":
        task_obj.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_obj.enqueue(*args))


def retry_later(task_obj, attempt: int, *args: Any) -> None:
    """Bounded retries with exponential backoff (1, 2, 4, 8 minutes); the failure is logged without content.

    `args` are the task's arguments with `attempt` last (it is replaced by the next attempt's number)."""
    if attempt >= MAX_ATTEMPTS:
        logger.error("%s: abbandonato dopo %s tentativi", task_obj.name, attempt)
        return
    when = timezone.now() + timedelta(minutes=2 ** (attempt - 1))
    if task_backends[task_obj.backend].supports_defer:
        task_obj.using(run_after=when).enqueue(*args[:-1], attempt + 1)
    else:
        logger.warning("%s: tentativo %s non riuscito, nessun rinvio con questo backend", task_obj.name, attempt)
