"""Comparing two pages for "same answer" (no existence oracle): per-render values are masked first."""

from __future__ import annotations

import re

_PER_RENDER = re.compile(
    r'name="csrfmiddlewaretoken" value="[^"]*"'  # CSRF token, masked differently on every render
    r'| nonce="[^"]*"'  # CSP nonce, one per response
    r'|(?<=name="submission_token") value="[^"]*"'  # one-time create-form token, one per render
)


def page_body(response) -> str:
    """The page without the values that change on every render."""
    return _PER_RENDER.sub("", response.content.decode())
