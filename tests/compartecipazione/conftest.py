import pytest

from tests.support.compartecipazione import pagopa_double
from tests.support.factories import OperatoreFactory


@pytest.fixture
def responsabile(comune):
    """Sets the comune's tariffs and runs its monthly compartecipazione."""
    return OperatoreFactory(ente=comune, ruolo="responsabile")


@pytest.fixture
def pagopa():
    with pagopa_double() as double:
        yield double
