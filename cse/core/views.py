"""Operator shell: home per role, second factor, and the ente administrator's screens."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import CodiceAttivazioneForm, OperatoreCreateForm, OtpTokenForm
from .forms_util import add_service_errors
from .models import Ente, Incarico
from .otp_activation import (
    codice_attivazione_issue,
    codice_attivazione_redeem,
    has_confirmed_device,
    otp_device_confirm,
)
from .permissions import ente_ids_for, ente_or_404
from .roles import Capability
from .services import incarico_revoke, operatore_create
from .submission import once_per_submission


@login_required
def home(request):
    incarichi = Incarico.objects.filter(operatore__user=request.user, attivo=True).select_related("ente")
    operators = ente_ids_for(request.user, Capability.MANAGE_OPERATORS)
    audit = ente_ids_for(request.user, Capability.VIEW_AUDIT)
    admin_enti = [
        {"ente": ente, "operators": ente.pk in operators, "audit": ente.pk in audit}
        for ente in Ente.objects.filter(pk__in=operators | audit)
    ]
    is_redattore = any(i.ruolo == "redattore_portale" for i in incarichi)
    return render(
        request, "core/home.html", {"incarichi": incarichi, "admin_enti": admin_enti, "is_redattore": is_redattore}
    )


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
def otp_verify(request):
    devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=True)
    if not devices.exists():
        return redirect(f"{reverse('otp_setup')}?next={_safe_next(request, reverse('home'))}")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request, reverse("home")))
        form.add_error("token", "Codice non valido o scaduto.")
    return render(request, "core/otp_verify.html", {"form": form, "next": _safe_next(request, reverse("home"))})


ENROL_DEVICE_KEY = "cse_otp_enrol_device"  # the unconfirmed device this session unlocked with an activation code


@login_required
def otp_setup(request):
    """First enrolment of a TOTP app: first the administrator's activation code, then the QR code and a TOTP code;
    once confirmed, only verification is possible here."""
    if has_confirmed_device(request.user):
        return redirect("otp_verify")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(ENROL_DEVICE_KEY), user=request.user, confirmed=False
    ).first()
    if device is None:
        return _otp_activation(request)
    return _otp_confirm(request, device)


def _otp_activation(request):
    """Step 1: the one-time code from the ente's administrator unlocks a fresh device (its secret is shown only
    after this, so a stolen password alone never sees it)."""
    form = CodiceAttivazioneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = codice_attivazione_redeem(user=request.user, codice=form.cleaned_data["codice"])
        except ValidationError as exc:
            form.add_error("codice", exc.messages[0])
        else:
            request.session[ENROL_DEVICE_KEY] = device.pk
            return redirect(f"{reverse('otp_setup')}?next={_safe_next(request, reverse('home'))}")
    context = {"form": form, "next": _safe_next(request, reverse("home"))}
    return render(request, "core/otp_attivazione.html", context, status=400 if form.errors else 200)


def _otp_confirm(request, device: TOTPDevice):
    """Step 2: scan the QR code and prove it with a first TOTP code."""
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp_device_confirm(device=device, token=form.cleaned_data["token"]):
            request.session.pop(ENROL_DEVICE_KEY, None)
            otp_login(request, device)
            messages.success(request, "Secondo fattore attivato.")
            return redirect(_safe_next(request, reverse("home")))
        form.add_error("token", "Codice non valido: controllare l'ora del telefono e riprovare.")
    buffer = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return render(
        request,
        "core/otp_setup.html",
        {"form": form, "qr_svg": buffer.getvalue().decode(), "next": _safe_next(request, reverse("home"))},
    )


@login_required
@once_per_submission
def ente_operatori(request, pk: int):
    ente = ente_or_404(request.user, pk, Capability.MANAGE_OPERATORS)
    form = OperatoreCreateForm(request.POST or None, tipo_ente=ente.tipo)
    if request.method == "POST" and form.is_valid():
        try:
            operatore = operatore_create(ente=ente, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Operatore {operatore} creato.")
            return redirect("ente_operatori", pk=ente.pk)
    incarichi = (
        Incarico.objects.filter(ente=ente)
        .select_related("operatore__user")
        .order_by("-attivo", "operatore__user__last_name")
    )
    return render(request, "core/ente_operatori.html", {"ente": ente, "incarichi": incarichi, "form": form})


@login_required
@require_POST
def incarico_revoca(request, pk: int):
    incarico = get_object_or_404(Incarico, pk=pk, ente_id__in=ente_ids_for(request.user, Capability.MANAGE_OPERATORS))
    if incarico.operatore.user_id == request.user.pk:
        messages.error(request, "Non è possibile revocare il proprio incarico.")
    else:
        incarico_revoke(incarico=incarico)
        messages.success(request, f"Incarico revocato: {incarico}.")
    return redirect("ente_operatori", pk=incarico.ente_id)


@login_required
@require_POST
def codice_attivazione_emetti(request, pk: int):
    """The ente's administrator issues an operator's activation code: shown once, on this page only."""
    incarico = get_object_or_404(
        Incarico.objects.select_related("operatore__user", "ente"),
        pk=pk,
        attivo=True,
        ente_id__in=ente_ids_for(request.user, Capability.MANAGE_OPERATORS),
    )
    try:
        codice = codice_attivazione_issue(operatore=incarico.operatore, ente=incarico.ente, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("ente_operatori", pk=incarico.ente_id)
    context = {"incarico": incarico, "codice": codice, "ore": settings.CSE_OTP_ACTIVATION_HOURS}
    return render(request, "core/codice_attivazione.html", context)
