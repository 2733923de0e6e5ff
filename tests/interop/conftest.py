"""Call context of the interop tests: a social worker of the home comune (the simulators fixtures are in
tests/conftest.py)."""

import pytest

from cse.core.external import CallContext
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import home_comune, resident


@pytest.fixture
def comune(db):
    return home_comune()


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
def ctx(comune, worker):
    return CallContext(operatore=worker, ente=comune, motivo="BA-2026-0001", luogo="Molfetta")
