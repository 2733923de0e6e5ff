"""The operators' pages of the compartecipazione, shared by comune and ambito: my enti, an ente's tariffs and month
(run, issue, reconcile), a charge with its notice and its annulment, the arrears and their CSV. Thin views: parse →
selector/access helper → action → render; a refusal is its Italian message on the page, never a 500."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cse.core.exports import csv_response
from cse.core.external import InteropError
from cse.core.forms_util import add_service_errors, show_refusal
from cse.core.reauth import require_recent_auth
from cse.core.submission import once_per_submission

from . import actions, calcolo, selectors
from .avviso_pdf import avviso_pdf_response
from .forms import BANDE, AnnullaForm, MeseForm, NonDovutoForm, RiconciliaForm, RimborsoForm, TariffaForm
from .glossary import StatoCompartecipazione
from .riscossione import actions as riscossione
from .workflow import COMPARTECIPAZIONE


def _mese(request) -> date:
    """The month on the page: ?mese=AAAA-MM, else the previous month (the one a monthly run charges)."""
    try:
        return calcolo.mese_da_testo(request.GET.get("mese") or request.POST.get("mese", ""))
    except ValidationError:
        return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def _to_month(pk: int, mese: date):
    return redirect(f"{reverse('compartecipazione:ente', kwargs={'pk': pk})}?mese={mese:%Y-%m}")


@login_required
def elenco(request):
    enti = selectors.enti_for_operator(request.user)
    if not enti:
        raise Http404
    if len(enti) == 1:
        return redirect("compartecipazione:ente", pk=enti[0].pk)
    return render(request, "compartecipazione/elenco.html", {"enti": enti})


@login_required
def ente(request, pk: int):
    ente = selectors.get_ente_for_operator(request.user, pk)
    mese = _mese(request)
    righe = list(selectors.compartecipazioni_of(ente, mese))
    attive = [c for c in righe if c.stato != StatoCompartecipazione.ANNULLATA]
    context = {
        "ente": ente,
        "mese": mese,
        "tariffe": selectors.tariffe_of(ente),
        "righe": righe,
        "totale": sum((c.importo for c in attive), calcolo.CENT * 0),
        "da_verificare": sum(c.da_verificare for c in attive),
        "da_esaminare": selectors.pagamenti_da_verificare(ente)[:20],
        "rimborsi_da_disporre": selectors.rimborsi_of(ente).filter(stato="da_disporre").count(),
        "riconcilia": RiconciliaForm(initial={"dal": mese}),
    }
    return render(request, "compartecipazione/ente.html", context)


@login_required
def tariffa_nuova(request, pk: int):
    return _tariffa_nuova(request, selectors.get_ente_for_operator(request.user, pk))


@once_per_submission
def _tariffa_nuova(request, ente):
    form = TariffaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tariffa = actions.tariffa_crea(
                ente=ente, voce=form.cleaned_data["voce"], fasce=form.fasce(), by=request.user, **form.tariffa_fields()
            )
            messages.success(request, f"Tariffa registrata: {tariffa}.")
            return redirect("compartecipazione:ente", pk=ente.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    bande = [[form[f"f{n}_{s}"] for s in ("da", "a", "tipo", "valore")] for n in range(1, BANDE + 1)]
    context = {"form": form, "ente": ente, "bande": bande}
    return render(request, "compartecipazione/tariffa_form.html", context, status=400 if form.errors else 200)


def _on_month(request, pk: int, run) -> HttpResponse:
    """A month button of the ente's page: the month posted, then `run(ente, mese)` (it shows its own messages)."""
    ente = selectors.get_ente_for_operator(request.user, pk)
    form = MeseForm(request.POST)
    if not form.is_valid():
        show_refusal(request, ValidationError(form.errors["mese"]))
        return redirect("compartecipazione:ente", pk=pk)
    mese = form.cleaned_data["mese"]
    try:
        run(ente, mese)
    except ValidationError as exc:
        show_refusal(request, exc)
    return _to_month(pk, mese)


@login_required
@require_POST
def calcola(request, pk: int):
    def run(ente, mese):
        esito = actions.calcola_compartecipazioni(ente=ente, mese=mese, by=request.user)
        messages.success(
            request,
            f"Calcolate {esito.calcolate} compartecipazioni ({esito.gia_presenti} già presenti, "
            f"{esito.da_verificare} da verificare).",
        )

    return _on_month(request, pk, run)


@login_required
@require_POST
def emetti(request, pk: int):
    def run(ente, mese):
        esito = actions.emetti_avvisi(ente=ente, mese=mese, by=request.user)
        messages.success(request, f"{esito.accodati} avvisi in emissione su pagoPA.")
        for escluso in esito.esclusi[:10]:
            messages.warning(request, escluso)

    return _on_month(request, pk, run)


