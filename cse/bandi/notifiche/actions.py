"""The notification worker: sends the queued Notifica rows of approved, protocol-registered provvedimenti, off the
request path (manage.py invia_notifiche --loop, one process of the production topology).

Each row in its own transaction, locked and skipped by a parallel worker. App IO where the applicant consented and
their profile accepts the ente's service; otherwise e-mail when the domanda has an address; otherwise a letter for the
operators to print. An outage of IO or of the mail server leaves the row queued with its next attempt (1, 2, 4 …
minutes, at most an hour), never lost; the row's key goes with every IO attempt, and a row with a message id is never
sent again. Logs carry row ids only, never a name, a fiscal code or an address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cse.core.appio import app_io, messaggio_valido
from cse.core.external import CallContext, InteropError
from cse.core.outbox import outbox_append
from cse.core.retry import da_ritentare, prossimo_tentativo

from ..glossary import CanaleNotifica, StatoNotifica, StatoProvvedimento
from ..models import Notifica
from . import messaggi

logger = logging.getLogger(__name__)


@dataclass
class EsitoInvio:
    inviate: int = 0
    da_stampare: int = 0
    rinviate: int = 0
    in_errore: int = 0


def due_notifications(now: datetime):
    """Queued rows whose provvedimento is approved and registered (the message cites its protocol number)."""
    return Notifica.objects.filter(
        Q(prossimo_tentativo_il__isnull=True) | Q(prossimo_tentativo_il__lte=now),
        stato=StatoNotifica.DA_INVIARE,
        provvedimento__stato=StatoProvvedimento.APPROVATO,
    ).exclude(provvedimento__protocollo_numero="")


def notifiche_invia_in_coda(*, limite: int = 200, now: datetime | None = None) -> EsitoInvio:
    now = now or timezone.now()
    esito = EsitoInvio()
    for pk in list(due_notifications(now).order_by("pk").values_list("pk", flat=True)[:limite]):
        try:
            _invia_una(pk, now, esito)
        except Exception:  # noqa: BLE001 — one broken row must not stop the queue: it waits for an operator
            logger.exception("notifiche: riga %s non elaborata", pk)
            esito.rinviate += 1
    return esito


def _invia_una(pk: int, now: datetime, esito: EsitoInvio) -> None:
    with transaction.atomic():
        notifica = (
            Notifica.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("domanda__bando__ente", "provvedimento")
            .filter(pk=pk, stato=StatoNotifica.DA_INVIARE)
            .first()
        )
        if notifica is None:  # another worker holds it or has sent it
            return
        notifica.tentativi += 1
        try:
            _deliver(notifica, now)
        except (InteropError, OSError, ValidationError) as exc:
            _failed(notifica, exc, now)
        notifica.save()
        _count(notifica, esito)
        _event(notifica)


def _deliver(notifica: Notifica, now: datetime) -> None:
    if notifica.canale == CanaleNotifica.APP_IO:
        ctx = CallContext(ente=notifica.domanda.bando.ente, motivo=f"notifica {notifica.pk}", luogo="coda notifiche")
        if not notifica.messaggio_id and app_io().accetta(notifica.domanda.codice_fiscale, ctx):
            notifica.messaggio_id = app_io().invia(messaggio_valido(messaggi.messaggio_io(notifica)), ctx)
        if notifica.messaggio_id:
            return _sent(notifica, now, "inviata con l'app IO")
        notifica.canale = CanaleNotifica.EMAIL if notifica.domanda.email else CanaleNotifica.LETTERA
    if notifica.canale == CanaleNotifica.EMAIL:
        EmailMessage(
            subject=messaggi.oggetto(notifica), body=messaggi.testo_email(notifica), to=[notifica.domanda.email]
        ).send()
        return _sent(notifica, now, "inviata per e-mail")
    notifica.stato = StatoNotifica.DA_STAMPARE
    notifica._change_reason = "IO non disponibile per il richiedente: lettera da stampare"
    return None


def _sent(notifica: Notifica, now: datetime, reason: str) -> None:
    notifica.stato, notifica.inviata_il, notifica.ultimo_errore = StatoNotifica.INVIATA, now, ""
    notifica.prossimo_tentativo_il = None
    notifica._change_reason = reason


def _failed(notifica: Notifica, exc: Exception, now: datetime) -> None:
    """Unreachable (or an unreadable answer, a few times): retry later with the same key; refused: an operator looks."""
    retry = da_ritentare(exc, notifica.tentativi, anche=(OSError,))  # OSError: the mail server
    code = getattr(exc, "code", "") or type(exc).__name__
    detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else getattr(exc, "message", "")
    notifica.ultimo_errore = f"{code}: {detail or 'errore di invio'}"[:300]
    if retry:
        notifica.prossimo_tentativo_il = prossimo_tentativo(notifica.tentativi, now)
        notifica._change_reason = "canale non disponibile: nuovo tentativo"
    else:
        notifica.stato = StatoNotifica.ERRORE
        notifica._change_reason = "notifica rifiutata: da verificare"
        logger.warning("notifiche: riga %s non inviata (%s)", notifica.pk, code)


def _count(notifica: Notifica, esito: EsitoInvio) -> None:
    if notifica.stato == StatoNotifica.INVIATA:
        esito.inviate += 1
    elif notifica.stato == StatoNotifica.DA_STAMPARE:
        esito.da_stampare += 1
    elif notifica.stato == StatoNotifica.ERRORE:
        esito.in_errore += 1
    else:
        esito.rinviate += 1


EVENT_OF = {
    StatoNotifica.INVIATA: "notifica.inviata",
    StatoNotifica.DA_STAMPARE: "notifica.da_stampare",
    StatoNotifica.ERRORE: "notifica.non_inviata",
}


def _event(notifica: Notifica) -> None:
    event = EVENT_OF.get(notifica.stato)
    if event:
        outbox_append(aggregate=notifica, event_type=event, payload={"canale": notifica.canale})


@transaction.atomic
def lettere_segna_stampate(*, notifiche: list[int], provvedimento, by) -> int:
    """The operator printed and posted these letters: the date of posting starts the riesame term."""
    from cse.core.permissions import has_capability
    from cse.core.roles import Capability

    if not has_capability(by, Capability.ISTRUTTORIA_BANDI, provvedimento.bando.ente_id):
        raise ValidationError("Non si è abilitati a operare sui bandi di questo ente.")
    now = timezone.now()
    count = 0
    for notifica in Notifica.objects.select_for_update().filter(
        pk__in=notifiche, provvedimento=provvedimento, stato=StatoNotifica.DA_STAMPARE
    ):
        notifica.stato, notifica.inviata_il = StatoNotifica.STAMPATA, now
        notifica._history_user, notifica._change_reason = by, "lettera stampata e spedita"
        notifica.save()
        outbox_append(aggregate=notifica, event_type="notifica.inviata", payload={"canale": notifica.canale})
        count += 1
    return count
