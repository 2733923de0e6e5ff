"""Operator shell pages for break-the-glass access and for the responsabile's review of it: case-domain
screens, mounted under /operatore/ by cse/urls.py through cse.cartella.urls."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cse.core.forms_util import StyledFormMixin, add_service_errors
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability
from cse.core.submission import once_per_submission
from cse.core.validators import validate_codice_fiscale

from . import vigilanza
from .actions import vigilanza as vigilanza_actions
from .vigilanza_models import AccessoEmergenza, EsitoEmergenza, EsitoRevisione


class AccessoEmergenzaForm(StyledFormMixin, forms.Form):
    codice_fiscale = forms.CharField(
        label="Codice fiscale della persona", max_length=20, validators=[validate_codice_fiscale]
    )
    motivo = forms.CharField(
        label="Motivo dell'urgenza",
        widget=forms.Textarea,
        help_text=f"Almeno {vigilanza.MIN_MOTIVO} caratteri: sarà letto dal responsabile dell'ente titolare.",
    )
    password = forms.CharField(
        label="La propria password", widget=forms.PasswordInput, help_text="Conferma dell'identità dell'operatore."
    )


class RevisioneForm(StyledFormMixin, forms.Form):
    esito = forms.ChoiceField(label="Esito", choices=EsitoRevisione.choices)
    nota = forms.CharField(label="Nota", widget=forms.Textarea, required=False)


class ChiusuraForm(StyledFormMixin, forms.Form):
    nota = forms.CharField(label="Esito della verifica", widget=forms.Textarea)


@login_required
@once_per_submission
def accesso_emergenza(request):
    """Exact codice fiscale + reason + password, all checked before any lookup (no browsing, no existence hint)."""
    if not vigilanza.can_break_glass(request.user):
        raise Http404("Pagina non trovata")
    form = AccessoEmergenzaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            written = vigilanza_actions.accesso_emergenza_open(user=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if written[0].esito == EsitoEmergenza.CONCESSO:
                messages.success(request, "Accesso di emergenza concesso in sola lettura. Il responsabile è avvisato.")
            else:
                messages.warning(request, vigilanza.NESSUNA_CARTELLA)
            return redirect("accesso_emergenza")
        form.data = form.data.copy()
        form.data["password"] = ""
    attivi = AccessoEmergenza.objects.filter(
        operatore=request.user, esito=EsitoEmergenza.CONCESSO, al__gt=timezone.now()
    ).select_related("cartella__assistito", "ente_titolare")
    return render(
        request,
        "cartella/accesso_emergenza.html",
        {"form": form, "attivi": attivi, "minuti": settings.CSE_BREAK_GLASS_MINUTES},
    )


@login_required
def vigilanza_list(request):
    """The responsabile's review page: emergency accesses to the ente's cases and the open alerts."""
    if not ente_ids_for(request.user, Capability.VIEW_AUDIT):
        raise Http404("Pagina non trovata")
    accessi = vigilanza.accessi_emergenza_for_review(request.user)
    segnalazioni = vigilanza.segnalazioni_for_review(request.user)
    return render(
        request,
        "cartella/vigilanza.html",
        {
            "accessi": accessi[:200],
            "segnalazioni_aperte": segnalazioni.filter(chiusa_il__isnull=True)[:200],
            "segnalazioni_chiuse": segnalazioni.filter(chiusa_il__isnull=False)[:50],
            "revisione_form": RevisioneForm(),
            "chiusura_form": ChiusuraForm(),
        },
    )


@login_required
@require_POST
def accesso_emergenza_revisione(request, pk: int):
    accesso = get_object_or_404(vigilanza.accessi_emergenza_for_review(request.user), pk=pk)
    form = RevisioneForm(request.POST)
    if form.is_valid():
        try:
            vigilanza_actions.accesso_emergenza_review(accesso=accesso, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Revisione registrata.")
    else:
        messages.error(request, "Scegliere un esito valido.")
    return redirect("vigilanza")


@login_required
@require_POST
def segnalazione_chiusura(request, pk: int):
    segnalazione = get_object_or_404(vigilanza.segnalazioni_for_review(request.user), pk=pk)
    try:
        vigilanza_actions.segnalazione_close(
            segnalazione=segnalazione, by=request.user, nota=request.POST.get("nota", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Segnalazione chiusa.")
    return redirect("vigilanza")
