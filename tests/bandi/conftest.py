import pytest

from tests.support.factories import OperatoreFactory


@pytest.fixture
def responsabile(comune):
    """Manages and instructs the comune's bandi."""
    return OperatoreFactory(ente=comune, ruolo="responsabile")
