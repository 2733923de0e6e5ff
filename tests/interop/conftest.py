"""Call context of the interop tests: a social worker of the home comune (the simulators fixtures are in
tests/conftest.py)."""

import pytest

from cse.core.external import CallContext


@pytest.fixture
def ctx(comune, worker):
    return CallContext(operatore=worker, ente=comune, motivo="BA-2026-0001", luogo="Molfetta")
