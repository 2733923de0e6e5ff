"""Operators must pass a TOTP second factor when not in demo mode (django-otp)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_URL_NAMES = {"login", "logout", "otp_verify", "otp_setup"}


class RequireSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.CSE_REQUIRE_OTP
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not hasattr(user, "cittadino")  # citizens come through SPID/CIE: no operator second factor
            and not request.path.startswith(settings.STATIC_URL)
        ):
            match = request.resolver_match or _resolve(request.path_info)
            if match is None or match.url_name not in EXEMPT_URL_NAMES:
                return redirect(f"{reverse('otp_verify')}?next={request.get_full_path()}")
        return self.get_response(request)


def _resolve(path: str):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None
