"""A Daphne (ASGI) server in a thread of the test process, for browser tests that need websockets.

pytest-django's live_server speaks WSGI only; channels' own live server forks a process, which cannot see the
in-memory SQLite test database. A thread sees it (Django's test database is a shared-cache in-memory URI). The
Twisted reactor cannot be restarted, so one browser test per process may use this.

A shared-cache in-memory SQLite database does not wait for a lock: a second connection touching a table another one
is writing fails at once ("database table is locked"). Requests write their session (once a minute, and at login),
so two pages of one test (the citizen booking, the front office refreshing its live agenda) would fail now and then.
The server therefore handles one HTTP request at a time, as the embedded database can (websockets stay concurrent).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_request_at_a_time(application):
    """ASGI wrapper: HTTP requests in turn, websocket connections untouched."""
    lock = asyncio.Lock()

    async def serialised(scope, receive, send):
        if scope["type"] != "http":
            return await application(scope, receive, send)
        async with lock:
            return await application(scope, receive, send)

    return serialised


class AsgiServerThread:
    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._reactor = None
        self.error: BaseException | None = None

    def _run(self):
        try:
            from channels.testing.live import make_application
            from daphne.endpoints import build_endpoint_description_strings
            from daphne.testing import _reinstall_reactor
            from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

            _reinstall_reactor()
            from daphne.server import Server
            from twisted.internet import reactor

            self._reactor = reactor
            server = Server(
                application=one_request_at_a_time(make_application(static_wrapper=ASGIStaticFilesHandler)),
                endpoints=build_endpoint_description_strings(host="127.0.0.1", port=self.port),
                signal_handlers=False,
            )
            server.run()
        except BaseException as exc:  # surfaced by start()
            self.error = exc

    def start(self) -> AsgiServerThread:
        self._thread.start()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.error:
                raise self.error
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("il server ASGI di prova non è partito")

    def stop(self) -> None:
        if self._reactor is not None:
            self._reactor.callFromThread(self._reactor.stop)
        self._thread.join(timeout=5)
