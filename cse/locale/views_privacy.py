"""The privacy part of the person page: record the informativa given, a consent given, a consent withdrawn. POST only,
each through one action of cse/cartella/actions/consensi.py; errors come back as messages on the person page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cse.cartella.actions import consensi as actions
from cse.cartella.models import Assistito
from cse.cartella.selectors import CAN_WRITE_ACCESS, get_assistito_for
from cse.core.codelists.privacy import TramiteRevoca
from cse.core.forms_util import add_service_errors
from cse.core.submission import once_per_submission

from . import forms


def _privacy_post(request, pk: int, form: Form, service: Callable[[Assistito, dict], str]):
    """Validate, call the action, say what happened (or every error) on the person page."""
    assistito = get_assistito_for(request, pk, capability=CAN_WRITE_ACCESS, finalita="privacy e consensi")
    success = ""
    if form.is_valid():
        try:
            success = service(assistito, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    if success:
        messages.success(request, success)
    return redirect("locale:assistito_detail", pk=assistito.pk)


@login_required
@require_POST
@once_per_submission
def informativa_nuova(request, pk: int):
    def record(assistito, data):
        actions.informativa_record(assistito=assistito, by=request.user, **data)
        return "Consegna dell'informativa registrata."

    return _privacy_post(request, pk, forms.InformativaForm(request.POST, prefix="informativa"), record)


@login_required
@require_POST
@once_per_submission
def consenso_nuovo(request, pk: int):
    def give(assistito, data):
        actions.consenso_give(assistito=assistito, by=request.user, **data)
        return "Consenso registrato."

    return _privacy_post(request, pk, forms.ConsensoForm(request.POST, prefix="consenso"), give)


@login_required
@require_POST
def consenso_revoca(request, pk: int):
    """Revoking what is not (or no longer) given is harmless: the page just says there was nothing to revoke."""

    def revoke(assistito, data):
        consenso = actions.active_consent(assistito, data["finalita"])
        if consenso is None:
            return "Nessun consenso attivo per questa finalità: nulla da revocare."
        actions.consenso_revoke(consenso=consenso, by=request.user, tramite=TramiteRevoca.OPERATORE)
        return "Consenso revocato: le condivisioni basate su di esso sono terminate."

    return _privacy_post(request, pk, forms.RevocaConsensoForm(request.POST, prefix="revoca"), revoke)
