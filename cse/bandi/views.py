"""The operators' pages of the bandi, shared by comune and ambito: bandi of my enti, a bando with its versions and
buttons, domande and their istruttoria, the graduatoria. Thin views: parse → selector/access helper → action →
render; a refusal of an action is its Italian message on the page, never a 500."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cse.cartella.selectors import assistiti_search, get_assistito_for
from cse.core.exports import csv_response
from cse.core.forms_util import add_service_errors, run_named_action, show_refusal
from cse.core.models import Ente
from cse.core.paging import paginate
from cse.core.permissions import ente_ids_for, has_capability, operators_with
from cse.core.reauth import require_recent_auth
from cse.core.roles import Capability
from cse.core.submission import once_per_submission

from . import actions, rules, selectors
from .fatti import fact_label
from .forms import DOMANDA_STATI, BandoForm, RettificaForm
from .glossary import Esito, Fonte, StatoBando, StatoDomanda
from .models import Allegato
from .prefill import FATTI_KEY
from .workflow import local_label, may_take_at_desk

_ISTRUTTORIA = Capability.ISTRUTTORIA_BANDI


def _require_operator(request) -> None:
    """The bandi pages exist only for who holds a bandi capability somewhere (others: 404, no hint)."""
    if not ente_ids_for(request.user, selectors.OPERATOR_CAPABILITIES):
        raise Http404


def _stato(request, choices) -> str:
    stato = request.GET.get("stato", "")
    return stato if stato in dict(choices) else ""


# --- bandi ------------------------------------------------------------------------------------------------------------


@login_required
def bandi_list(request):
    _require_operator(request)
    stato = _stato(request, StatoBando.choices)
    qs = selectors.bandi_for_operator(request.user).order_by("-apertura", "codice", "-versione")
    if stato:
        qs = qs.filter(stato=stato)
    context = {
        "page": paginate(request, qs),
        "stato": stato,
        "stati": StatoBando.choices,
        "can_create": bool(ente_ids_for(request.user, Capability.MANAGE_BANDI)),
    }
    return render(request, "bandi/bandi_list.html", context)


@login_required
def bando_nuovo(request):
    """Only who manages bandi somewhere reaches the form (others: 404, before any token check)."""
    enti = Ente.objects.filter(pk__in=ente_ids_for(request.user, Capability.MANAGE_BANDI)).order_by("nome")
    if not enti:
        raise Http404
    return _bando_nuovo(request, enti)


@once_per_submission
def _bando_nuovo(request, enti):
    form = BandoForm(request.POST or None, enti=enti, initial={"ente": enti.first(), "modello": "contributo_economico"})
    if request.method == "POST" and form.is_valid():
        try:
            bando = actions.bando_create(ente=form.cleaned_data["ente"], by=request.user, **form.bando_fields())
            messages.success(request, "Bando creato in preparazione: controllarlo e pubblicarlo.")
            return redirect("bandi:bando", pk=bando.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "bandi/bando_form.html", {"form": form}, status=400 if form.errors else 200)


def _managed_bando(request, pk: int):
    """A bando of an ente where the user manages bandi; 404 otherwise (also for who only instructs)."""
    bando = selectors.get_bando_for_operator(request.user, pk)
    if not has_capability(request.user, Capability.MANAGE_BANDI, bando.ente_id):
        raise Http404
    return bando


@login_required
def bando_detail(request, pk: int):
    bando = selectors.get_bando_for_operator(request.user, pk)
    versioni = bando.ente.bandi.filter(codice=bando.codice).order_by("-versione")
    criteri, spareggi = selectors.criteri_leggibili(bando)
    context = {
        "bando": bando,
        "apertura": local_label(bando.apertura),
        "chiusura": local_label(bando.chiusura),
        "criteri": criteri,
        "spareggi": spareggi,
        "versioni": versioni,
        "can_manage": has_capability(request.user, Capability.MANAGE_BANDI, bando.ente_id),
        "can_istruire": has_capability(request.user, _ISTRUTTORIA, bando.ente_id),
        "rettifica": RettificaForm(),
        "graduatoria": selectors.graduatoria_corrente(bando),
    }
    return render(request, "bandi/bando_detail.html", context)


@login_required
@require_POST
def bando_pubblica(request, pk: int):
    bando = _managed_bando(request, pk)
    try:
        actions.bando_publish(bando=bando, by=request.user)
        messages.success(request, "Bando pubblicato: è visibile nel portale dei cittadini.")
    except ValidationError as exc:
        show_refusal(request, exc)
    return redirect("bandi:bando", pk=pk)


@login_required
@require_POST
def bando_chiudi(request, pk: int):
    bando = _managed_bando(request, pk)
    try:
        actions.bando_close(bando=bando, by=request.user)
        messages.success(request, "Bando chiuso: si può calcolare la graduatoria al termine dell'istruttoria.")
    except ValidationError as exc:
        show_refusal(request, exc)
    return redirect("bandi:bando", pk=pk)


@login_required
def bando_rettifica(request, pk: int):
    """A correction publishes version n+1 with the reason; the old version stays as applicants saw it."""
    return _bando_rettifica(request, _managed_bando(request, pk))


@require_recent_auth
@once_per_submission
def _bando_rettifica(request, bando):
    form = RettificaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nuovo = actions.bando_correct(
                bando=bando, by=request.user, reason=form.cleaned_data["motivo"], changes=form.changes()
            )
            messages.success(request, f"Rettifica pubblicata: versione {nuovo.versione}.")
            return redirect("bandi:bando", pk=nuovo.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    status = 400 if form.errors else 200
    return render(request, "bandi/rettifica_form.html", {"form": form, "bando": bando}, status=status)


# --- domande ----------------------------------------------------------------------------------------------------------


@login_required
def domande_list(request, pk: int):
    bando = selectors.get_bando_for_operator(request.user, pk)
    stato = _stato(request, DOMANDA_STATI)
    qs = (
        selectors.domande_for_operator(request.user, bando).select_related("istruttore").order_by("presentata_il", "pk")
    )
    if stato:
        qs = qs.filter(stato=stato)
    context = {"bando": bando, "page": paginate(request, qs), "stato": stato, "stati": DOMANDA_STATI}
    return render(request, "bandi/domande_list.html", context)


def _fatti(domanda) -> list[dict]:
    """Each fact with its provenance (source, time, the operator's reason) beside the value."""
    fonti = dict(Fonte.choices)
    return [
        {
            "codice": codice,
            "etichetta": fact_label(codice),
            "valore": f.get("valore"),
            "fonte": fonti.get(f.get("fonte"), f.get("fonte", "")),
            "rilevato_il": datetime.fromisoformat(f["rilevato_il"]) if f.get("rilevato_il") else None,
            "motivo": f.get("motivo", ""),
            "segnalazione": f.get("segnalazione", ""),
        }
        for codice, f in sorted(domanda.dati.get(FATTI_KEY, {}).items())
    ]


@login_required
def domanda_detail(request, pk: int):
    domanda = selectors.get_domanda_for_operator(request.user, pk)
    try:
        valutabili = sorted(rules.parse_schema(domanda.bando.schema).fatti)
    except ValidationError:
        valutabili = []
    context = {
        "d": domanda,
        "fatti": _fatti(domanda),
        "esiti": domanda.esiti.all(),
        "DA_VERIFICARE": Esito.DA_VERIFICARE,
        "allegati": domanda.allegati.all(),
        "integrazioni": domanda.integrazioni.all(),
        "can_istruire": has_capability(request.user, _ISTRUTTORIA, domanda.ente_id),
        "istruttori": operators_with(domanda.ente, _ISTRUTTORIA),
        "valutabili": [(f, fact_label(f)) for f in valutabili],
        "stati": StatoDomanda,
        "avvisi": domanda.dati.get("avvisi", []) + domanda.dati.get("errori", []),
    }
    return render(request, "bandi/domanda_detail.html", context)


def _assegna(request, domanda) -> str:
    istruttore = get_user_model().objects.filter(pk=_int(request.POST.get("istruttore"))).first()
    if istruttore is None:
        raise ValidationError("Scegliere l'operatore a cui assegnare l'istruttoria.")
    actions.istruttoria_assign(domanda=domanda, istruttore=istruttore, by=request.user)
    return "Istruttoria assegnata."


def _valuta(request, domanda) -> str:
    outcomes = actions.istruttoria_evaluate(domanda=domanda, by=request.user)
    pending = len(rules.to_verify(outcomes))
    return f"Criteri valutati: {pending} da verificare." if pending else "Criteri valutati: nessuno da verificare."


def _dato(request, domanda) -> str:
    p = request.POST
    actions.istruttoria_set_fact(
        domanda=domanda,
        fatto=p.get("fatto", ""),
        valore=p.get("valore", "").strip(),
        reason=p.get("motivo", ""),
        by=request.user,
    )
    return "Dato accertato e criteri valutati di nuovo."


def _integrazione(request, domanda) -> str:
    actions.integrazione_request(domanda=domanda, testo=request.POST.get("testo", ""), by=request.user)
    return "Integrazione richiesta: il termine dell'istruttoria è sospeso."


def _risposta(request, domanda) -> str:
    actions.integrazione_answer(domanda=domanda, risposta=request.POST.get("risposta", ""), by=request.user)
    return "Integrazione registrata: il termine riprende."


def _istruisci(request, domanda) -> str:
    closed = actions.istruttoria_close(
        domanda=domanda, by=request.user, motivazione=request.POST.get("motivazione", "")
    )
    return f"Istruttoria conclusa: domanda {closed.get_esito_display().lower()}."


def _escludi(request, domanda) -> str:
    actions.domanda_exclude(domanda=domanda, by=request.user, reason=request.POST.get("motivazione", ""))
    return "Domanda esclusa."


def _riesame(request, domanda) -> str:
    """The front desk records a riesame the applicant asks in person (same window, same rules as online)."""
    from .provvedimento.actions import riesame_request

    riesame_request(domanda=domanda, by=request.user, reason=request.POST.get("motivo", ""))
    return "Riesame registrato: l'istruttoria della domanda è riaperta."


AZIONI = {
    "riesame": _riesame,
    "assegna": _assegna,
    "valuta": _valuta,
    "dato": _dato,
    "integrazione": _integrazione,
    "risposta": _risposta,
    "istruisci": _istruisci,
    "escludi": _escludi,
}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def domanda_azione(request, pk: int):
    """One istruttoria step, named by `azione`; each goes through its action (one transaction, history, event)."""
    domanda = selectors.get_domanda_for_operator(request.user, pk)
    return run_named_action(request, domanda, AZIONI, "bandi:domanda")


@login_required
def allegato(request, pk: int):
    """An attachment, only to the operators of the domanda's ente (the access check is the domanda's)."""
    allegato = Allegato.objects.filter(pk=pk).select_related("domanda").first()
    if allegato is None:
        raise Http404
    selectors.get_domanda_for_operator(request.user, allegato.domanda_id)
    return FileResponse(
        allegato.file.open("rb"),
        as_attachment=True,
        filename=allegato.nome_originale,
        content_type=allegato.content_type,
    )


# --- graduatoria ------------------------------------------------------------------------------------------------------


@login_required
def graduatoria(request, pk: int):
    bando = selectors.get_bando_for_operator(request.user, pk)
    if request.method == "POST":
        _graduatoria_post(request, bando)
        return redirect("bandi:graduatoria", pk=pk)
    current = selectors.graduatoria_corrente(bando)
    posizioni = current.posizioni.select_related("domanda").order_by("posizione", "pk") if current else []
    context = {
        "bando": bando,
        "graduatoria": current,
        "posizioni": posizioni,
        "can_istruire": has_capability(request.user, _ISTRUTTORIA, bando.ente_id),
    }
    return render(request, "bandi/graduatoria.html", context)


def _graduatoria_post(request, bando) -> None:
    try:
        if request.POST.get("azione") == "definitiva":
            current = selectors.graduatoria_corrente(bando)
            if current is None:
                raise ValidationError("Non c'è una graduatoria da rendere definitiva.")
            actions.graduatoria_finalise(graduatoria=current, by=request.user)
            messages.success(request, "Graduatoria definitiva.")
        else:
            actions.graduatoria_compute(bando=bando, by=request.user)
            messages.success(
                request, "Graduatoria provvisoria calcolata e pubblicata: decorre il termine per le opposizioni."
            )
    except ValidationError as exc:
        show_refusal(request, exc)


@login_required
@require_recent_auth
def graduatoria_csv(request, pk: int):
    """The pseudonymised ranking: public codes, score, amount; never names or ISEE values."""
    bando = selectors.get_bando_for_operator(request.user, pk)
    current = selectors.graduatoria_corrente(bando)
    if current is None:
        raise Http404
    response, writer = csv_response(f"graduatoria-{bando.codice}-v{bando.versione}.csv")
    writer.writerow(["posizione", "codice", "punteggio", "ammessa", "importo_assegnato"])
    for p in current.posizioni.order_by("posizione", "pk"):
        writer.writerow(
            [p.posizione or "", p.codice_pubblico, p.punteggio, "sì" if p.ammessa else "no", p.importo_assegnato]
        )
    return response


# --- front desk -------------------------------------------------------------------------------------------------------


@login_required
def domanda_sportello(request, pk: int):
    """«Nuova domanda allo sportello» for a person in care: search the people the operator may see, pick one; the
    domanda is drafted in their name, its data read from ANPR and INPS, and submitted (canale sportello)."""
    bando = selectors.get_bando_for_operator(request.user, pk)
    if not may_take_at_desk(request.user, bando.ente_id):
        raise Http404
    return _domanda_sportello(request, bando)


@once_per_submission
def _domanda_sportello(request, bando):
    query = request.GET.get("q", "").strip()
    errori: list[str] = []
    if request.method == "POST":
        assistito = get_assistito_for(request, _int(request.POST.get("assistito")) or 0, write=True)
        try:
            contatti = {
                "consenso_app_io": request.POST.get("consenso_app_io") == "1",
                "email": request.POST.get("email", ""),
            }
            domanda = actions.domanda_front_desk(bando=bando, by=request.user, assistito=assistito, contatti=contatti)
            messages.success(request, "Domanda presentata allo sportello: protocollazione in corso.")
            return redirect("bandi:domanda", pk=domanda.pk)
        except ValidationError as exc:
            errori = exc.messages
    persone = assistiti_search(request.user, query)[:20] if query else []
    context = {"bando": bando, "q": query, "persone": persone, "errori": errori}
    return render(request, "bandi/domanda_sportello.html", context, status=400 if errori else 200)
