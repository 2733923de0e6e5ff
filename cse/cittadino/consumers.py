"""Live agenda: operators of an office's comune receive a message when a citizen books, moves or cancels."""

from __future__ import annotations

from channels.db import database_sync_to_async

from cse.core.permissions import has_capability
from cse.core.roles import Capability
from cse.core.websocket import GatedJsonWebsocketConsumer

from .notify import agenda_group


@database_sync_to_async
def _may_watch(user, sportello_id: int) -> bool:
    from .agenda import Sportello

    ente_id = Sportello.objects.filter(pk=sportello_id).values_list("ente_id", flat=True).first()
    return ente_id is not None and has_capability(user, Capability.MANAGE_AGENDA, ente_id)


class AgendaConsumer(GatedJsonWebsocketConsumer):
    """ws/agenda/<sportello_id>/: MANAGE_AGENDA in the office's comune, checked at connect and at every recheck of
    the gate (a revoked incarico or grant closes the socket with 4403)."""

    async def authorise(self) -> bool:
        self.sportello_id = int(self.scope["url_route"]["kwargs"]["sportello_id"])
        return await _may_watch(self.scope["user"], self.sportello_id)

    def live_groups(self) -> list[str]:
        return [agenda_group(self.sportello_id)]

    async def agenda_changed(self, event):
        await self.send_json({"evento": event["evento"], "prenotazione": event["prenotazione"]})
