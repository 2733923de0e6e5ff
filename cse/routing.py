"""Websocket routes of all tiers; each consumer joins groups only through the permission layer."""

websocket_urlpatterns: list = []

# Citizen bookings → front-office agenda (issue 9)
from django.urls import path  # noqa: E402

from cse.cittadino.consumers import AgendaConsumer  # noqa: E402

websocket_urlpatterns += [path("ws/agenda/<int:sportello_id>/", AgendaConsumer.as_asgi())]
