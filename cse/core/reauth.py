"""Re-authentication ("sudo mode"): exports and transfer requests need the password entered within the last
CSE_REAUTH_MINUTES, so a session left open on an unattended desk cannot carry data away or move a case.
Logging in counts as entering the password (cse.core.middleware.mark_authenticated)."""

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


@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    from .views import _safe_next

    next_url = _safe_next(request, reverse("home"))
    form = ConfermaPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # through authenticate(): failed attempts count towards django-axes' lock-out like at login
        user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
        if user is not None and user.pk == request.user.pk:
            request.session[RECENT_AUTH_KEY] = int(time.time())
            return redirect(next_url)
        form.add_error("password", "Password non corretta.")
    return render(request, "core/reauth.html", {"form": form, "next": next_url})
