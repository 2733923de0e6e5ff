"""The operators' pages of the provvedimenti: list and draft (from the final graduatoria, or from the concluded
riesami), a provvedimento with its buttons (edit, submit, approve, send back), its PDF, its notifications and the
letters to print. Same authorisation as the bando: an operator of another ente gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cse.core.audit import log_access
from cse.core.forms_util import run_named_action, show_refusal
from cse.core.models import AccessLog
from cse.core.paging import paginate
from cse.core.pdf import render_pdf
from cse.core.permissions import has_capability
from cse.core.roles import Capability

from . import selectors
from .glossary import CanaleNotifica, StatoGraduatoria, StatoNotifica, StatoProvvedimento, TipoProvvedimento
from .models import Provvedimento
from .notifiche import actions as notifiche
from .notifiche import messaggi
from .provvedimento import actions as provv
from .workflow import PROVVEDIMENTO


@login_required
def provvedimenti(request, pk: int):
    """GET: the bando's provvedimenti; POST: draft one (tipo graduatoria on the final ranking, or riesame)."""
    bando = selectors.get_bando_for_operator(request.user, pk)
    if request.method == "POST":
        return _draft(request, bando)
    lista = Provvedimento.objects.filter(bando__ente_id=bando.ente_id, bando__codice=bando.codice)
    graduatoria = selectors.graduatoria_corrente(bando)
    context = {
        "bando": bando,
        "provvedimenti": lista.select_related("redatto_da", "approvato_da"),
        "graduatoria": graduatoria if graduatoria and graduatoria.stato == StatoGraduatoria.DEFINITIVA else None,
        "can_istruire": has_capability(request.user, Capability.ISTRUTTORIA_BANDI, bando.ente_id),
        "tipi": [(TipoProvvedimento.GRADUATORIA, TipoProvvedimento.GRADUATORIA.label),
                 (TipoProvvedimento.RIESAME, TipoProvvedimento.RIESAME.label)],
    }  # fmt: skip
    return render(request, "bandi/provvedimenti.html", context)


def _draft(request, bando):
    tipo = request.POST.get("tipo", "")
    graduatoria = selectors.graduatoria_corrente(bando) if tipo == TipoProvvedimento.GRADUATORIA else None
    try:
        p = provv.provvedimento_draft(
            bando=bando,
            tipo=tipo,
            graduatoria=graduatoria,
            by=request.user,
            oggetto=request.POST.get("oggetto", ""),
            testo=request.POST.get("testo", ""),
        )
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("bandi:provvedimenti", pk=bando.pk)
    messages.success(request, "Provvedimento redatto: controllarlo e sottoporlo ad approvazione.")
    return redirect("bandi:provvedimento", pk=p.pk)


@login_required
def provvedimento(request, pk: int):
    p = selectors.get_provvedimento_for_operator(request.user, pk)
    ente_id = p.bando.ente_id
    conteggi = {s: 0 for s in StatoNotifica.values}
    for stato in p.notifiche.values_list("stato", flat=True):
        conteggi[stato] += 1
    context = {
        "p": p,
        "can_istruire": has_capability(request.user, Capability.ISTRUTTORIA_BANDI, ente_id),
        "can_approvare": has_capability(request.user, Capability.APPROVE_PROVVEDIMENTI, ente_id)
        and request.user.pk != p.redatto_da_id,
        "passaggi": PROVVEDIMENTO.from_state(p.stato),
        "conteggi": [(StatoNotifica(s).label, n) for s, n in conteggi.items() if n],
        "righe": provv.provvedimento_outcomes(p)[:50] if p.stato != StatoProvvedimento.APPROVATO else [],
    }
    return render(request, "bandi/provvedimento.html", context)


def _aggiorna(request, p) -> str:
    provv.provvedimento_update(
        provvedimento=p, by=request.user, oggetto=request.POST.get("oggetto", ""), testo=request.POST.get("testo", "")
    )
    return "Provvedimento aggiornato."


