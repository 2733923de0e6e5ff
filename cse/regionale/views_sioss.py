"""SIOSS LEPS schede for regional analysts: per ambito and year, values, workflow, A4 prefill import."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cse.core.codelists.leps import ModuloLeps
from cse.core.forms_util import add_service_errors, show_refusal

from . import services
from .forms import DeriveForm, FinaliseForm, ManualValueForm, PrefillImportForm, ReopenForm
from .leps import derive_sioss_leps_counts
from .models import IndicatoreLeps, Misura, SchedaLeps
from .views import analysts_only, year_param

PREFILL_MAX_BYTES = 2 * 1024 * 1024


@analysts_only
def sioss(request):
    anni = sorted(set(SchedaLeps.objects.values_list("anno", flat=True)), reverse=True)
    anno = year_param(request, anni)
    grid: dict[str, dict[str, SchedaLeps]] = defaultdict(dict)
    for scheda in SchedaLeps.objects.filter(anno=anno):
        grid[scheda.ambito][scheda.modulo] = scheda
    rows = [{"ambito": a, "schede": [grid[a].get(m) for m in ModuloLeps]} for a in sorted(grid)]
    return render(
        request,
        "regionale/sioss.html",
        {
            "anno": anno,
            "anni": anni,
            "moduli": list(ModuloLeps),
            "rows": rows,
            "derive_form": DeriveForm(initial={"anno": anno}),
            "import_form": PrefillImportForm(),
        },
    )


def _scheda_page(request, scheda: SchedaLeps, **forms):
    values = defaultdict(list)
    for v in scheda.valori.select_related("indicatore").order_by("indicatore__ordine", "chiave"):
        values[v.indicatore_id].append(v)
    indicatori = IndicatoreLeps.objects.filter(modulo=scheda.modulo, attivo=True)
    manual = indicatori.filter(misura=Misura.PROFESSIONISTI)
    context = {
        "scheda": scheda,
        "sezioni": [{"indicatore": i, "valori": values.get(i.pk, [])} for i in indicatori],
        "passaggi": scheda.passaggi.all(),
        "finalise_form": forms.get("finalise") or FinaliseForm(version=scheda.version),
        "reopen_form": forms.get("reopen") or ReopenForm(version=scheda.version),
        "value_form": forms.get("value") or ManualValueForm(version=scheda.version, indicatori=manual),
    }
    return render(request, "regionale/scheda.html", context, status=400 if forms else 200)


@analysts_only
def scheda(request, pk: int):
    return _scheda_page(request, get_object_or_404(SchedaLeps, pk=pk))


def _post_action(request, pk: int, form_class, key: str, action, **form_kwargs):
    """Parse → service → redirect, or the page again with the Italian error and nothing written."""
    obj = get_object_or_404(SchedaLeps, pk=pk)
    form = form_class(request.POST, version=obj.version, **form_kwargs)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            action(scheda=obj, operatore=request.user.get_username(), version=form.cleaned_data["version"], **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Scheda aggiornata.")
            return redirect("regionale:scheda", pk=obj.pk)
    return _scheda_page(request, obj, **{key: form})


@analysts_only
@require_POST
def scheda_finalizza(request, pk: int):
    return _post_action(request, pk, FinaliseForm, "finalise", services.scheda_finalise)


@analysts_only
@require_POST
def scheda_riapri(request, pk: int):
    return _post_action(request, pk, ReopenForm, "reopen", services.scheda_reopen)


@analysts_only
@require_POST
def scheda_valore(request, pk: int):
    obj = get_object_or_404(SchedaLeps, pk=pk)
    manual = IndicatoreLeps.objects.filter(modulo=obj.modulo, misura=Misura.PROFESSIONISTI)
    return _post_action(request, pk, ManualValueForm, "value", services.valore_manuale_set, indicatori=manual)


@analysts_only
@require_POST
def ricalcola(request):
    form = DeriveForm(request.POST)
    if form.is_valid():
        n = derive_sioss_leps_counts(form.cleaned_data["anno"])
        messages.success(request, f"Schede {form.cleaned_data['anno']} ricalcolate dagli eventi: {n} valori.")
        return redirect(f"{reverse('regionale:sioss')}?anno={form.cleaned_data['anno']}")
    messages.error(request, "Anno non valido.")
    return redirect("regionale:sioss")


@analysts_only
@require_POST
def import_a4(request):
    form = PrefillImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > PREFILL_MAX_BYTES:
                raise ValidationError("Il file supera 2 MB.")
            n = services.a4_prefill_import(
                name=upload.name, content=upload.read(), operatore=request.user.get_username()
            )
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, f"Precompilazione A4 importata: {n} valori.")
    else:
        messages.error(request, "Scegli un file CSV o XLSX.")
    return redirect("regionale:sioss")
