"""Call context of the interop tests (the simulators fixtures are in tests/conftest.py)."""

import pytest

from cse.core.external import CallContext


@pytest.fixture
def ctx(world):
    ente = world.enti["A1"]
    return CallContext(
        operatore=world.user("A1", "assistente_sociale"), ente=ente, motivo="BA-2026-0001", luogo="Molfetta"
    )