def _sottoponi(request, p) -> str:
    provv.provvedimento_submit(provvedimento=p, by=request.user)
    return "Provvedimento sottoposto ad approvazione: il PDF è in preparazione, poi chi approva potrà leggerlo."


def _approva(request, p) -> str:
    approvato = provv.provvedimento_approve(provvedimento=p, by=request.user)
    n = approvato.notifiche.count()
    return f"Provvedimento approvato: protocollazione in corso, {n} notifiche in coda."


def _restituisci(request, p) -> str:
    provv.provvedimento_send_back(provvedimento=p, by=request.user, reason=request.POST.get("motivo", ""))
    return "Provvedimento restituito al redattore."


AZIONI = {"aggiorna": _aggiorna, "sottoponi": _sottoponi, "approva": _approva, "restituisci": _restituisci}


@login_required
@require_POST
def provvedimento_azione(request, pk: int):
    p = selectors.get_provvedimento_for_operator(request.user, pk)
    return run_named_action(request, p, AZIONI, "bandi:provvedimento")


@login_required
def provvedimento_pdf(request, pk: int):
    """The document as submitted for approval (what the approver approves and the protocol registers): public codes
    only, no personal data."""
    p = selectors.get_provvedimento_for_operator(request.user, pk)
    if not p.pdf:
        raise Http404
    return FileResponse(p.pdf.open("rb"), as_attachment=True, filename=f"provvedimento-{p.pk}.pdf",
                        content_type="application/pdf")  # fmt: skip


@login_required
def notifiche_list(request, pk: int):
    p = selectors.get_provvedimento_for_operator(request.user, pk)
    stato = request.GET.get("stato", "")
    qs = p.notifiche.select_related("domanda").order_by("pk")
    if stato in StatoNotifica.values:
        qs = qs.filter(stato=stato)
    context = {"p": p, "page": paginate(request, qs), "stato": stato, "stati": StatoNotifica.choices}
    return render(request, "bandi/notifiche_list.html", context)


def _lettere(p):
    return p.notifiche.filter(stato=StatoNotifica.DA_STAMPARE).select_related(
        "domanda__bando__ente", "domanda__comune_residenza", "provvedimento"
    )


@login_required
def lettere(request, pk: int):
    """The letters to print (GET), or mark the printed ones as posted (POST): posting starts the riesame term."""
    p = selectors.get_provvedimento_for_operator(request.user, pk)
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("notifica") if x.isdigit()]
        try:
            n = notifiche.lettere_segna_stampate(notifiche=ids, provvedimento=p, by=request.user)
            messages.success(request, f"{n} lettere segnate come stampate e spedite.")
        except ValidationError as exc:
            show_refusal(request, exc)
        return redirect("bandi:lettere", pk=pk)
    context = {"p": p, "page": paginate(request, _lettere(p).order_by("pk")), "canale": CanaleNotifica.LETTERA}
    return render(request, "bandi/lettere.html", context)


@login_required
def lettere_pdf(request, pk: int):
    """The letters still to print, one per page; each names a person, so each linked person's read is logged."""
    p = selectors.get_provvedimento_for_operator(request.user, pk)
    if not p.protocollo_numero:
        messages.error(request, "Le lettere si stampano dopo la protocollazione del provvedimento.")
        return redirect("bandi:lettere", pk=pk)
    righe = list(_lettere(p).order_by("pk")[:500])
    for n in righe:
        if n.domanda.assistito_id:
            log_access(user=request.user, assistito_id=n.domanda.assistito_id, oggetto_tipo="notifica",
                       oggetto_id=n.pk, ente_id=p.bando.ente_id, azione=AccessLog.Azione.PDF,
                       finalita="stampa della lettera di esito", request=request)  # fmt: skip
    pdf = render_pdf("bandi/lettera_pdf.html", {"p": p, "lettere": [messaggi.context(n) for n in righe]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lettere-provvedimento-{p.pk}.pdf"'
    return response
