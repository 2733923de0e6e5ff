"""The case domain's queued work: the alert e-mails of break-the-glass and unusual access, and the notice to the
approvers of a request (the queue primitives are in `cse.core.tasks`)."""

from __future__ import annotations

import logging

from django_tasks import task

from cse.core.tasks import retry_later

from .vigilanza_models import Segnalazione

logger = logging.getLogger(__name__)


@task()
def send_alert_email(segnalazione_id: int, attempt: int = 1) -> bool:
    """The e-mail to the ente's responsabili about a break-the-glass access or an unusual-access alert."""
    from .vigilanza import email_responsabili  # vigilanza queues this task: imported here to avoid the cycle

    segnalazione = Segnalazione.objects.select_related("ente").filter(pk=segnalazione_id).first()
    if segnalazione is None:
        return False
    try:
        email_responsabili(segnalazione)
    except Exception:
        logger.warning("e-mail della segnalazione non inviata (tentativo %s)", attempt)
        retry_later(send_alert_email, attempt, segnalazione_id, attempt)
        raise  # this attempt is recorded as failed; the next one is queued
    return True


@task()
def send_approval_email(richiesta_id: int, attempt: int = 1) -> bool:
    """The e-mail to the operators who may approve a request (cse/cartella/approvazioni.py)."""
    from .approvazioni import email_approvatori
    from .approvazioni_models import RichiestaApprovazione

    richiesta = RichiestaApprovazione.objects.select_related("ente").filter(pk=richiesta_id).first()
    if richiesta is None:
        return False
    try:
        email_approvatori(richiesta)
    except Exception:
        logger.warning("e-mail della richiesta di approvazione non inviata (tentativo %s)", attempt)
        retry_later(send_approval_email, attempt, richiesta_id, attempt)
        raise
    return True
