import pytest

from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import home_ambito, home_comune, resident
from tests.support.territory import build_territory


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets its own channel layer instance: a websocket test that leaves a consumer waiting on one event
    loop would otherwise make the Redis layer refuse the next test's loop ("Two event loops … receive()")."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def client():
    """pytest-django's client, whose form posts carry a fresh submission token (tests/support/submission.py)."""
    from tests.support.submission import TokenClient

    return TokenClient()


@pytest.fixture
def territory(db):
    """Every ente, role and kind of object (tests/support/territory.py). Only the suites that try every role against
    every route and object use it (the isolation matrix, the authorization crawl, the property crawls of every route):
    any other test builds the few objects its scenario needs with tests/support/factories.py."""
    return build_territory()


# The scene most tests start from: the home comune (tests/support/places.py), its social worker, a resident and the
# resident's case. A module that needs another scene defines its own fixture of the same name.
@pytest.fixture
def ambito(db):
    return home_ambito()


@pytest.fixture
def comune(db):
    return home_comune()  # in the home ambito (the `ambito` fixture)


@pytest.fixture
def worker(comune):
    return OperatoreFactory(ente=comune, ruolo="assistente_sociale")


@pytest.fixture
def person(comune):
    return resident(comune)


@pytest.fixture
def case(person, worker):
    return CartellaFactory(assistito=person, by=worker)


@pytest.fixture
def client_for(client):
    """Log a user in on the test client (the second factor is covered by its own tests)."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- interop/: simulators started once per test process on free ports; each test points the settings at them ---
from django.core.cache import cache  # noqa: E402

from interop.http import reset_breakers  # noqa: E402
from interop.simulators.runner import start_all, stop_all, suite_from_settings, urls_for  # noqa: E402


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


# Slow tests whose result does not depend on the database engine (a real browser, property-based crawls of every
# route, every role on every route without object ids — decided by the gate and the roles, not by SQL — the
# disclosure attack, the OpenAPI conformance run): CI runs them once, on the embedded database, and leaves them out
# of the PostgreSQL run with `-m "not once"`. (Foreign objects, lists and searches run on both engines.)
RUN_ONCE = (
    "tests/browser/",
    "tests/properties/",
    "tests/test_authorization_crawl.py::test_every_role_and_method_on_every_route_without_ids",
    "tests/regionale/test_disclosure_attack.py",
    "tests/siuss/test_schemathesis.py",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.startswith(RUN_ONCE):
            item.add_marker(pytest.mark.once)
        _require_serialized_rollback(item)


def _require_serialized_rollback(item) -> None:
    """A transactional test flushes the database: without serialized_rollback it takes the migrations' seed rows
    (nomenclatore, content types) with it, and the next test on that worker fails in an order-dependent way."""
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
        raise pytest.UsageError(f"{item.nodeid}: django_db(transaction=True) richiede serialized_rollback=True")
