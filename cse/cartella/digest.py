"""The daily e-mail digest of deadlines: one per operator and day, opt-out, idempotent and resumable.

The e-mail leaves the system: it carries counts and the link to "Oggi", never a name, a codice fiscale or a case
number. A `DigestScadenze` row (unique per operator and day) is claimed before sending and stamped after: a rerun
skips what was sent, and resumes what was claimed but not stamped (a crash between the two may send that one digest
twice: at least once, never lost).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from .models import DigestRinuncia, DigestScadenze
from .scadenze import WEEK, open_mine

logger = logging.getLogger(__name__)


@dataclass
class DigestReport:
    inviati: int = 0
    gia_inviati: int = 0
    vuoti: int = 0


def recipients():
    """Active operators with an active incarico and an e-mail, who did not opt out; in pk order."""
    declined = DigestRinuncia.objects.values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, operatore__incarichi__attivo=True)
        .exclude(email="")
        .exclude(pk__in=declined)
        .distinct()
        .order_by("pk")
    )


def _counts(user, today: date) -> tuple[int, int]:
    own = open_mine(user)
    overdue = own.filter(scadenza__lte=today).count()
    week = own.filter(scadenza__gt=today, scadenza__lte=today + timedelta(days=WEEK)).count()
    return overdue, week


def _body(overdue: int, week: int) -> str:
    link = f"{settings.WAGTAILADMIN_BASE_URL}{reverse('oggi')}"
    return (
        f"Scadenze scadute o di oggi: {overdue}.\nIn scadenza nei prossimi sette giorni: {week}.\n\n"
        f"Il dettaglio è nella pagina «Oggi» della Cartella Sociale Elettronica: {link}\n\n"
        "Per non ricevere più questo riepilogo, usare il pulsante in fondo alla pagina «Oggi».\n"
    )


def send_one(user, today: date, report: DigestReport) -> None:
    overdue, week = _counts(user, today)
    if not overdue and not week:
        report.vuoti += 1
        return
    claim, _ = DigestScadenze.objects.get_or_create(user=user, giorno=today)
    if claim.inviato_il is not None:
        report.gia_inviati += 1
        return
    send_mail(f"CSE: le sue scadenze del {today:%d/%m/%Y}", _body(overdue, week), None, [user.email])
    DigestScadenze.objects.filter(pk=claim.pk).update(inviato_il=timezone.now())
    report.inviati += 1


def send_digests(today: date | None = None) -> DigestReport:
    """Every operator's digest of the day; a failure on one is logged and the others go on (a rerun retries it)."""
    today = today or timezone.localdate()
    report = DigestReport()
    for user in recipients().iterator(chunk_size=200):
        try:
            send_one(user, today, report)
        except Exception:
            logger.exception("riepilogo delle scadenze non inviato (operatore %s)", user.pk)
    return report
