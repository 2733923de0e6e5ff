"""Live agenda: operators of an office's comune receive a message when a citizen books, moves or cancels."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from cse.core.permissions import has_capability
from cse.core.roles import Capability

from .notify import agenda_group


@database_sync_to_async
def _may_watch(user, sportello_id: int) -> bool:
    from .agenda import Sportello

    ente_id = Sportello.objects.filter(pk=sportello_id).values_list("ente_id", flat=True).first()
    return ente_id is not None and has_capability(user, Capability.MANAGE_AGENDA, ente_id)


class AgendaConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        self.sportello_id = int(self.scope["url_route"]["kwargs"]["sportello_id"])
        if user is None or not user.is_authenticated or not await _may_watch(user, self.sportello_id):
            await self.close(code=4403)
            return
        self.group = agenda_group(self.sportello_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def agenda_changed(self, event):
        await self.send_json({"evento": event["evento"], "prenotazione": event["prenotazione"]})
