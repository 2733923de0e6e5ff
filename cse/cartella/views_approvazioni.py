"""Operator shell pages of the approvals (four eyes): «Da approvare», one request with its decision, and the ente's
rules for its administrator. Mounted under /operatore/ by cse/urls.py through cse.cartella.urls; every write is an
action of cse/cartella/actions/approvazioni.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from cse.core.forms_util import add_service_errors
from cse.core.permissions import ente_or_404, has_capability
from cse.core.roles import Capability

from . import approvazioni
from .actions import approvazioni as approval_actions
from .approvazioni_models import RegolaApprovazione
from .forms import DecisioneApprovazioneForm, RegolaApprovazioneForm
from .glossary import StatoApprovazione

DONE = {
    "approva": "Richiesta approvata: l'azione è stata eseguita.",
    "respingi": "Richiesta respinta.",
    "ritira": "Richiesta ritirata.",
}


@login_required
def approvazioni_list(request):
    """What waits for the user's approval in their enti, and the user's own requests. Only for operators who work
    with people (approvers and requesters both do); anyone else gets 404 as for an unknown page."""
    if not has_capability(request.user, Capability.VIEW_PERSONE):
        raise Http404("Pagina non trovata")
    count, waiting = approvazioni.approvals_waiting_for(request.user)
    mine = approvazioni.requested_by(request.user)[:20]
    return render(request, "cartella/approvazioni.html", {"count": count, "waiting": waiting, "mine": mine})


def _decide(request, richiesta, step: str, motivo: str):
    if step == "approva":
        return approval_actions.approvazione_approve(richiesta=richiesta, by=request.user)
    if step == "respingi":
        return approval_actions.approvazione_reject(richiesta=richiesta, by=request.user, motivo=motivo)
    if step == "ritira":
        return approval_actions.approvazione_withdraw(richiesta=richiesta, by=request.user)
    raise ValidationError("Operazione non riconosciuta.")


@login_required
def approvazione_detail(request, pk: int):
    """One request: what was asked, by whom, on which case; its approvers decide here, its requester may withdraw."""
    richiesta = approvazioni.get_richiesta_for(request, pk)
    form = DecisioneApprovazioneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = request.POST.get("passo", "")
        try:
            _decide(request, richiesta, step, form.cleaned_data["motivo"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, DONE[step])
            return redirect("approvazioni")
    return render(
        request,
        "cartella/approvazione.html",
        {
            "richiesta": richiesta,
            "form": form,
            "steps": approvazioni.steps_for(richiesta, request.user),
            "pending": richiesta.stato == StatoApprovazione.IN_ATTESA,
        },
    )


def _rule_forms(ente, data=None) -> list[tuple[str, str, RegolaApprovazioneForm]]:
    existing = {r.azione: r for r in RegolaApprovazione.objects.filter(ente=ente)}
    roles = approvazioni.approver_roles(ente)
    rows = []
    for azione, label in approvazioni.applicable_actions(ente):
        rule = existing.get(azione)
        initial = (
            {"attiva": rule.attiva, "ruolo_approvatore": rule.ruolo_approvatore, "soglia": rule.soglia} if rule else {}
        )
        form = RegolaApprovazioneForm(
            data,
            prefix=azione,
            initial=initial,
            roles=roles,
            with_threshold=azione in approvazioni.WITH_THRESHOLD,
        )
        rows.append((azione, label, form))
    return rows


def _save_rules(request, ente, rows) -> bool:
    regole = [
        approval_actions.Regola(
            azione, f.cleaned_data["attiva"], f.cleaned_data["ruolo_approvatore"], f.cleaned_data.get("soglia")
        )
        for azione, _, f in rows
    ]
    try:
        if request.POST.get("predefinite"):
            approval_actions.regole_default(ente=ente, by=request.user)
        else:
            approval_actions.regole_save(ente=ente, regole=regole, by=request.user)
    except ValidationError as exc:
        add_service_errors(rows[0][2], exc)
        return False
    return True


@login_required
def ente_approvazioni(request, pk: int):
    """The ente's administrator (manage_operators) decides which actions need approval and by which role."""
    ente = ente_or_404(request.user, pk, Capability.MANAGE_OPERATORS)
    rows = _rule_forms(ente, request.POST or None)
    if request.method == "POST" and all(f.is_valid() for _, _, f in rows) and _save_rules(request, ente, rows):
        messages.success(request, "Regole di approvazione salvate.")
        return redirect("ente_approvazioni", pk=ente.pk)
    return render(
        request,
        "cartella/ente_approvazioni.html",
        {"ente": ente, "rows": rows, "defaults": approvazioni.DEFAULTS},
    )
