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


# --- sessions ---------------------------------------------------------------------------------------------------------

SESSION_STARTED_KEY = "cse_session_started"  # epoch seconds of the login: the absolute timeout counts from here
RECENT_AUTH_KEY = "cse_recent_auth"  # epoch seconds of the last password entry (login or "Conferma la tua password")


def mark_authenticated(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: login starts the absolute clock and counts as a fresh password entry."""
    import time

    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED_KEY] = now
        request.session[RECENT_AUTH_KEY] = now


class AbsoluteSessionTimeoutMiddleware:
    """Ends a session CSE_SESSION_ABSOLUTE_SECONDS after login however active it was (the idle timeout alone would
    let a session renewed every few minutes live forever): the session row is deleted, the user logs in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:  # a session opened before this middleware existed: start counting now
                request.session[SESSION_STARTED_KEY] = int(time.time())
            elif time.time() - started > settings.CSE_SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


# --- citizens stay in the portal ---------------------------------------------------------------------------------

OPERATOR_AREA = (
    "/operatore/",
    "/locale/",
    "/ambito/",
    "/regionale/",
    "/siuss/enti/",
    "/siuss/prestazioni/",
    "/siuss/cartelle/",
)


class CitizensOutsideOperatorAreaMiddleware:
    """A citizen's account (SPID/CIE) holds no incarico: the operator shell answers it 404 like any page it may not
    see, instead of rendering empty operator lists (authorization crawl, tests/access_policy.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import Http404

        user = getattr(request, "user", None)
        if (
            request.path.startswith(OPERATOR_AREA)
            and user is not None
            and user.is_authenticated
            and hasattr(user, "cittadino")  # one query, on operator-area requests only
        ):
            match = request.resolver_match or _resolve(request.path_info)
            if match is None or match.url_name not in {"login", "logout"}:
                from cse.core.errors import not_found

                return not_found(request, Http404())
        return self.get_response(request)


# --- security headers --------------------------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a per-request nonce, Permissions-Policy. A few lines instead of django-csp (not
    a dependency of the project): one policy, one nonce. Inline <script> blocks carry nonce="{{ request.csp_nonce }}";
    styles allow 'unsafe-inline' because htmx and Bootstrap Italia inject style attributes at runtime. Wagtail's
    admin (/cms/) ships inline scripts and previews itself in a frame: it keeps its own rules (no CSP, SAMEORIGIN)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import secrets

        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
        if request.path.startswith(settings.CSE_CSP_EXEMPT_PREFIXES):
            response["X-Frame-Options"] = "SAMEORIGIN"
            return response
        response.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' 'nonce-{request.csp_nonce}'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'self'; form-action 'self'; object-src 'none'",
        )
        return response


# --- caching of personal data --------------------------------------------------------------------------------------

# Surfaces whose every response may carry personal data, logged in or not (a booking receipt opened from the
# e-mail link has no session): operators, ambito, regional tier, SIUSS e-service/API, Django admin, Wagtail admin,
# the citizens' booking pages.
PRIVATE_PREFIXES = (
    "/operatore/",
    "/locale/",
    "/ambito/",
    "/regionale/",
    "/siuss/",
    "/gestione/",
    "/cms/",
    "/cittadino/",
)
NO_STORE = "no-store, private"


class NoStoreForPersonalDataMiddleware:
    """Cache-Control: no-store, private on every response of a private surface and of any authenticated session,
    so that neither a shared proxy nor the browser's disk cache keeps a page or file with personal data (back button
    after logout on a shared front-office PC). Static files keep their own long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if needs_no_store(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = NO_STORE
            del response["Expires"]
        return response


def needs_no_store(request) -> bool:
    """True unless the request is for a static file, or a public page seen without a session."""
    if request.path.startswith(settings.STATIC_URL):
        return False
    if request.path.startswith(PRIVATE_PREFIXES):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
