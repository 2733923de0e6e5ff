"""Access logging: every read of a person or a case leaves a row (architecture promise 2)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.module_loading import import_string

from .audit_chain import access_log_append
from .models import AccessLog


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

    The watcher lives in the case domain (it knows case managers and équipe grants), so core calls it by dotted path
    rather than importing a higher layer, as the outbox does for the relay."""
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
    import_string(UNUSUAL_ACCESS_WATCHER)(row)
    return row


UNUSUAL_ACCESS_WATCHER = "cse.cartella.actions.vigilanza.detect_unusual_access"
