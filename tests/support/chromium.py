"""Headless Chromium for the browser tests: Debian's Chromium (installed by .ci/run), never a downloaded browser."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 15_000
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium non installato: .ci/run lo installa con apt"
)


# Content-Security-Policy violations seen by any page of the current test (the `browser` fixture fails the test at
# teardown when this is not empty): an inline script without nonce or an inline handler silently does nothing in
# production, so a test that only looks at the happy path would not notice it.
csp_violations: list[str] = []

# Runs before any page script (Playwright init scripts are not subject to the page's CSP).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _watch_csp(message) -> None:
    text = message.text
    if text.startswith("CSP violation:") or ("Refused to" in text and "Content Security Policy" in text):
        csp_violations.append(text)


def watch_csp(context):
    """Record the CSP violations of every page of `context` (for tests that build their own context)."""
    context.add_init_script(_REPORT_VIOLATIONS)
    context.on("console", _watch_csp)
    return context


def new_page(browser, **context_options):
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900}, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    watch_csp(context)
    return context.new_page()


def submit(page, label: str) -> None:
    """Click a submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def logged_in_page(browser, user, base_url: str):
    """A page whose browser session is `user`'s (the second factor is the gate's tests' business, not these)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = new_page(browser)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    return page
