"""`manage.py check --deploy` reports the unsafe configurations production refuses to start with."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from cse.settings.checks import unsafe_configuration_problems


@register(Tags.security, deploy=True)
def unsafe_configuration_check(app_configs=None, **kwargs) -> list[Error]:
    names = ("CSE_WEB_WORKERS", "REDIS_URL", "WAGTAILADMIN_BASE_URL", "CSE_BOOKING_RECEIPT_DAYS", "CSE_SPID_MIN_LEVEL")
    values = {name: getattr(settings, name) for name in names if hasattr(settings, name)}
    return [Error(message, id="cse.E001") for message in unsafe_configuration_problems(values)]
