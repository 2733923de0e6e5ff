"""What the product and the adapters to external systems (interop/) share: the call context, the source of a fact,
and the errors of external systems, each with the Italian sentence shown to the operator (who then continues by hand).

Lives in core so the domain's ports (cse/cartella/ports.py, cse/ambito/ports.py) and interop/ speak the same terms
without importing each other."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

CONTINUE_BY_HAND = "Si può proseguire inserendo i dati a mano: quanto già scritto nel modulo è conservato."


class InteropError(Exception):
    """Base error: `outcome` goes to the call log, `message` to the operator. Never carries personal data."""

    outcome = "errore"

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ServiceUnavailable(InteropError):
    """Timeout, connection refused, 5xx, circuit open, DATABASE_OFFLINE: try again later or continue by hand."""

    outcome = "non_disponibile"


class NotFound(InteropError):
    outcome = "non_trovato"


class InvalidRequest(InteropError):
    outcome = "richiesta_invalida"


class BadResponse(InteropError):
    """Malformed body, missing or invalid signature, replayed or foreign response: the answer is not trusted."""

    outcome = "risposta_non_valida"


def unavailable_message(system: str) -> str:
    return f"{system} non risponde in questo momento. {CONTINUE_BY_HAND}"


@dataclass
class CallContext:
    """Who calls, for which case: goes into the call log (ids only)."""

    operatore: object | None = None
    ente: object | None = None
    assistito_id: int | None = None
    cartella_id: int | None = None
    motivo: str = ""
    luogo: str = ""
    loa: str = "LoA3"

    @property
    def operatore_id(self) -> str:
        return getattr(self.operatore, "username", "") or "sistema"


class FonteDato(models.TextChoices):
    """Where a fact of the record came from (ANPR, INPS, typed by hand)."""

    ANPR = "anpr", "ANPR"
    INPS = "inps", "INPS (ISEE)"
    MANUALE = "manuale", "Inserito dall'operatore"
