"""HTTP side of the authentication gate (cse/core/gate.py) and the other request-wide policies."""

from __future__ import annotations

import time

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse

from .gate import SESSION_STARTED_KEY, Reason, account_facts, check_gate, session_too_old

__all__ = ["RECENT_AUTH_KEY", "SESSION_STARTED_KEY", "AuthenticationGateMiddleware", "mark_authenticated"]

RECENT_AUTH_KEY = "cse_recent_auth"  # epoch seconds of the last password entry (login or "Conferma la tua password")
RENEWED_KEY = "cse_renewed"  # epoch seconds of the last push of the session's idle expiry

# Pages a half-logged-in session must still reach (to finish logging in or to leave), and the parts of the site with
# their own authentication: the citizen portal (SPID/CIE, no operator second factor), the WaaS e-service (PDND
# voucher on every call), the readiness probe and static files.
GATE_EXEMPT_URL_NAMES = {"login", "logout", "otp_verify", "otp_setup", "salute"}
GATE_EXEMPT_PREFIXES = ("/cittadino/", "/siuss/waas/", "/salute/")


def _resolve(path: str):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None


def _exempt_prefix(request) -> bool:
    return request.path.startswith((settings.STATIC_URL, *GATE_EXEMPT_PREFIXES))


def _exempt_page(request) -> bool:
    match = request.resolver_match or _resolve(request.path_info)
    return match is not None and match.url_name in GATE_EXEMPT_URL_NAMES


def mark_authenticated(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: login starts the absolute clock, counts as a fresh password entry and as the latest
    renewal of the idle window (the login saves the session anyway)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED_KEY] = now
        request.session[RECENT_AUTH_KEY] = now
        request.session[RENEWED_KEY] = now


def _absolute_timeout_reached(request) -> bool:
    """Start the absolute clock of a session opened before it existed; True when the clock ran out (on any path:
    the session ends whatever page the request asks for)."""
    if SESSION_STARTED_KEY not in request.session:
        request.session[SESSION_STARTED_KEY] = int(time.time())
        return False
    return session_too_old(request.session, time.time())


class SessionRenewalMiddleware:
    """Idle expiry without a database write on every request. The session row expires SESSION_COOKIE_AGE after its
    last save; instead of saving it on every request (SESSION_SAVE_EVERY_REQUEST: one UPDATE per page, per poll),
    the window is pushed forward at most every CSE_SESSION_RENEW_SECONDS. An idle session still ends — at most that
    many seconds before the full window — and a busy session costs one write a minute, not one per request.
    Inside SessionMiddleware, so the mark set here is saved by it on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.modified and session.session_key:
            renewed = session.get(RENEWED_KEY, 0)  # loads the row: an unknown key leaves the session empty
            now = int(time.time())
            if not session.is_empty() and now - renewed >= settings.CSE_SESSION_RENEW_SECONDS:
                session[RENEWED_KEY] = now
        return response


class AuthenticationGateMiddleware:
    """Applies check_gate() to every HTTP request of a logged-in session (views, admin, Wagtail admin, downloads).

    Anonymous requests pass: each view's login_required decides what they see. A session past its absolute
    lifetime (CSE_SESSION_ABSOLUTE_SECONDS after login, however active), of a deactivated account or no longer its
    user's is logged out (the session row is deleted) and the request goes on as anonymous; a password-only session
    goes to the second-factor page; an operator without any active incarico gets a 403 page. Replaces the former
    RequireSecondFactorMiddleware and AbsoluteSessionTimeoutMiddleware with the same answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if _absolute_timeout_reached(request):
            logout(request)
            return self.get_response(request)
        if _exempt_prefix(request):
            return self.get_response(request)
        decision = check_gate(user, request.session)
        if decision.allowed or _exempt_page(request):
            return self.get_response(request)
        if decision.reason is Reason.SECOND_FACTOR:
            return redirect(f"{reverse('otp_verify')}?next={request.get_full_path()}")
        if decision.reason is Reason.NO_ROLE:
            return render(request, "core/gate_no_role.html", status=403)
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
        user = getattr(request, "user", None)
        if (
            request.path.startswith(OPERATOR_AREA)
            and user is not None
            and user.is_authenticated
            and account_facts(user).is_citizen  # the gate already asked (one query per request)
        ):
            match = request.resolver_match or _resolve(request.path_info)
            if match is None or match.url_name not in {"login", "logout"}:
                from cse.core.errors import operators_only

                return operators_only(request)
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
