"""Websocket routes of all tiers; each consumer joins groups only through the permission layer."""

websocket_urlpatterns: list = []
