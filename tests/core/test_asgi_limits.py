"""A body over CSE_MAX_REQUEST_BYTES is refused with 413 before it is read: memory stays flat for a 50 MB body."""

from __future__ import annotations

import asyncio
import tracemalloc

import pytest

from cse.core.asgi_limits import RequestBodyLimitMiddleware

MB = 1024 * 1024
BODY_BYTES = 50 * MB
CHUNK = bytes(64 * 1024)  # one buffer sent again and again: the client side allocates nothing per chunk


def _scope(content_length: int | None) -> dict:
    headers = [(b"host", b"testserver"), (b"content-type", b"application/octet-stream")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/accesso/",
        "raw_path": b"/accesso/",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }


def _post(app, content_length: int | None, total: int = BODY_BYTES) -> tuple[list[dict], int]:
    """Stream `total` bytes in 64 KB chunks through `app`; returns the sent messages and the bytes the app pulled."""
    sent: list[dict] = []
    pulled = 0

    async def receive() -> dict:
        nonlocal pulled
        if pulled >= total:
            await asyncio.sleep(3600)  # the client waits: a handler listening for disconnect just waits too
        pulled += len(CHUNK)
        return {"type": "http.request", "body": CHUNK, "more_body": pulled < total}

    async def send(message: dict) -> None:
        sent.append(message)

    async def run() -> None:
        await asyncio.wait_for(app(_scope(content_length), receive, send), timeout=120)

    asyncio.run(run())
    return sent, pulled


def _status(sent: list[dict]) -> int:
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def _body(sent: list[dict]) -> str:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()


@pytest.fixture
def asgi_app():
    """The production ASGI application (no database: the refusal happens before any view runs)."""
    from cse.asgi import application

    return application


@pytest.mark.parametrize(
    "content_length",
    [BODY_BYTES, 100, None],
    ids=["declared-50MB", "lying-content-length", "no-content-length"],
)
def test_50mb_body_is_refused_with_413_and_memory_stays_flat(asgi_app, settings, content_length):
    settings.CSE_MAX_REQUEST_BYTES = 20 * MB
    tracemalloc.start()
    try:
        sent, pulled = _post(asgi_app, content_length)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _status(sent) == 413
    assert "supera la dimensione massima consentita (20 MB)" in _body(sent)
    assert pulled <= 20 * MB + len(CHUNK)  # reading stopped at the limit, the rest of the 50 MB never pulled
    assert peak < 5 * MB, f"picco di memoria {peak / MB:.1f} MB per un corpo di 50 MB"


def test_declared_length_over_the_limit_reads_nothing():
    called = False

    async def app(scope, receive, send):
        nonlocal called
        called = True

    sent, pulled = _post(RequestBodyLimitMiddleware(app, max_bytes=MB), content_length=BODY_BYTES)
    assert _status(sent) == 413
    assert pulled == 0 and not called


def test_body_within_the_limit_reaches_the_application_whole():
    received = bytearray()

    async def app(scope, receive, send):
        while True:
            message = await receive()
            received.extend(message["body"])
            if not message["more_body"]:
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    total = 10 * len(CHUNK)
    sent, _ = _post(RequestBodyLimitMiddleware(app, max_bytes=MB), content_length=None, total=total)
    assert _status(sent) == 200
    assert len(received) == total


def test_other_scopes_pass_through_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    asyncio.run(RequestBodyLimitMiddleware(app, max_bytes=1)({"type": "websocket"}, None, None))
    assert seen == ["websocket"]
