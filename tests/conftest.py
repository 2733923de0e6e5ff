import pytest

from tests.factories import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_for(client):
    """Log a user in on the test client (the second factor is covered by its own tests)."""

    def login(user):
        client.force_login(user)
        return client

    return login
