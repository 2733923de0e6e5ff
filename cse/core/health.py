"""Readiness probe for load balancers and the production smoke test: is each backing service answering?

Public and cheap (a few milliseconds); it names components and their state only — no counts, no data.
200 when the main database answers (the app can serve), 503 otherwise; the regional database and the channel layer
are reported as "degradato" without failing the probe: bookings and case work go on while they recover.
"""

from __future__ import annotations

import asyncio
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        connections[alias].close()  # a broken connection is not reused by the next request
        return "non_raggiungibile"


def _channel_layer() -> str:
    """Round trip through the channel layer (Redis in production): what the live agenda and UVM board need."""

    async def round_trip() -> bool:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        probe = uuid.uuid4().hex
        await layer.send(channel, {"type": "salute.probe", "probe": probe})
        return (await layer.receive(channel)).get("probe") == probe

    async def bounded() -> bool:
        return await asyncio.wait_for(round_trip(), timeout=2)

    try:
        return "ok" if async_to_sync(bounded)() else "non_coerente"
    except Exception:
        return "non_raggiungibile"


@never_cache
@require_GET
def salute(request):
    componenti = {
        "database": _database("default"),
        "database_regionale": _database("regionale"),
        "channel_layer": _channel_layer(),
    }
    ok = componenti["database"] == "ok"
    stato = "ok" if all(v == "ok" for v in componenti.values()) else ("degradato" if ok else "non_disponibile")
    return JsonResponse({"stato": stato, "componenti": componenti}, status=200 if ok else 503)
