"""The front office's agenda rules, managed by its own operators: slot length and horizon, weekly opening hours,
closures and extra openings — only for offices of enti where the operator holds MANAGE_AGENDA (anything else is
404, like an office that does not exist). Every change goes through cse.cittadino.services_agenda."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cse.core.forms_util import add_service_errors
from cse.core.submission import once_per_submission

from .agenda import AperturaStraordinaria, Chiusura, FestaPatronale, RegolaOrario, Sportello
from .forms_sportello import (
    AperturaStraordinariaForm,
    ChiusuraForm,
    FestaPatronaleForm,
    RegolaOrarioForm,
    SportelloSettingsForm,
)
from .selectors import get_agenda_rule_for, get_sportello_for
from .services_agenda import (
    PrenotazioniCoinvolte,
    apertura_straordinaria_delete,
    apertura_straordinaria_save,
    chiusura_delete,
    chiusura_save,
    festa_patronale_save,
    horizon_end,
    regola_orario_delete,
    regola_orario_save,
    sportello_settings_save,
)
from .slots import closed_days


def _page(request, sportello: Sportello, *, status: int = 200, coinvolte=None, errore: str = "", **bound):
    """The rules page; `bound` replaces one empty form with the one that failed, errors included."""
    settings_form = SportelloSettingsForm(
        prefix="impostazioni",
        initial={
            "durata_slot_minuti": sportello.durata_slot_minuti,
            "orizzonte_giorni": sportello.orizzonte_giorni,
            "attivo": sportello.attivo,
        },
    )
    festa = FestaPatronale.objects.filter(ente_id=sportello.ente_id).first()
    festa_initial = {"santo": festa.santo, "giorno": festa.giorno, "mese": festa.mese} if festa else {}
    context = {
        "sportello": sportello,
        "giorni_chiusi": closed_days(sportello, timezone.localdate(), horizon_end(sportello)),
        "festa_form": bound.get("festa") or FestaPatronaleForm(prefix="festa", initial=festa_initial),
        "regole": sportello.regole.all(),
        "chiusure": sportello.chiusure.order_by("dal"),
        "aperture": sportello.aperture_straordinarie.order_by("data", "ora_inizio"),
        "fine_orizzonte": horizon_end(sportello),
        "coinvolte": coinvolte or [],
        "errore": errore,
        "settings_form": bound.get("impostazioni") or settings_form,
        "regola_form": bound.get("regola") or RegolaOrarioForm(prefix="regola"),
        "chiusura_form": bound.get("chiusura") or ChiusuraForm(prefix="chiusura"),
        "apertura_form": bound.get("apertura") or AperturaStraordinariaForm(prefix="apertura"),
    }
    return render(request, "cittadino/sportello/agenda_regole.html", context, status=status)


def _refused(exc: ValidationError, form) -> list:
    """Put the service's message on the form; a conflict with bookings also lists them above the page."""
    if isinstance(exc, PrenotazioniCoinvolte):
        form.add_error(None, exc.messages[0])
        return exc.prenotazioni
    add_service_errors(form, exc)
    return []


@login_required
def regole(request, pk: int):
    return _page(request, get_sportello_for(request.user, pk))


@login_required
@require_POST
def impostazioni(request, pk: int):
    sportello = get_sportello_for(request.user, pk)
    form = SportelloSettingsForm(request.POST, prefix="impostazioni")
    if form.is_valid():
        try:
            sportello_settings_save(sportello=sportello, by=request.user, **form.cleaned_data)
            messages.success(request, "Impostazioni salvate e orari prenotabili aggiornati.")
            return redirect("locale:agenda_regole", pk=pk)
        except ValidationError as exc:
            coinvolte = _refused(exc, form)
            return _page(request, sportello, status=400, coinvolte=coinvolte, impostazioni=form)
    return _page(request, sportello, status=400, impostazioni=form)


