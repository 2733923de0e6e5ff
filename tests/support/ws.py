"""Websocket test helpers: real session rows (password only, or verified with a TOTP device, as login and
otp_login leave them) and communicators on the full ASGI stack of cse/asgi.py (origin check, session and auth
middlewares, the authentication gate, the router)."""

from __future__ import annotations

import time
from importlib import import_module

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
RECEIVE_TIMEOUT = 10  # generous: the machines running the suite are shared and slow; a pass never waits for it


def session_key_for(user, *, verified: bool = True) -> str:
    """Create and save a session logged in as `user`; `verified` adds a confirmed TOTP device as if verified."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cse.core.middleware import SESSION_STARTED_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = MODEL_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SESSION_STARTED_KEY] = int(time.time())
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="app", confirmed=True
        )
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()
    return store.session_key


def communicator(path: str, session_key: str | None = None) -> WebsocketCommunicator:
    """A communicator on the production websocket stack, carrying the session cookie when given."""
    from cse.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def connect(path: str, user=None, *, verified: bool = True, session_key: str | None = None):
    """(communicator, connected, close code or subprotocol) for `user` (None: no session at all)."""
    if session_key is None and user is not None:
        session_key = await database_sync_to_async(session_key_for)(user, verified=verified)
    socket = communicator(path, session_key)
    connected, code = await socket.connect(timeout=RECEIVE_TIMEOUT)
    return socket, connected, code


async def closed_with(socket: WebsocketCommunicator) -> int | None:
    """Wait for the server to close the socket; the close code (None if it sent something else)."""
    output = await socket.receive_output(timeout=RECEIVE_TIMEOUT)
    return output.get("code") if output.get("type") == "websocket.close" else None
