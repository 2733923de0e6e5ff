import pytest


@pytest.fixture(scope="session")
def asgi_server():
    """One Daphne server per test process for every browser test that needs websockets: the Twisted reactor behind
    it cannot be restarted, so a second server in the same process would never answer."""
    from .asgi_server import AsgiServerThread

    server = AsgiServerThread().start()
    yield server
    server.stop()
