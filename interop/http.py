"""The one way interop/ talks to an external system: timeouts, bounded retries with exponential backoff for
idempotent calls only, a circuit breaker per e-service, and a call log row per logical call (no payloads).

Every failure becomes an `InteropError` with an Italian message for the operator; callers never see httpx errors.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable

import httpx
from django.conf import settings
from django.db import transaction

from cse.core.external import BadResponse, CallContext, InteropError, ServiceUnavailable, unavailable_message

from .config import SYSTEM_NAMES
from .glossary import EsitoChiamata

logger = logging.getLogger("interop")

RETRYABLE_STATUS = {502, 503, 504}


class CircuitBreaker:
    """Closed → open after N consecutive failures → half-open after a pause (one trial call) → closed on success.

    In-process state: each worker learns on its own that a system is down, which bounds wasted waits per worker.
    """

    def __init__(self) -> None:
        self.failures = 0
        self.opened_at: float | None = None
        self.trial_running = False
        self.lock = threading.Lock()

    def allow(self) -> bool:
        with self.lock:
            if self.opened_at is None:
                return True
            if (
                time.monotonic() - self.opened_at >= settings.CSE_INTEROP_BREAKER_RESET_SECONDS
                and not self.trial_running
            ):
                self.trial_running = True  # half-open: let one call through
                return True
            return False

    def record(self, ok: bool) -> None:
        with self.lock:
            self.trial_running = False
            if ok:
                self.failures, self.opened_at = 0, None
                return
            self.failures += 1
            if self.failures >= settings.CSE_INTEROP_BREAKER_FAILURES:
                self.opened_at = time.monotonic()

    @property
    def state(self) -> str:
        return "chiuso" if self.opened_at is None else "aperto"


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker(e_service: str) -> CircuitBreaker:
    with _breakers_lock:
        return _breakers.setdefault(e_service, CircuitBreaker())


def reset_breakers() -> None:
    with _breakers_lock:
        _breakers.clear()


_clients: dict[tuple[float, float], httpx.Client] = {}


def _client() -> httpx.Client:
    """One shared client per timeout setting: building a client loads the CA bundle (tens of ms), and a shared
    client keeps connections alive between the calls of one consultation. httpx.Client is thread-safe."""
    key = (settings.CSE_INTEROP_TIMEOUT_SECONDS, settings.CSE_INTEROP_CONNECT_TIMEOUT_SECONDS)
    with _breakers_lock:
        if key not in _clients:
            _clients[key] = httpx.Client(
                timeout=httpx.Timeout(key[0], connect=key[1]),
                follow_redirects=False,
                trust_env=False,
                # small requests written as headers then body: no Nagle wait for the peer's delayed ACK
                transport=httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]),
            )
        return _clients[key]


def _log(ctx: CallContext, e_service: str, operation: str, esito: str, code: str, status, attempts, started) -> None:
    from .models import ChiamataInterop

    duration = int((time.monotonic() - started) * 1000)
    logger.info("%s.%s esito=%s codice=%s tentativi=%s ms=%s", e_service, operation, esito, code, attempts, duration)
    try:
        with transaction.atomic():  # a savepoint: a failed log row must not abort the caller's transaction
            ChiamataInterop.objects.create(
                operatore=ctx.operatore if getattr(ctx.operatore, "pk", None) else None,
                ente=ctx.ente if getattr(ctx.ente, "pk", None) else None,
                assistito_id=ctx.assistito_id,
                cartella_id=ctx.cartella_id,
                e_service=e_service,
                operazione=operation,
                esito=esito,
                codice_errore=code[:60],
                http_status=status,
                tentativi=attempts,
                durata_ms=duration,
            )
    except Exception:  # the log must never break the operator's work
        logger.exception("registrazione della chiamata %s.%s non riuscita", e_service, operation)


def call(
    e_service: str,
    operation: str,
    *,
    build: Callable[[], httpx.Request],
    ctx: CallContext,
    idempotent: bool,
    parse: Callable[[httpx.Response], object],
):
    """Send the request made by `build` (called again for each attempt: fresh jti and signatures) and return
    `parse(response)`. `parse` raises InteropError subclasses for the e-service's own error answers."""
    system = SYSTEM_NAMES.get(e_service, e_service)
    started = time.monotonic()
    cb = breaker(e_service)
    if not cb.allow():
        _log(ctx, e_service, operation, EsitoChiamata.NON_DISPONIBILE, "circuito_aperto", None, 0, started)
        raise ServiceUnavailable(unavailable_message(system), code="circuito_aperto")
    max_attempts = 1 + (settings.CSE_INTEROP_RETRIES if idempotent else 0)
    attempt, status, last_error = 0, None, None
    client = _client()
    while attempt < max_attempts:
        attempt += 1
        try:
            response = client.send(build())
            status = response.status_code
            if status in RETRYABLE_STATUS:
                raise ServiceUnavailable(unavailable_message(system), code=f"http_{status}")
            result = parse(response)
        except httpx.TimeoutException:
            last_error = ServiceUnavailable(unavailable_message(system), code="timeout")
        except httpx.TransportError:
            last_error = ServiceUnavailable(unavailable_message(system), code="connessione")
        except ServiceUnavailable as exc:
            last_error = exc
        except InteropError as exc:  # a definite answer (not found, invalid, untrusted): no retry
            cb.record(ok=not isinstance(exc, BadResponse))
            _log(ctx, e_service, operation, exc.outcome, exc.code, status, attempt, started)
            raise
        else:
            cb.record(ok=True)
            _log(ctx, e_service, operation, EsitoChiamata.OK, "", status, attempt, started)
            return result
        if attempt < max_attempts:
            time.sleep(settings.CSE_INTEROP_BACKOFF_SECONDS * (2 ** (attempt - 1)))
    cb.record(ok=False)
    _log(ctx, e_service, operation, last_error.outcome, last_error.code, status, attempt, started)
    raise last_error


def breaker_state(e_service: str) -> dict:
    """For the operators' page: the breaker of an e-service in this process, without creating one."""
    with _breakers_lock:
        cb = _breakers.get(e_service)
    if cb is None:
        return {"stato": "chiuso", "errori": 0}
    with cb.lock:
        if cb.opened_at is None:
            return {"stato": "chiuso", "errori": cb.failures}
        elapsed = time.monotonic() - cb.opened_at
        trial = elapsed >= settings.CSE_INTEROP_BREAKER_RESET_SECONDS
        return {"stato": "in prova" if trial else "aperto", "errori": cb.failures}