@login_required
@require_POST
@once_per_submission
def festa_patronale(request, pk: int):
    sportello = get_sportello_for(request.user, pk)
    form = FestaPatronaleForm(request.POST, prefix="festa")
    if form.is_valid():
        try:
            festa = festa_patronale_save(sportello=sportello, by=request.user, **form.cleaned_data)
            messages.success(
                request,
                f"Festa patronale salvata: gli sportelli del comune sono chiusi il {festa.giorno}/{festa.mese}."
                if festa
                else "Festa patronale rimossa.",
            )
            return redirect("locale:agenda_regole", pk=pk)
        except ValidationError as exc:
            coinvolte = _refused(exc, form)
            return _page(request, sportello, status=400, coinvolte=coinvolte, festa=form)
    return _page(request, sportello, status=400, festa=form)


# --- add (on the rules page) --------------------------------------------------------------------------------------

ADDERS = {
    "regola": (RegolaOrarioForm, regola_orario_save, "Orario aggiunto: i nuovi appuntamenti sono prenotabili."),
    "chiusura": (ChiusuraForm, chiusura_save, "Chiusura aggiunta: in quei giorni non si prenota."),
    "apertura": (
        AperturaStraordinariaForm,
        apertura_straordinaria_save,
        "Apertura straordinaria aggiunta: i nuovi appuntamenti sono prenotabili.",
    ),
}


@login_required
@require_POST
@once_per_submission
def aggiungi(request, pk: int, kind: str):
    sportello = get_sportello_for(request.user, pk)
    form_class, service, ok = ADDERS[kind]
    form = form_class(request.POST, prefix=kind)
    if form.is_valid():
        try:
            service(sportello=sportello, by=request.user, **form.cleaned_data)
            messages.success(request, ok)
            return redirect("locale:agenda_regole", pk=pk)
        except ValidationError as exc:
            coinvolte = _refused(exc, form)
            return _page(request, sportello, status=400, coinvolte=coinvolte, **{kind: form})
    return _page(request, sportello, status=400, **{kind: form})


# --- edit and remove (one page per rule) --------------------------------------------------------------------------

EDITORS = {
    "regola": (
        RegolaOrario,
        RegolaOrarioForm,
        regola_orario_save,
        regola_orario_delete,
        ["giorno", "ora_inizio", "ora_fine", "posti", "valida_dal", "valida_al"],
        "orario settimanale",
    ),
    "chiusura": (Chiusura, ChiusuraForm, chiusura_save, chiusura_delete, ["dal", "al", "motivo"], "chiusura"),
    "apertura": (
        AperturaStraordinaria,
        AperturaStraordinariaForm,
        apertura_straordinaria_save,
        apertura_straordinaria_delete,
        ["data", "ora_inizio", "ora_fine", "posti"],
        "apertura straordinaria",
    ),
}
SERVICE_KWARG = {"regola": "regola", "chiusura": "chiusura", "apertura": "apertura"}


@login_required
def modifica(request, pk: int, kind: str):
    model, form_class, save, _delete, fields, label = EDITORS[kind]
    obj = get_agenda_rule_for(request.user, model, pk)
    coinvolte = []
    if request.method == "POST":
        form = form_class(request.POST, prefix=kind)
        if form.is_valid():
            try:
                save(sportello=obj.sportello, by=request.user, **{SERVICE_KWARG[kind]: obj}, **form.cleaned_data)
                messages.success(request, f"Modifica salvata ({label}).")
                return redirect("locale:agenda_regole", pk=obj.sportello_id)
            except ValidationError as exc:
                obj.refresh_from_db()
                coinvolte = _refused(exc, form)
    else:
        form = form_class(prefix=kind, initial={f: getattr(obj, f) for f in fields})
    status = 400 if request.method == "POST" else 200
    context = {"obj": obj, "sportello": obj.sportello, "form": form, "label": label, "kind": kind}
    return render(
        request, "cittadino/sportello/agenda_regola_form.html", {**context, "coinvolte": coinvolte}, status=status
    )


@login_required
@require_POST
def elimina(request, pk: int, kind: str):
    model, _form, _save, delete, _fields, label = EDITORS[kind]
    obj = get_agenda_rule_for(request.user, model, pk)
    sportello = obj.sportello
    try:
        delete(**{SERVICE_KWARG[kind]: obj}, by=request.user)
    except PrenotazioniCoinvolte as exc:
        return _page(request, sportello, status=400, coinvolte=exc.prenotazioni, errore=exc.messages[0])
    messages.success(request, f"Eliminata: {label}.")
    return redirect("locale:agenda_regole", pk=sportello.pk)
