"""Simulators started once per test process on free ports; each test points the settings at them."""

import pytest
from django.core.cache import cache

from interop.http import CallContext, reset_breakers
from interop.simulators.runner import start_all, stop_all, suite_from_settings, urls_for


@pytest.fixture(scope="session")
def simulator_suite():
    suite = suite_from_settings(timeout_sleep=1.5)
    servers = start_all(suite)
    yield suite, servers
    stop_all(servers)


@pytest.fixture
def simulators(simulator_suite, settings):
    """Settings aimed at the running simulators; clean voucher cache and circuit breakers for each test."""
    suite, servers = simulator_suite
    settings.CSE_INTEROP_SERVICES = urls_for(servers)
    cache.clear()
    reset_breakers()
    yield suite
    cache.clear()
    reset_breakers()


@pytest.fixture
def ctx(world):
    ente = world.enti["A1"]
    return CallContext(
        operatore=world.user("A1", "assistente_sociale"), ente=ente, motivo="BA-2026-0001", luogo="Molfetta"
    )
