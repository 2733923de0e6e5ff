"""A small fixed-window rate limit on the cache (per client address and per session), against booking abuse."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_keys(request: HttpRequest) -> list[str]:
    keys = [f"ip:{request.META.get('REMOTE_ADDR', '')}"]
    if request.session.session_key:
        keys.append(f"session:{request.session.session_key}")
    return keys


def rate_limited(request: HttpRequest, scope: str = "prenota") -> bool:
    """Count one attempt; True if this client has gone over the limit within the window."""
    window = settings.CSE_BOOKING_RATE_WINDOW_SECONDS
    over = False
    for key in client_keys(request):
        name = f"cse-rl:{scope}:{key}"
        cache.add(name, 0, timeout=window)
        try:
            count = cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.set(name, 1, timeout=window)
            count = 1
        over = over or count > settings.CSE_BOOKING_RATE_LIMIT
    return over
