"""The comune's workspace: people and their cases. Thin: parse → selector/access helper → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cse.cartella.actions import assistito as assistito_actions
from cse.cartella.actions.approvazioni import unione_o_richiesta
from cse.cartella.actions.cartella import cartella_open
from cse.cartella.models import Assistito, Cartella, StatoUnione
from cse.cartella.recupero import (
    CAMPI_ANPR,
    Proposta,
    proposta_from_sources,
    provenienze_correnti,
)
from cse.cartella.selectors import CAN_WRITE_ACCESS, assistiti_search, get_assistito_for, possible_duplicates
from cse.core.audit import form_finalita
from cse.core.forms_util import add_service_errors
from cse.core.models import Ente
from cse.core.paging import paginate
from cse.core.permissions import ente_ids_for, has_capability
from cse.core.roles import Capability, TipoEnte
from cse.core.submission import once_per_submission

from . import forms
from .forms import AssistitoForm
from .relmap import relations_map


@login_required
def assistiti_list(request):
    query = request.GET.get("q", "")
    page = paginate(request, assistiti_search(request.user, query))
    can_register = has_capability(request.user, Capability.REGISTER_PERSONE)
    return render(request, "locale/assistiti_list.html", {"page": page, "q": query, "can_register": can_register})


def _posted(request) -> tuple:
    """The posted fields (a copy the view may fill in) and the proposal they carry; (None, None) on GET."""
    if request.method != "POST":
        return None, None
    data = request.POST.copy()
    return data, Proposta.load(data.get("proposta", ""))


def _take_chosen(data, proposta: Proposta, *, field: dict[str, str] | None = None) -> None:
    """The ANPR values the operator chose to take ("prendi") replace what was typed."""
    for campo in data.getlist("prendi"):
        if campo in proposta.anpr:
            data[(field or {}).get(campo, campo)] = proposta.anpr[campo]


def _kept_proposta(request, proposta: Proposta, differenze: list[dict]) -> dict:
    """A failed save keeps the proposal and the operator's choices on the page."""
    return {
        "proposta": proposta,
        "proposta_token": request.POST.get("proposta", ""),
        "differenze": differenze,
        "scelti": {k: request.POST.getlist(k) for k in ("prendi", "isee", "familiare")},
    }


def _recupera_for_create(request, data, enti):
    """Recupera (ANPR, INPS): the sources' proposal fills the empty fields; the differences wait for the operator."""
    ente = enti.filter(pk=data.get("ente") or 0).first() or enti.first()
    proposta = proposta_from_sources(
        codice_fiscale=data.get("codice_fiscale", ""),
        user=request.user,
        ente=ente,
        motivo=f"registrazione {ente.codice}",
    )
    differenze = proposta.differenze(data)
    for campo, valore in proposta.anpr.items():  # prefill what is empty; differences wait for the operator
        if not data.get(campo):
            data[campo] = valore
    form = AssistitoForm(initial=data.dict(), enti=enti)
    return render(
        request,
        "locale/assistito_form.html",
        {"form": form, "proposta": proposta, "proposta_token": proposta.sign(), "differenze": differenze},
    )


