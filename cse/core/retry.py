"""When a queue (protocol registrations, decision notifications, pagoPA notices) tries an external service again.

Every queued call carries an idempotency key, so trying again is always safe: an unreachable service is retried with
an exponential backoff and never given up (the row waits); an answer that cannot be read is retried a few times and
then left to an operator; a refusal is never retried (the same request would be refused again)."""

from __future__ import annotations

from datetime import datetime, timedelta

from .external import BadResponse, ServiceUnavailable

# 1, 2, 4 ... minutes, at most an hour apart.
BACKOFF_MAX = timedelta(hours=1)
# After this many unreadable answers an operator looks.
MAX_RISPOSTE_NON_VALIDE = 5


def prossimo_tentativo(tentativi: int, now: datetime) -> datetime:
    """Exponential backoff after the n-th failed attempt: 1, 2, 4 ... minutes, capped at BACKOFF_MAX."""
    return now + min(timedelta(minutes=2 ** max(tentativi - 1, 0)), BACKOFF_MAX)


def da_ritentare(exc: Exception, tentativi: int, *, anche: tuple[type[Exception], ...] = ()) -> bool:
    """Whether the failed call is tried again later; `anche`: the caller's own transient errors (e.g. SMTP's)."""
    if isinstance(exc, (ServiceUnavailable, *anche)):
        return True
    return isinstance(exc, BadResponse) and tentativi < MAX_RISPOSTE_NON_VALIDE
