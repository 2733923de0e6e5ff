"""Live updates to websocket groups, sent after commit by services that may run in sync or async code."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def group_broadcast(group: str, message: dict) -> None:
    """Announce a change to a group. The change is already committed: a lost announcement only delays a screen's
    refresh (every live screen also reloads on reconnect), so failures are logged, never raised."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    try:
        if loop is not None:  # called from async code: schedule, never block the loop
            loop.create_task(layer.group_send(group, message))
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception("aggiornamento in tempo reale non inviato (%s)", group)
