"""The citizen portal's queued work: the booking e-mails (the queue primitives are in `cse.core.tasks`)."""

from __future__ import annotations

import logging

from django_tasks import task

from cse.core.tasks import retry_later

from .agenda import Prenotazione
from .notify import citizen_email

logger = logging.getLogger(__name__)


@task()
def send_booking_email(prenotazione_id: int, evento: str, attempt: int = 1) -> bool:
    """The citizen's e-mail about a booking (request, confirmation, move, cancellation), with retries."""
    prenotazione = Prenotazione.objects.select_related("slot__sportello").filter(pk=prenotazione_id).first()
    if prenotazione is None or not prenotazione.email:
        return False
    try:
        citizen_email(prenotazione, evento)
    except Exception:
        logger.warning("e-mail della prenotazione non inviata (tentativo %s)", attempt)
        retry_later(send_booking_email, attempt, prenotazione_id, evento, attempt)
        raise  # this attempt is recorded as failed; the next one is queued
    return True
