"""Create forms need their one-time token (cse.core.submission): helpers that get one as a browser would.

`fetch_submission_token` reads it from the rendered page (proves the template carries it); `with_submission_token`
attaches a fresh one to posted data; `TokenClient` is the test client whose form posts carry a fresh token unless
the test gives one (or posts without, through a plain django.test.Client, to test the refusal).
"""

from __future__ import annotations

import re

from django.test import Client
from django.test.client import MULTIPART_CONTENT

from cse.core.submission import FIELD, new_submission_token

_INPUT = re.compile(rf'name="{FIELD}" value="([^"]+)"')


def with_submission_token(data: dict | None = None) -> dict:
    """The posted data plus a fresh token, as one rendering of the form would carry."""
    return {**(data or {}), FIELD: new_submission_token()}


def fetch_submission_token(client: Client, url: str) -> str:
    """The token in the form rendered at `url` (fails when the page has no create form token)."""
    match = _INPUT.search(client.get(url).content.decode())
    assert match, f"nessun token di invio nella pagina {url}"
    return match.group(1)


class TokenClient(Client):
    """A form post gets a fresh token when it has none: each post is one rendering of the form sent once."""

    def post(self, path, data=None, content_type=MULTIPART_CONTENT, **extra):
        if content_type == MULTIPART_CONTENT and (data is None or isinstance(data, dict)) and FIELD not in (data or {}):
            data = with_submission_token(data)
        return super().post(path, data, content_type, **extra)
