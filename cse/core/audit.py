"""Access logging: every read of a person or a case leaves a row (architecture promise 2)."""

from __future__ import annotations

from django.dispatch import Signal
from django.http import HttpRequest

from .audit_chain import access_log_append
from .models import AccessLog

# Sent inside the reading request's transaction with the new row: a receiver that raises fails the read, so a watcher
# can never be skipped silently.
access_logged = Signal()


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    *,
    user,
    assistito_id: int,
    oggetto_tipo: str,
    oggetto_id: int,
    ente_id: int | None,
    azione: str = AccessLog.Azione.CONSULTAZIONE,
    finalita: str = "",
    request: HttpRequest | None = None,
) -> AccessLog:
    """The only writer of the access log: each row joins the hash chain (cse/core/audit_chain.py); then the
    unusual-access watcher looks at it (same transaction, one query).

    The watcher lives in the case domain (it knows case managers and équipe grants): it subscribes to `access_logged`
    (cse/cartella/apps.py), so core never names a higher layer."""
    row = access_log_append(
        user=user,
        ente_id=ente_id,
        azione=azione,
        oggetto_tipo=oggetto_tipo,
        oggetto_id=oggetto_id,
        assistito_id=assistito_id,
        finalita=finalita[:200],
        ip=client_ip(request),
    )
    access_logged.send(sender=AccessLog, row=row)
    return row


def form_finalita(request: HttpRequest, what: str) -> str:
    """The finalità of an edit page's access-log row: opening the form (GET) only reads the record, so it is logged
    as a read ("lettura: …"); only a submit is a modification ("modifica: …")."""
    return f"{'lettura' if request.method in ('GET', 'HEAD') else 'modifica'}: {what}"
