"""Errors of external systems, each with the Italian sentence shown to the operator (who then continues by hand)."""

from __future__ import annotations

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
