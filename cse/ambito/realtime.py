"""Live UVM board: services announce a change after commit; the consumer re-checks access before every send."""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.template.loader import render_to_string

from cse.core.live import group_broadcast
from cse.core.websocket import GatedJsonWebsocketConsumer


def group_for(sessione_pk: int) -> str:
    return f"uvm-{sessione_pk}"


def board_changed(sessione_pk: int) -> None:
    group_broadcast(group_for(sessione_pk), {"type": "board.changed", "sessione": sessione_pk})


def board_context(sessione) -> dict:
    from .scale import configured_scales

    return {
        "sessione": sessione,
        "membri": sessione.membri.select_related("user"),
        "valutazioni": sessione.valutazioni.all(),
        "scale": configured_scales(),
    }


def render_board(sessione) -> str:
    return render_to_string("ambito/_board.html", board_context(sessione))


def _visible_board(user, sessione_pk: int) -> str | None:
    """The board's HTML if the user may see the session now, else None."""
    from .selectors import sessione_visible

    sessione = sessione_visible(user, sessione_pk)
    return None if sessione is None else render_board(sessione)


class UVMBoardConsumer(GatedJsonWebsocketConsumer):
    """ws/uvm/<pk>/: joins the session's group only if the permission layer lets the user see the session.

    A foreign, absent or expired-access session is refused identically (close code 4404, nothing sent), at connect,
    before every send and at every recheck of the authentication gate."""

    refusal_code = 4404

    async def authorise(self) -> bool:
        from .selectors import sessione_visible

        self.sessione_pk = int(self.scope["url_route"]["kwargs"]["pk"])
        return await database_sync_to_async(sessione_visible)(self.scope["user"], self.sessione_pk) is not None

    def live_groups(self) -> list[str]:
        return [group_for(self.sessione_pk)]

    async def receive_json(self, content, **kwargs):
        """Clients only listen; changes go through the HTTP views and their services."""

    async def board_changed(self, event):
        from cse.core.permissions import forget_cached_capabilities

        user = self.scope["user"]
        forget_cached_capabilities(user)
        html = await database_sync_to_async(_visible_board)(user, self.sessione_pk)
        if html is None:  # access expired or revoked since connecting: leave, say nothing
            await self.close_with(self.refusal_code)
            return
        await self.send_json({"type": "board", "html": html})
