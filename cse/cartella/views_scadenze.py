"""Deadlines on the pages: the operator's "Oggi" (the day's work), a case's new deadline, marking one done or
cancelling it, and the daily digest's opt-out. Thin views: access helper → action → render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from cse.core.codelists.scadenze import TipoScadenza
from cse.core.forms_util import add_service_errors, show_refusal
from cse.core.paging import paginate_together
from cse.core.permissions import operators_with
from cse.core.roles import Capability
from cse.core.submission import once_per_submission

from . import forms
from . import scadenze as reads
from .actions import scadenze as actions
from .approvazioni import approvals_waiting_for
from .models import Scadenza
from .selectors import get_cartella_for, get_child_for

# the kinds an operator may add by hand (the others are opened by the act that creates them)
MANUAL_KINDS = [
    (TipoScadenza.PROMEMORIA, TipoScadenza.PROMEMORIA.label),
    (TipoScadenza.INTEGRAZIONE, TipoScadenza.INTEGRAZIONE.label),
    (TipoScadenza.VERIFICA_UVM, TipoScadenza.VERIFICA_UVM.label),
    (TipoScadenza.RELAZIONE_TRIBUNALE, TipoScadenza.RELAZIONE_TRIBUNALE.label),
]


def appuntamenti_oggi(user) -> list[dict]:
    """Today's front-office appointments: the citizen tier owns the agenda, the composition root names its reader."""
    return import_string(settings.CSE_AGENDA_OGGI)(user)


@login_required
def oggi(request):
    """The operator's day: appointments, overdue and this week's deadlines, the service's overdue ones for its
    coordinator, new cases assigned, transfers and approvals waiting for an answer. Each list paged on its own."""
    day = reads.oggi(request.user)
    lists = {"scadute": day.scadute, "settimana": day.settimana, "nuove": day.nuove, "trasferimenti": day.trasferimenti}
    if day.servizio is not None:
        lists["servizio"] = day.servizio
    pages = paginate_together(request, lists, prefix="pagina_")
    return render(
        request,
        "cartella/oggi.html",
        {
            "lists": pages,
            "appuntamenti": appuntamenti_oggi(request.user),
            "coordinatore": day.servizio is not None,
            "oggi": timezone.localdate(),
            "digest_attivo": not reads.digest_declined(request.user),
            "da_approvare": approvals_waiting_for(request.user)[1][:10],
        },
    )


@login_required
@require_POST
def digest_preferenza(request):
    """Opt out of (or back into) the daily e-mail digest: the operator's own preference, no case involved."""
    attivo = request.POST.get("attivo") == "1"
    actions.digest_preference_set(user=request.user, attivo=attivo)
    messages.success(request, "Riceverà il riepilogo giornaliero." if attivo else "Non riceverà più il riepilogo.")
    return redirect("oggi")


@login_required
@once_per_submission
def scadenza_nuova(request, pk: int):
    cartella = get_cartella_for(request, pk, capability=reads.CAN_WORK, finalita="nuova scadenza")
    candidates = operators_with(cartella.owner_ente, Capability.REGISTER_PERSONE) | operators_with(
        cartella.owner_ente, Capability.MANAGE_CARTELLE
    )
    form = forms.ScadenzaForm(request.POST or None, candidates=candidates.distinct(), tipi=MANUAL_KINDS)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.scadenza_add(
                cartella=cartella,
                tipo=data["tipo"],
                due=data["scadenza"],
                by=request.user,
                responsabile=data["responsabile"],
                note=data["note"],
                gia_scaduta=data["gia_scaduta"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Scadenza aggiunta.")
            return redirect("locale:cartella_detail", pk=cartella.pk)
    return render(request, "cartella/phase_form.html", {"cartella": cartella, "form": form, "title": "Nuova scadenza"})


@login_required
@require_POST
def scadenza_chiusura(request, pk: int):
    """Mark a deadline done or cancel it (with its reason), from the case page or from "Oggi"."""
    scadenza = get_child_for(request, Scadenza, pk, capability=reads.CAN_WORK, finalita="chiusura scadenza")
    transition = "annulla" if request.POST.get("azione") == "annulla" else "fatta"
    try:
        actions.scadenza_close(
            scadenza=scadenza, by=request.user, transition=transition, note=request.POST.get("note", "")[:200]
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "Scadenza annullata." if transition == "annulla" else "Scadenza segnata come fatta.")
    back = request.POST.get("da", "")
    return redirect("oggi") if back == "oggi" else redirect("locale:cartella_detail", pk=scadenza.cartella_id)
