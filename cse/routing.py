"""Websocket routes of all tiers; each consumer joins groups only through the permission layer."""

websocket_urlpatterns: list = []

from django.urls import path  # noqa: E402

from cse.ambito.realtime import UVMBoardConsumer  # noqa: E402
from cse.cartella.consumers import ScadenzeConsumer  # noqa: E402
from cse.cittadino.consumers import AgendaConsumer  # noqa: E402

websocket_urlpatterns += [
    path("ws/uvm/<int:pk>/", UVMBoardConsumer.as_asgi()),  # ambito: live UVM board
    path("ws/agenda/<int:sportello_id>/", AgendaConsumer.as_asgi()),  # citizen bookings → front-office agenda
    path("ws/scadenze/", ScadenzeConsumer.as_asgi()),  # the operator's overdue/due-today deadlines (header badge)
]
