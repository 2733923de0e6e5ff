"""The citizen portal with one section per ente given: what the public pages and the editors work on."""

from __future__ import annotations


def portal_for(*enti) -> None:
    from cse.cittadino.cms import portale_ensure, sezione_ensure

    portale_ensure()
    for ente in enti:
        sezione_ensure(ente=ente)