@login_required
@require_POST
def riconcilia(request, pk: int):
    ente = selectors.get_ente_for_operator(request.user, pk)
    form = RiconciliaForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indicare la data da cui leggere le ricevute.")
        return redirect("compartecipazione:ente", pk=pk)
    try:
        esito = actions.riconcilia_pagamenti(ente=ente, dal=form.cleaned_data["dal"], by=request.user)
        messages.success(
            request,
            f"Ricevute riconciliate: {esito.pagati} pagamenti, {esito.importo_diverso} di importo diverso, "
            f"{esito.ripetute} ripetute, {esito.sconosciute} sconosciute ({esito.gia_registrate} già registrate).",
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    except InteropError as exc:
        messages.error(request, f"{exc.message} Le ricevute saranno lette al prossimo tentativo.")
    return redirect("compartecipazione:ente", pk=pk)


@login_required
def compartecipazione(request, pk: int):
    comp = selectors.get_compartecipazione_for_operator(request.user, pk)
    avviso = getattr(comp, "avviso", None)
    context = {
        "comp": comp,
        "avviso": avviso,
        "form": AnnullaForm(),
        "annullabile": comp.stato in COMPARTECIPAZIONE.get("annulla").sources,
        "versato": actions.versato(comp),
        "residuo": actions.residuo(comp),
        "residuo_calcolato": getattr(comp, "residuo", None),
        "pagamenti": avviso.pagamenti.order_by("pagato_il") if avviso else [],
        "rimborsi": comp.rimborsi.order_by("creato_il"),
        "storico": comp.history.order_by("history_date"),
    }
    return render(request, "compartecipazione/compartecipazione.html", context)


@login_required
@require_POST
def annulla(request, pk: int):
    """Annul with the reason; «ricalcola» also computes the month again from today's data (a new charge)."""
    comp = selectors.get_compartecipazione_for_operator(request.user, pk)
    form = AnnullaForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indicare il motivo dell'annullamento (l'atto che lo dispone).")
        return redirect("compartecipazione:compartecipazione", pk=pk)
    try:
        if request.POST.get("ricalcola") == "1":
            nuova = actions.ricalcola(comp=comp, motivo=form.cleaned_data["motivo"], by=request.user)
            messages.success(request, "Compartecipazione annullata e ricalcolata.")
            return redirect("compartecipazione:compartecipazione", pk=nuova.pk)
        actions.annulla(comp=comp, motivo=form.cleaned_data["motivo"], by=request.user)
        messages.success(request, "Compartecipazione annullata.")
    except ValidationError as exc:
        show_refusal(request, exc)
    return redirect("compartecipazione:compartecipazione", pk=pk)


@login_required
@require_POST
def residuo(request, pk: int):
    """The residual of a charge paid in part becomes a charge with its own notice (queued for pagoPA)."""
    comp = selectors.get_compartecipazione_for_operator(request.user, pk)
    try:
        nuova = riscossione.residuo_da_riscuotere(comp=comp, by=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("compartecipazione:compartecipazione", pk=pk)
    messages.success(request, f"Residuo di € {nuova.importo} da riscuotere: avviso pagoPA in coda.")
    return redirect("compartecipazione:compartecipazione", pk=nuova.pk)


@login_required
def rimborsi(request, pk: int):
    ente = selectors.get_ente_for_operator(request.user, pk)
    righe = selectors.rimborsi_of(ente)[:200]
    return render(request, "compartecipazione/rimborsi.html", {"ente": ente, "righe": righe})


@login_required
def rimborso(request, pk: int):
    """A refund: dispose it with its payment order, or declare it not due with the act's reason."""
    r = selectors.get_rimborso_for_operator(request.user, pk)
    disponi, non_dovuto = RimborsoForm(), NonDovutoForm()
    if request.method == "POST":
        if request.POST.get("azione") == "non_dovuto":
            non_dovuto = NonDovutoForm(request.POST)
            done = _rimborso_run(non_dovuto, riscossione.rimborso_non_dovuto, rimborso=r, by=request.user)
        else:
            disponi = RimborsoForm(request.POST)
            done = _rimborso_run(disponi, riscossione.rimborso_disponi, rimborso=r, by=request.user)
        if done:
            messages.success(request, "Rimborso registrato.")
            return redirect("compartecipazione:rimborso", pk=pk)
    context = {"r": r, "disponi": disponi, "non_dovuto": non_dovuto, "storico": r.history.order_by("history_date")}
    return render(request, "compartecipazione/rimborso.html", context)


def _rimborso_run(form, action, **kwargs) -> bool:
    if not form.is_valid():
        return False
    try:
        action(**form.cleaned_data, **kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


@login_required
def avviso_pdf(request, pk: int):
    avviso = selectors.get_avviso_for_operator(request.user, pk)
    if not avviso.codice_avviso:
        raise Http404
    return avviso_pdf_response(avviso, request=request)


@login_required
@require_POST
def avviso_riaccoda(request, pk: int):
    avviso = selectors.get_avviso_for_operator(request.user, pk)
    try:
        actions.riaccoda(avviso=avviso, by=request.user)
        messages.success(request, "Avviso rimesso in coda per pagoPA.")
    except ValidationError as exc:
        show_refusal(request, exc)
    return redirect("compartecipazione:compartecipazione", pk=avviso.compartecipazione_id)


@login_required
def arretrati(request, pk: int):
    ente = selectors.get_ente_for_operator(request.user, pk)
    righe, totale = selectors.arretrati(ente)
    return render(request, "compartecipazione/arretrati.html", {"ente": ente, "righe": righe, "totale": totale})


@login_required
@require_recent_auth
def arretrati_csv(request, pk: int):
    """One row per overdue notice, with the person and what remains; amounts as 2-place decimals."""
    ente = selectors.get_ente_for_operator(request.user, pk)
    response, writer = csv_response(f"arretrati-{ente.codice}-{timezone.localdate():%Y%m%d}.csv")
    writer.writerow(
        ["cognome", "nome", "codice_fiscale", "mese", "codice_avviso", "scadenza", "importo", "versato", "residuo"]
    )
    for avviso in selectors.avvisi_scaduti(ente):
        comp, persona = avviso.compartecipazione, avviso.compartecipazione.assistito
        writer.writerow(
            [
                persona.cognome,
                persona.nome,
                persona.codice_fiscale,
                f"{comp.mese:%Y-%m}",
                avviso.codice_avviso,
                avviso.scadenza.isoformat(),
                f"{avviso.importo:.2f}",
                f"{avviso.versato:.2f}",
                f"{avviso.importo - avviso.versato:.2f}",
            ]
        )
    return response
