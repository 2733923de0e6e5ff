"""The HTTP core: timeouts, bounded retries only for idempotent calls, the circuit breaker, the call log."""

import httpx
import pytest

from cse.core.external import NotFound, ServiceUnavailable
from interop.http import breaker, call
from interop.models import ChiamataInterop


def _closed_port_request() -> httpx.Request:
    return httpx.Request("GET", "http://127.0.0.1:9/nessuno")  # discard port: connection refused


def test_connection_refused_is_retried_for_idempotent_calls(db, ctx, settings):
    settings.CSE_INTEROP_RETRIES = 2
    with pytest.raises(ServiceUnavailable) as exc:
        call("edotto", "prova", build=_closed_port_request, ctx=ctx, idempotent=True, parse=lambda r: r)
    assert "Edotto" in exc.value.message and "a mano" in exc.value.message
    assert ChiamataInterop.objects.get().tentativi == 3


def test_non_idempotent_calls_are_never_retried(db, ctx):
    with pytest.raises(ServiceUnavailable):
        call("dss", "invio", build=_closed_port_request, ctx=ctx, idempotent=False, parse=lambda r: r)
    assert ChiamataInterop.objects.get().tentativi == 1


def test_breaker_opens_after_repeated_failures_and_stops_calling(db, ctx, settings):
    settings.CSE_INTEROP_BREAKER_FAILURES = 2
    settings.CSE_INTEROP_RETRIES = 0
    calls = []

    def build():
        calls.append(1)
        return _closed_port_request()

    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            call("lavoro", "stato", build=build, ctx=ctx, idempotent=True, parse=lambda r: r)
    assert breaker("lavoro").state == "aperto"
    with pytest.raises(ServiceUnavailable) as exc:
        call("lavoro", "stato", build=build, ctx=ctx, idempotent=True, parse=lambda r: r)
    assert exc.value.code == "circuito_aperto" and len(calls) == 2
    assert breaker("edotto").state == "chiuso"  # one breaker per e-service


def test_breaker_half_opens_after_the_pause_and_closes_on_success(simulators, ctx, settings):
    settings.CSE_INTEROP_BREAKER_FAILURES = 1
    settings.CSE_INTEROP_BREAKER_RESET_SECONDS = 0
    settings.CSE_INTEROP_RETRIES = 0
    with pytest.raises(ServiceUnavailable):
        call("puglia_sociale", "avvisi", build=_closed_port_request, ctx=ctx, idempotent=True, parse=lambda r: r)
    assert breaker("puglia_sociale").state == "aperto"
    from interop.regionali import client as regionali

    assert regionali.avvisi_aperti(ctx)  # the trial call goes through and succeeds
    assert breaker("puglia_sociale").state == "chiuso"


def test_a_definite_answer_is_not_retried(db, ctx, simulators):
    from interop.anpr import client as anpr

    with pytest.raises(NotFound):
        anpr.id_anpr("NSSGNN80A01F284G", ctx)
    assert ChiamataInterop.objects.get(e_service="anpr_C030").tentativi == 1
