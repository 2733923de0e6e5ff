"""The authentication gate: one decision, used by every transport (HTTP middleware, websocket middleware and
consumers, the admin, Wagtail's admin, file downloads).

A session is let through when the account is authenticated and active, the session is still the user's (not logged
out, not expired), it is younger than CSE_SESSION_ABSOLUTE_SECONDS, the second factor was verified when
CSE_REQUIRE_OTP requires it for that account (citizens come through SPID/CIE and have none), and an operator still
holds at least one active incarico. Object-level permissions stay with each view or consumer: the gate only says
whether the session may act at all. Cost: at most three small queries (session row, OTP device, the user's
identity of cse/core/permissions.py, which the page's permission checks then reuse); the HTTP path reuses what
Django and django-otp already loaded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

SESSION_STARTED_KEY = "cse_session_started"  # epoch seconds of the login: the absolute timeout counts from here

# Websocket close codes (docs/authentication.md). 4401: log in (again); 4403: this account may no longer do this.
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_NOT_AUTHORISED = 4403


class Reason(StrEnum):
    OK = "ok"
    ANONYMOUS = "anonymous"
    SESSION_ENDED = "session_ended"
    ABSOLUTE_TIMEOUT = "absolute_timeout"
    SECOND_FACTOR = "second_factor"
    INACTIVE = "inactive"
    NO_ROLE = "no_role"


_CLOSE_CODES = {
    Reason.ANONYMOUS: CLOSE_NOT_AUTHENTICATED,
    Reason.SESSION_ENDED: CLOSE_NOT_AUTHENTICATED,
    Reason.ABSOLUTE_TIMEOUT: CLOSE_NOT_AUTHENTICATED,
    Reason.SECOND_FACTOR: CLOSE_NOT_AUTHENTICATED,
    Reason.INACTIVE: CLOSE_NOT_AUTHORISED,
    Reason.NO_ROLE: CLOSE_NOT_AUTHORISED,
}


@dataclass(frozen=True)
class GateDecision:
    allowed: bool
    reason: Reason
    close_code: int | None = None


ALLOWED = GateDecision(True, Reason.OK)


def refused(reason: Reason) -> GateDecision:
    return GateDecision(False, reason, _CLOSE_CODES[reason])


@dataclass(frozen=True)
class AccountFacts:
    """What the gate needs to know about an account beyond the user row (one query, cached on the user object)."""

    is_citizen: bool
    is_operator: bool
    has_active_incarico: bool


def account_facts(user) -> AccountFacts:
    """Read from the user's identity (cse/core/permissions.py): the same single query gives the capabilities and
    the header's incarichi, so the gate costs a list page nothing more."""
    from .permissions import identity

    found = identity(user)
    return AccountFacts(found.is_citizen, found.is_operator, bool(found.incarichi))


def forget_account_facts(user) -> None:
    from .permissions import forget_cached_capabilities

    forget_cached_capabilities(user)


def second_factor_required(user) -> bool:
    """Operators (and every non-citizen account) need TOTP unless CSE_REQUIRE_OTP is off (demo mode)."""
    return bool(settings.CSE_REQUIRE_OTP) and not account_facts(user).is_citizen


def second_factor_verified(user, session) -> bool:
    """django-otp's own answer on HTTP (OTPMiddleware); on a websocket, the device the session was verified with
    must still exist and belong to the user (deleting the device unverifies every session at once)."""
    if hasattr(user, "otp_device"):
        return user.otp_device is not None
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    device = Device.from_persistent_id(persistent_id, for_verify=False) if persistent_id else None
    return device is not None and device.user_id == user.pk


def session_is_users(user, session) -> bool:
    """The session still carries this login: a logged-out, flushed or expired session loads empty."""
    from django.contrib.auth import SESSION_KEY

    return session is not None and str(session.get(SESSION_KEY)) == str(user.pk)


def session_too_old(session, now: float) -> bool:
    started = session.get(SESSION_STARTED_KEY)
    return started is not None and now - started > settings.CSE_SESSION_ABSOLUTE_SECONDS


def role_still_valid(user) -> bool:
    """An operator whose incarichi were all revoked holds no role any more; superusers, citizens and external UVM
    members (no operator profile) are judged by the object permissions of what they open."""
    facts = account_facts(user)
    return user.is_superuser or not facts.is_operator or facts.has_active_incarico


def check_gate(user, session, *, now: float | None = None) -> GateDecision:
    """The single decision every transport applies before serving a session (see the module docstring)."""
    now = time.time() if now is None else now
    if user is None or not user.is_authenticated:
        return refused(Reason.ANONYMOUS)
    if not session_is_users(user, session):
        return refused(Reason.SESSION_ENDED)
    if not user.is_active:
        return refused(Reason.INACTIVE)
    if session_too_old(session, now):
        return refused(Reason.ABSOLUTE_TIMEOUT)
    if second_factor_required(user) and not second_factor_verified(user, session):
        return refused(Reason.SECOND_FACTOR)
    if not role_still_valid(user):
        return refused(Reason.NO_ROLE)
    return ALLOWED


def user_group(user_id: int) -> str:
    """Channel group every open socket of a user joins: gate events reach all of them at once."""
    return f"gate-user-{user_id}"
