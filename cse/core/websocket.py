"""Websocket side of the authentication gate (cse/core/gate.py).

WebsocketGateMiddleware refuses a connection before the consumer accepts it; GatedJsonWebsocketConsumer, the base
of every consumer of the product, keeps the decision true while the socket is open: it re-runs the gate every
CSE_WS_RECHECK_SECONDS on a freshly loaded session and user, and at once when a gate event (logout, deactivation,
revoked incarico or grant, deleted OTP device: gate_signals.py) reaches the user's group. Close codes: 4401 log in
again (no session, logged out, expired, second factor missing), 4403 no longer authorised; a consumer's own
object check keeps its own code (refusal_code).
"""

from __future__ import annotations

import asyncio
import logging
from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from channels.middleware import BaseMiddleware
from django.conf import settings

from .gate import CLOSE_NOT_AUTHORISED, GateDecision, Reason, check_gate, refused, user_group

logger = logging.getLogger(__name__)
CLOSE_INTERNAL_ERROR = 1011


def gate_for_scope(scope) -> GateDecision:
    """The gate on what the session and auth middlewares put in the scope (at connect)."""
    return check_gate(scope.get("user"), scope.get("session"))


def fresh_gate_decision(session_key: str | None, user_id: int) -> GateDecision:
    """The gate on the session and user as they are now in the database, not as they were at connect: a logout
    deleted the row, an idle session expired, the account was deactivated or its password changed."""
    from django.contrib.auth import HASH_SESSION_KEY, get_user_model
    from django.utils.crypto import constant_time_compare

    if not session_key:
        return refused(Reason.SESSION_ENDED)
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return refused(Reason.ANONYMOUS)
    if not constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return refused(Reason.SESSION_ENDED)
    return check_gate(user, session)


class _Refusal(AsyncWebsocketConsumer):
    """Answers the handshake with the gate's close code, before any accept."""

    async def connect(self):
        await self.close(code=self.scope["gate"].close_code)


class WebsocketGateMiddleware(BaseMiddleware):
    """Between the auth middleware and the URLRouter: no consumer is even built for a session the gate refuses."""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        decision = await database_sync_to_async(gate_for_scope)(scope)
        scope = dict(scope, gate=decision)
        if not decision.allowed:
            return await _Refusal.as_asgi()(scope, receive, send)
        return await self.inner(scope, receive, send)


class GatedJsonWebsocketConsumer(AsyncJsonWebsocketConsumer):
    """Base of every consumer: gate at connect, the subclass's object check, then periodic and event-driven
    rechecks that close the socket as soon as either says no.

    Subclasses implement authorise() (object-level, may run queries through database_sync_to_async) and
    live_groups() (the groups whose messages they serve); they never call accept() themselves."""

    refusal_code: int = CLOSE_NOT_AUTHORISED

    async def authorise(self) -> bool:
        return True

    def live_groups(self) -> list[str]:
        return []

    async def connect(self):
        self._gate_closed = False
        self._recheck_task: asyncio.Task | None = None
        decision = self.scope.get("gate") or await database_sync_to_async(gate_for_scope)(self.scope)
        if not decision.allowed:
            await self.close_with(decision.close_code)
            return
        if not await self.authorise():
            await self.close_with(self.refusal_code)
            return
        self._user_id = self.scope["user"].pk
        self._session_key = self.scope["session"].session_key
        for group in self._groups():
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        self._recheck_task = asyncio.create_task(self._recheck_loop())

    async def disconnect(self, code):
        await self._leave()

    async def gate_recheck(self, event):
        """A gate event for this user (gate_signals.py): re-check now instead of at the next tick. A logout names
        the session it ends: its sockets close without waiting for the session row to be deleted."""
        if self._gate_closed:
            return
        if event.get("ended_session") and event["ended_session"] == self._session_key:
            await self.close_with(refused(Reason.SESSION_ENDED).close_code)
            return
        await self.recheck()

    async def recheck(self) -> bool:
        """Gate on fresh data, then the object check; close with the first refusal's code."""
        from .permissions import forget_cached_capabilities

        decision = await database_sync_to_async(fresh_gate_decision)(self._session_key, self._user_id)
        if not decision.allowed:
            await self.close_with(decision.close_code)
            return False
        forget_cached_capabilities(self.scope["user"])
        if not await self.authorise():
            await self.close_with(self.refusal_code)
            return False
        return True

    async def _recheck_loop(self) -> None:
        while not self._gate_closed:
            await asyncio.sleep(settings.CSE_WS_RECHECK_SECONDS)
            try:
                await self.recheck()
            except Exception:  # fail closed: a socket the gate cannot judge is not kept open
                logger.exception("controllo periodico del websocket non riuscito")
                await self.close_with(CLOSE_INTERNAL_ERROR)

    def _groups(self) -> list[str]:
        return [user_group(self._user_id), *self.live_groups()]

    async def close_with(self, code: int) -> None:
        """Leave every group and close with `code` (once)."""
        if getattr(self, "_gate_closed", False):
            return
        self._gate_closed = True
        await self._leave()
        await self.close(code=code)

    async def _leave(self) -> None:
        self._gate_closed = True
        task = getattr(self, "_recheck_task", None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        if hasattr(self, "_user_id"):
            for group in self._groups():
                await self.channel_layer.group_discard(group, self.channel_name)
