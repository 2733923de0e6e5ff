"""The operators' pages of the liquidazione: the beneficiaries of a bando with its money, and one beneficiary's
payment (IBAN or delegate, instalment plan, mandato per instalment, revocation). Thin views: parse → access helper →
action → redirect; a refusal is its Italian message on the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from cse.core.forms_util import add_service_errors
from cse.core.permissions import has_capability
from cse.core.roles import Capability

from . import selectors
from .liquidazione import actions
from .liquidazione import selectors as pagamenti
from .liquidazione.forms import IbanForm, MandatoForm, PianoForm, RevocaForm
from .liquidazione.rules import liquidabile
from .models import Rata


@login_required
def beneficiari(request, pk: int):
    bando = selectors.get_bando_for_operator(request.user, pk)
    context = {
        "bando": bando,
        "posizioni": pagamenti.beneficiari(bando),
        "cifre": pagamenti.bando_figures(bando),
        "can_pay": has_capability(request.user, Capability.MANAGE_BANDI, bando.ente_id),
    }
    return render(request, "bandi/beneficiari.html", context)


def _payable_domanda(request, pk: int):
    """A domanda of the operator's ente, for who manages its bandi (others: 404, no hint)."""
    domanda = selectors.get_domanda_for_operator(request.user, pk)
    if not has_capability(request.user, Capability.MANAGE_BANDI, domanda.ente_id):
        raise Http404
    return domanda


def _iban(request, domanda, form):
    return actions.iban_set(domanda=domanda, by=request.user, **form.cleaned_data), "IBAN registrato."


def _piano(request, domanda, form):
    rate = actions.rate_plan(domanda=domanda, by=request.user, **form.cleaned_data)
    return rate, f"Pianificate {len(rate)} rate."


def _liquida(request, domanda, form):
    rata = Rata.objects.filter(pk=form.cleaned_data["rata"], liquidazione__domanda=domanda).first()
    if rata is None:
        raise ValidationError("Rata non trovata per questa domanda.")
    data = {k: form.cleaned_data[k] for k in ("mandato_numero", "mandato_data")}
    rata = actions.rata_liquidate(rata=rata, by=request.user, **data)
    return rata, f"Rata {rata.numero} liquidata con il mandato n. {rata.mandato_numero}: prestazione registrata."


def _revoca(request, domanda, form):
    revoca = actions.revoca_register(domanda=domanda, by=request.user, **form.cleaned_data)
    return revoca, f"Beneficio revocato. Importo da recuperare: € {revoca.importo_da_recuperare}."


AZIONI = {"iban": (IbanForm, _iban), "piano": (PianoForm, _piano), "liquida": (MandatoForm, _liquida)}
AZIONI["revoca"] = (RevocaForm, _revoca)


@login_required
def liquidazione(request, pk: int):
    domanda = _payable_domanda(request, pk)
    azione = request.POST.get("azione", "") if request.method == "POST" else ""
    forms = {name: form_class(request.POST if name == azione else None) for name, (form_class, _) in AZIONI.items()}
    if azione in AZIONI and forms[azione].is_valid():
        try:
            _, message = AZIONI[azione][1](request, domanda, forms[azione])
            messages.success(request, message)
            return redirect("bandi:liquidazione", pk=pk)
        except ValidationError as exc:
            add_service_errors(forms[azione], exc)
    posizione = pagamenti.posizione_definitiva(domanda)
    liquidazione_obj = getattr(domanda, "liquidazione", None)
    context = {
        "d": domanda,
        "posizione": posizione,
        "problemi": liquidabile(posizione) if posizione else ["La domanda non è in una graduatoria definitiva."],
        "liq": liquidazione_obj,
        "revoca": getattr(liquidazione_obj, "revoca", None) if liquidazione_obj else None,
        "rate": pagamenti.rate_of(domanda),
        "forms": forms,
    }
    status = 400 if azione in forms and forms[azione].errors else 200
    return render(request, "bandi/liquidazione.html", context, status=status)
