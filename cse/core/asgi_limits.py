"""Refuse an oversized request body before it is read (ASVS 5.0 V4.1 / V5.2: limits on input size).

Django's ASGI handler spools the whole body (memory, then a temporary file) before any view or form limit runs: a
50 MB upload would be received in full just to be refused. This ASGI wrapper answers 413 as soon as the declared
Content-Length, or the bytes actually streamed (a client may lie about or omit the header), pass the limit, without
keeping any chunk it has counted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE_STATUS = 413


class BodyTooLarge(Exception):
    """Raised from the wrapped receive() when the streamed body passes the limit."""


def too_large_message(max_bytes: int) -> str:
    """The Italian text of the 413 answer, with the limit in MB."""
    megabytes = max_bytes / (1024 * 1024)
    return f"La richiesta supera la dimensione massima consentita ({megabytes:g} MB): non è stata accettata."


def declared_length(scope: Scope) -> int | None:
    """The Content-Length the client declared, or None when absent or unreadable (then only counting applies)."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def default_max_bytes() -> int:
    from django.conf import settings

    return int(settings.CSE_MAX_REQUEST_BYTES)


class RequestBodyLimitMiddleware:
    """Wraps an ASGI http application; other scope types pass through untouched."""

    def __init__(self, app: ASGIApp, max_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes if self.max_bytes is not None else default_max_bytes()
        declared = declared_length(scope)
        if declared is not None and declared > limit:
            await send_too_large(send, limit)
            return
        started = False

        async def counting_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive(receive, limit), counting_send)
        except BodyTooLarge:
            if not started:
                await send_too_large(send, limit)


def counting_receive(receive: Receive, limit: int) -> Receive:
    """A receive() that counts body bytes and raises BodyTooLarge past the limit; it keeps no chunk."""
    received = 0

    async def wrapped() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
        return message

    return wrapped


async def send_too_large(send: Send, limit: int) -> None:
    body = too_large_message(limit).encode()
    await send(
        {
            "type": "http.response.start",
            "status": TOO_LARGE_STATUS,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
