import pytest

from tests.support.chromium import CHROMIUM, TIMEOUT_MS, csp_violations, new_page


@pytest.fixture(scope="session")
def asgi_server():
    """One Daphne server per test process for every browser test that needs websockets: the Twisted reactor behind
    it cannot be restarted, so a second server in the same process would never answer."""
    from tests.support.asgi_server import AsgiServerThread

    server = AsgiServerThread().start()
    yield server
    server.stop()


@pytest.fixture
def browser(monkeypatch, settings):
    """Headless Chromium; Playwright's sync API keeps an event loop running in the test thread, and Django refuses
    ORM calls from such a thread unless allowed — for these tests only. The periodic gate recheck of open sockets
    (tested in tests/core/test_websocket.py) is slowed down here: its reads would race the pages' writes on the
    lock-intolerant in-memory database (see tests/support/asgi_server.py)."""
    from playwright.sync_api import expect, sync_playwright

    settings.CSE_WS_RECHECK_SECONDS = 600
    expect.set_options(timeout=TIMEOUT_MS)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        csp_violations.clear()
        try:
            yield browser
        finally:
            browser.close()
    assert not csp_violations, "Violazioni della Content-Security-Policy:\n" + "\n".join(csp_violations)


@pytest.fixture
def page(browser):
    return new_page(browser)
