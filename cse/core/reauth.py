"""Re-authentication ("sudo mode"): exports and transfer requests need the password entered within the last
CSE_REAUTH_MINUTES, so a session left open on an unattended desk cannot carry data away or move a case.
Logging in counts as entering the password (cse.core.middleware.mark_authenticated). An operator with a second
factor confirms with it too: the password alone is what a shoulder-surfer at the front desk may have seen."""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .middleware import RECENT_AUTH_KEY


def has_recent_auth(request: HttpRequest) -> bool:
    entered = request.session.get(RECENT_AUTH_KEY)
    return entered is not None and time.time() - entered <= settings.CSE_REAUTH_MINUTES * 60


def reauth_redirect(request: HttpRequest, next_url: str | None = None) -> HttpResponse:
    return redirect(f"{reverse('reauth')}?{urlencode({'next': next_url or request.get_full_path()})}")


def require_recent_auth(view):
    """Decorator: without a recent password entry, go to "Conferma la tua password" and come back here after."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_recent_auth(request):
            return reauth_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


class ConfermaPasswordForm(forms.Form):
    password = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    token = forms.CharField(
        label="Codice dell'app di autenticazione",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, with_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["token"]


@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    from .views import _safe_next

    next_url = _safe_next(request, reverse("home"))
    with_code = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists()
    form = ConfermaPasswordForm(request.POST or None, with_code=with_code)
    if request.method == "POST" and form.is_valid():
        # through authenticate(): failed attempts count towards django-axes' lock-out like at login
        user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
        if user is None or user.pk != request.user.pk:
            form.add_error("password", "Password non corretta.")
        elif with_code and match_token(request.user, form.cleaned_data["token"].strip()) is None:
            form.add_error("token", "Codice non valido o scaduto.")
        else:
            request.session[RECENT_AUTH_KEY] = int(time.time())
            return redirect(next_url)
    return render(request, "core/reauth.html", {"form": form, "next": next_url, "with_code": with_code})
