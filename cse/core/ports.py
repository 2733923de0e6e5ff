"""The composition root picks the adapter behind each port of the domain.

`settings.CSE_ADAPTERS` maps a port name to the dotted path of a class built with no arguments (the defaults, in
cse/settings/base.py, are the interop/ adapters). The domain asks here, so it never imports interop/; a test or a
deployment swaps an adapter by changing the path (`override_settings(CSE_ADAPTERS={...})`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


def adapter(port: str) -> object:
    """A fresh instance of the adapter configured for `port` (adapters hold no state of their own)."""
    try:
        path = settings.CSE_ADAPTERS[port]
    except (AttributeError, KeyError) as exc:
        raise ImproperlyConfigured(f"CSE_ADAPTERS has no adapter for the port {port!r}.") from exc
    return import_string(path)()
