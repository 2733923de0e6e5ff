from __future__ import annotations

from django.conf import settings

from .permissions import capabilities_in_any_ente


def operator_context(request) -> dict:
    user = getattr(request, "user", None)
    caps = capabilities_in_any_ente(user) if user is not None and user.is_authenticated else frozenset()
    return {"caps": caps, "CSE_DEMO": settings.CSE_DEMO}
