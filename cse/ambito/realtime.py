"""Live UVM board: services announce a change after commit; the consumer re-checks access before every send."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer
from django.template.loader import render_to_string

from cse.core.live import group_broadcast


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


class UVMBoardConsumer(JsonWebsocketConsumer):
    """ws/uvm/<pk>/: joins the session's group only if the permission layer lets the user see the session.

    A foreign, absent or expired-access session is refused identically (close code 4404, nothing sent)."""

    def connect(self):
        from .selectors import sessione_visible

        self.sessione_pk = int(self.scope["url_route"]["kwargs"]["pk"])
        user = self.scope.get("user")
        if user is None or sessione_visible(user, self.sessione_pk) is None:
            self.close(code=4404)
            return
        async_to_sync(self.channel_layer.group_add)(group_for(self.sessione_pk), self.channel_name)
        self.accept()

    def disconnect(self, code):
        async_to_sync(self.channel_layer.group_discard)(group_for(self.sessione_pk), self.channel_name)

    def receive_json(self, content, **kwargs):
        """Clients only listen; changes go through the HTTP views and their services."""

    def board_changed(self, event):
        from cse.core.permissions import forget_cached_capabilities

        from .selectors import sessione_visible

        user = self.scope["user"]
        forget_cached_capabilities(user)
        sessione = sessione_visible(user, self.sessione_pk)
        if sessione is None:  # access expired or revoked since connecting: leave, say nothing
            async_to_sync(self.channel_layer.group_discard)(group_for(self.sessione_pk), self.channel_name)
            self.close(code=4404)
            return
        self.send_json({"type": "board", "html": render_board(sessione)})
