"""The browser tests fail on Content-Security-Policy violations: the watcher sees an inline script without nonce."""

from __future__ import annotations

import pytest

from tests.support.chromium import csp_violations, needs_chromium

pytestmark = [
    needs_chromium,
    # like the other browser tests: a flush without serialized rollback would break the next one's restore
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]


def test_an_inline_script_without_nonce_is_caught_by_the_watcher(asgi_server, page):
    page.goto(f"{asgi_server.url}/operatore/accesso/")
    assert csp_violations == []
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__ran") is None  # the policy blocked it
    assert any("script-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # expected here: do not fail this test at teardown
