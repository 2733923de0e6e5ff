"""Headless Chromium for the browser tests: Debian's Chromium (installed by .ci/run), never a downloaded browser."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 15_000
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium non installato: .ci/run lo installa con apt"
)


def new_page(browser, **context_options):
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900}, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def submit(page, label: str) -> None:
    """Click a submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()