def _register_with_proposta(request, form, proposta: Proposta | None) -> Assistito | None:
    """The person and the chosen parts of the proposal together, or neither (the refusal goes on the form)."""
    data = form.cleaned_data
    try:
        assistito = assistito_actions.assistito_register_with_proposta(
            by=request.user,
            proposta=proposta,
            isee_scelti=_indexes(request.POST.getlist("isee")),
            familiari_scelti=_indexes(request.POST.getlist("familiare")),
            confirm_not_duplicate=data["confirm_not_duplicate"],
            ente=data["ente"],
            cognome=data["cognome"],
            nome=data["nome"],
            sesso=data["sesso"],
            data_nascita=data["data_nascita"],
            luogo_nascita=data["luogo_nascita"],
            codice_fiscale=data["codice_fiscale"],
            identificativo_temporaneo=data["identificativo_temporaneo"],
            comune_residenza=data["comune_residenza"],
            indirizzo_residenza=data["indirizzo_residenza"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    return assistito


@login_required
@once_per_submission
def assistito_create(request):
    enti = Ente.objects.filter(pk__in=ente_ids_for(request.user, Capability.REGISTER_PERSONE), tipo=TipoEnte.COMUNE)
    if not enti.exists():
        return render(request, "core/forbidden.html", status=404)
    data, proposta = _posted(request)
    if data is not None and data.get("azione") == "recupera":
        return _recupera_for_create(request, data, enti)
    if proposta is not None and "".join(data.get("codice_fiscale", "").split()).upper() == proposta.codice_fiscale:
        _take_chosen(data, proposta)
    form = AssistitoForm(data, enti=enti, initial={"ente": enti.first()})
    if request.method == "POST" and form.is_valid():
        assistito = _register_with_proposta(request, form, proposta)
        if assistito is not None:
            messages.success(request, f"{assistito} registrato.")
            return redirect("locale:assistito_detail", pk=assistito.pk)
    context = {"form": form}
    if proposta is not None:  # a failed save keeps the proposal and the operator's choices
        context.update(_kept_proposta(request, proposta, proposta.differenze(request.POST)))
    return render(request, "locale/assistito_form.html", context)


def _indexes(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@login_required
def assistito_detail(request, pk: int):
    return _detail_page(request, get_assistito_for(request, pk))


def _detail_page(request, assistito: Assistito, **bound):
    """The person page; `bound` replaces an empty form with one that came back (a merge waiting for confirmation)."""
    cartelle = Cartella.objects.visible_to(request.user).filter(assistito=assistito).select_related("owner_ente")
    can_edit = has_capability(request.user, CAN_WRITE_ACCESS, assistito.owner_ente_id)
    relazioni = list(assistito.relazioni.select_related("persona", "provenienza"))
    contatti = list(assistito.contatti_esterni.all())
    twins = (
        possible_duplicates(
            ente=assistito.owner_ente,
            cognome=assistito.cognome,
            nome=assistito.nome,
            data_nascita=assistito.data_nascita,
            exclude_pk=assistito.pk,
            codice_fiscale=assistito.codice_fiscale,
            identificativo_temporaneo=assistito.identificativo_temporaneo,
        )
        if can_edit and not assistito.unito_a_id
        else []
    )
    return render(
        request,
        "locale/assistito_detail.html",
        {
            "assistito": assistito,
            "cartelle": cartelle,
            "can_open": can_edit,
            "can_edit": can_edit,
            "relazioni": relazioni,
            "contatti": contatti,
            "isee": assistito.isee.select_related("provenienza"),
            "informative": assistito.informative.select_related("consegnata_da")[:5],
            "consensi": assistito.consensi.select_related("registrato_da", "revocato_da"),
            "provenienze": provenienze_correnti(assistito),
            "mappa": relations_map(relazioni, contatti),
            "twins": twins,
            "unioni": assistito.unioni.filter(stato=StatoUnione.ATTIVA).select_related("duplicato") if can_edit else [],
            "forms": {
                "isee": forms.IseeForm(prefix="isee"),
                "relazione": forms.RelazioneForm(prefix="rel", assistito=assistito),
                "contatto": forms.ContattoForm(prefix="contatto"),
                "informativa": forms.InformativaForm(prefix="informativa"),
                "consenso": forms.ConsensoForm(prefix="consenso"),
                "revoca": forms.RevocaConsensoForm(prefix="revoca"),
                "unione": bound.get("unione")
                or forms.UnioneForm(prefix="unione", candidates=Assistito.objects.filter(pk__in=[t.pk for t in twins])),
            },
        },
    )


# The edit form names the comune of residence by its ISTAT code in another field.
EDIT_FIELD = {"comune_residenza": "comune_residenza_istat"}


def _recupera_for_edit(request, data, assistito: Assistito):
    """Recupera on a known person: the proposal fills the empty fields; the differences wait for the operator."""
    numero = (
        Cartella.objects.filter(assistito=assistito, owner_ente=assistito.owner_ente)
        .order_by("-aperta_il", "-id")
        .values_list("numero", flat=True)
        .first()
    )
    proposta = proposta_from_sources(
        codice_fiscale=assistito.codice_fiscale,
        user=request.user,
        ente=assistito.owner_ente,
        motivo=numero or f"aggiornamento scheda {assistito.pk}",
        assistito_id=assistito.pk,
    )
    differenze = proposta.differenze({c: data.get(EDIT_FIELD.get(c, c), "") for c in CAMPI_ANPR})
    for campo, valore in proposta.anpr.items():
        if not data.get(EDIT_FIELD.get(campo, campo)):
            data[EDIT_FIELD.get(campo, campo)] = valore
    form = forms.AnagraficaForm(instance=assistito, initial=data.dict(), version=data.get("version"))
    context = {"proposta": proposta, "proposta_token": proposta.sign(), "differenze": differenze}
    return render(request, "locale/assistito_edit.html", {"assistito": assistito, "form": form, **context})


def _update_with_proposta(request, form, assistito: Assistito, proposta: Proposta | None) -> bool:
    """The new data and the chosen parts of the proposal together, or neither (the refusal goes on the form)."""
    cleaned = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "comune_residenza_istat"}}
    cleaned["comune_residenza"] = form.cleaned_data["comune_residenza_istat"]
    try:
        assistito_actions.assistito_update_with_proposta(
            assistito=assistito,
            data=cleaned,
            by=request.user,
            version=form.cleaned_data["version"],
            proposta=proposta,
            isee_scelti=_indexes(request.POST.getlist("isee")),
            familiari_scelti=_indexes(request.POST.getlist("familiare")),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


@login_required
def assistito_edit(request, pk: int):
    assistito = get_assistito_for(
        request, pk, capability=CAN_WRITE_ACCESS, finalita=form_finalita(request, "anagrafica")
    )
    data, proposta = _posted(request)
    if data is not None and data.get("azione") == "recupera" and assistito.codice_fiscale:
        return _recupera_for_edit(request, data, assistito)
    if proposta is not None and proposta.codice_fiscale == assistito.codice_fiscale:
        _take_chosen(data, proposta, field=EDIT_FIELD)
    form = forms.AnagraficaForm(data, instance=assistito, version=assistito.version)
    if request.method == "POST" and form.is_valid() and _update_with_proposta(request, form, assistito, proposta):
        messages.success(request, "Anagrafica aggiornata.")
        return redirect("locale:assistito_detail", pk=assistito.pk)
    context = {"assistito": assistito, "form": form}
    if proposta is not None:
        typed = {c: request.POST.get(EDIT_FIELD.get(c, c), "") for c in CAMPI_ANPR}
        context.update(_kept_proposta(request, proposta, proposta.differenze(typed)))
    return render(request, "locale/assistito_edit.html", context)


def _add_to_person(request, pk: int, form_factory, service, success):
    """POST-only helpers of the person page: ISEE, relations, contacts, merge. `success` is the message, or a
    function of the service's result that gives it (a merge may be held for approval)."""
    assistito = get_assistito_for(request, pk, capability=CAN_WRITE_ACCESS, finalita="aggiornamento scheda")
    form = form_factory(assistito, request.POST)
    if form.is_valid():
        try:
            result = service(assistito, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            success = success(result) if callable(success) else success
    if getattr(form, "confirmation_needed", ""):  # the page again, the form as typed, with what will happen
        return _detail_page(request, get_assistito_for(request, pk), **{form.prefix: form})
    if form.errors:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    else:
        messages.success(request, success)
    return redirect("locale:assistito_detail", pk=assistito.pk)


@login_required
@require_POST
@once_per_submission
def isee_new(request, pk: int):
    return _add_to_person(
        request,
        pk,
        lambda a, data: forms.IseeForm(data, prefix="isee"),
        lambda a, d: assistito_actions.isee_add(assistito=a, data=d, by=request.user),
        "ISEE registrato.",
    )


@login_required
@require_POST
@once_per_submission
def relazione_new(request, pk: int):
    def save(a, d):
        data = dict(d)
        data["persona"] = data.pop("persona_cf")
        assistito_actions.relazione_add(assistito=a, data=data, by=request.user)

    return _add_to_person(
        request, pk, lambda a, data: forms.RelazioneForm(data, prefix="rel", assistito=a), save, "Relazione aggiunta."
    )


@login_required
@require_POST
@once_per_submission
def contatto_new(request, pk: int):
    return _add_to_person(
        request,
        pk,
        lambda a, data: forms.ContattoForm(data, prefix="contatto"),
        lambda a, d: assistito_actions.contatto_add(assistito=a, data=d, by=request.user),
        "Contatto aggiunto.",
    )


MERGE_WAITING = "Unione chiesta: avrà effetto quando la approva il ruolo indicato dall'ente (elenco «Da approvare»)."


@login_required
@require_POST
def unione(request, pk: int):
    def candidates(a):
        twins = possible_duplicates(
            ente=a.owner_ente,
            cognome=a.cognome,
            nome=a.nome,
            data_nascita=a.data_nascita,
            exclude_pk=a.pk,
            codice_fiscale=a.codice_fiscale,
            identificativo_temporaneo=a.identificativo_temporaneo,
        )
        return Assistito.objects.filter(pk__in=[t.pk for t in twins])

    return _add_to_person(
        request,
        pk,
        lambda a, data: forms.UnioneForm(data, prefix="unione", candidates=candidates(a)),
        lambda a, d: unione_o_richiesta(keep=a, duplicate=d["duplicato"], by=request.user, reason=d["reason"]),
        lambda esito: MERGE_WAITING if esito.in_attesa else "Schede unite: la scheda duplicata resta nello storico.",
    )


@login_required
@require_POST
@once_per_submission
def cartella_nuova(request, pk: int):
    assistito = get_assistito_for(request, pk, write=True, finalita="apertura cartella")
    cartella = cartella_open(assistito=assistito, by=request.user, area=request.POST.get("area", ""))
    messages.success(request, f"Aperta la cartella {cartella.numero}.")
    return redirect("locale:cartella_detail", pk=cartella.pk)


@login_required
def assistito_sistemi_regionali(request, pk: int):
    """Edotto (dimissioni protette), Ministero del Lavoro (stato occupazionale), Puglia Sociale (avvisi aperti):
    consulted on the operator's request (POST), shown, never stored."""
    from cse.cartella.recupero import consulta_sistemi_regionali

    assistito = get_assistito_for(request, pk, finalita="consultazione sistemi regionali")
    result = None
    if request.method == "POST":
        ente = Ente.objects.filter(pk__in=ente_ids_for(request.user, Capability.VIEW_PERSONE)).order_by("pk").first()
        result = consulta_sistemi_regionali(assistito=assistito, user=request.user, ente=ente)
    return render(request, "locale/sistemi_regionali.html", {"assistito": assistito, "result": result})
