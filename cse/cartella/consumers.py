"""Live counter of an operator's overdue and due-today deadlines (the header badge), through the authentication gate.

The socket joins only its own operator's group (cse/cartella/scadenze.py:counter_group); a message there carries no
data, only "recount": the number is computed for the socket's user through the permission layer
(`Cartella.objects.visible_to`), so a deadline of a case the user cannot see never reaches their count.
"""

from __future__ import annotations

from channels.db import database_sync_to_async

from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability
from cse.core.websocket import GatedJsonWebsocketConsumer

from .scadenze import counter, counter_group


@database_sync_to_async
def _works_on_cases(user) -> bool:
    return bool(ente_ids_for(user, Capability.VIEW_PERSONE))


@database_sync_to_async
def _count(user) -> int:
    return counter(user)


class ScadenzeConsumer(GatedJsonWebsocketConsumer):
    """ws/scadenze/: an operator who may see cases (VIEW_PERSONE somewhere), checked at connect and at every recheck."""

    async def authorise(self) -> bool:
        return await _works_on_cases(self.scope["user"])

    def live_groups(self) -> list[str]:
        return [counter_group(self.scope["user"].pk)]

    async def connect(self):
        await super().connect()
        if not getattr(self, "_gate_closed", True):
            await self.send_count()

    async def send_count(self) -> None:
        await self.send_json({"scadenze": await _count(self.scope["user"])})

    async def scadenze_changed(self, event):
        await self.send_count()
