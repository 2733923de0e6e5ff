"""The citizen's pages of the bandi: published bandi of a comune and its ambito, a bando, "Presenta domanda" (a draft
prefilled from ANPR and INPS, declarations, attachments, submission), the receipt (page and PDF), "Le mie domande"
and the pseudonymised ranking. The SPID/CIE level is checked at login (cse/cittadino/oidc.py:require_spid_level,
CSE_SPID_MIN_LEVEL = 2): every logged-in citizen here has it. A domanda of someone else is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cse.bandi import actions, selectors
from cse.bandi.forms import AllegatoForm, DomandaCittadinoForm, RiesameForm
from cse.bandi.glossary import Fonte, StatoBando, StatoDomanda
from cse.bandi.liquidazione import actions as liquidazione_actions
from cse.bandi.liquidazione import selectors as pagamenti
from cse.bandi.liquidazione.forms import IbanForm
from cse.bandi.models import Domanda
from cse.bandi.prefill import FATTI_KEY
from cse.bandi.provvedimento import actions as provvedimento_actions
from cse.bandi.workflow import DOMANDA, local_label, riesame_deadline
from cse.core.forms_util import add_service_errors, show_refusal
from cse.core.models import Comune
from cse.core.pdf import render_pdf
from cse.core.submission import once_per_submission

from .agenda import Cittadino
from .selectors import residenza_nota


def _cittadino(request) -> Cittadino | None:
    return getattr(request.user, "cittadino", None) if request.user.is_authenticated else None


def _owner_or_none(request) -> Cittadino | None:
    """The logged-in citizen; None for an anonymous visitor (sent to the login). A logged-in operator gets a 404:
    their account is nobody's citizen, and a citizen's domanda must look the same as one that does not exist."""
    if not request.user.is_authenticated:
        return None
    cittadino = _cittadino(request)
    if cittadino is None:
        raise Http404
    return cittadino


def _to_login(request):
    return redirect(f"{reverse('cittadino:accesso')}?next={request.path}")


def _comune(request) -> Comune | None:
    """The comune asked for, else the citizen's known residence."""
    asked = request.GET.get("comune", "")
    if asked.isdigit():
        return Comune.objects.filter(pk=int(asked), ente__isnull=False).first()
    cittadino = _cittadino(request)
    return residenza_nota(cittadino.codice_fiscale) if cittadino else None


def bandi(request):
    comune = _comune(request)
    context = {
        "comune": comune,
        "comuni": Comune.objects.filter(ente__isnull=False).order_by("nome"),
        "bandi": selectors.published_for_comune(comune) if comune else [],
    }
    return render(request, "cittadino/bandi/bandi.html", context)


def _finestra(bando) -> dict:
    now = timezone.now()
    return {
        "apertura": local_label(bando.apertura),
        "chiusura": local_label(bando.chiusura),
        "aperto": bando.stato == StatoBando.PUBBLICATO and bando.apertura <= now <= bando.chiusura,
    }


def bando(request, pk: int):
    bando = selectors.get_published_bando(pk)
    criteri, spareggi = selectors.criteri_leggibili(bando)
    context = {"bando": bando, "criteri": criteri, "spareggi": spareggi, **_finestra(bando)}
    context["graduatoria"] = selectors.graduatoria_corrente(bando)
    return render(request, "cittadino/bandi/bando.html", context)


@require_POST
def domanda_nuova(request, pk: int):
    """Start (or resume) the citizen's domanda: a draft with their identity, then the data read from ANPR and INPS.
    An unknown or unpublished bando is a 404 for everyone; an operator is nobody's citizen (404)."""
    bando = selectors.get_published_bando(pk)
    cittadino = _owner_or_none(request)
    if cittadino is None:
        return _to_login(request)
    return _domanda_nuova(request, bando, cittadino)


@once_per_submission
def _domanda_nuova(request, bando, cittadino):
    bozza = selectors.citizen_domande(request.user).filter(
        ente_id=bando.ente_id, bando_codice=bando.codice, stato=StatoDomanda.BOZZA
    )
    if bozza.exists():
        return redirect("cittadino:domanda", pk=bozza.first().pk)
    richiedente = {"codice_fiscale": cittadino.codice_fiscale, "cognome": cittadino.cognome, "nome": cittadino.nome}
    try:
        domanda = actions.domanda_save_draft(bando=bando, by=request.user, richiedente=richiedente)
    except ValidationError as exc:
        criteri, spareggi = selectors.criteri_leggibili(bando)
        context = {"bando": bando, "criteri": criteri, "spareggi": spareggi, "errori": exc.messages, **_finestra(bando)}
        return render(request, "cittadino/bandi/bando.html", context, status=400)
    actions.domanda_prefill(domanda=domanda, by=request.user)
    return redirect("cittadino:domanda", pk=domanda.pk)


def domande(request):
    if _cittadino(request) is None:
        return _to_login(request)
    righe = selectors.citizen_domande(request.user).order_by("-creata_il")
    return render(request, "cittadino/bandi/domande.html", {"domande": righe})


def _fatti(domanda: Domanda) -> list[dict]:
    from cse.bandi.fatti import fact_label

    fonti = dict(Fonte.choices)
    return [
        {"etichetta": fact_label(c), "valore": f.get("valore"), "fonte": fonti.get(f.get("fonte"), "")}
        for c, f in sorted(domanda.dati.get(FATTI_KEY, {}).items())
        if not c.startswith("dichiarazione.")
    ]


def _forms(request, domanda: Domanda):
    bando = domanda.bando
    dichiarato = domanda.dati.get(FATTI_KEY, {}).get("isee.valore", {})
    initial = {
        "consenso_app_io": domanda.consenso_app_io,
        "email": domanda.email,
        "dichiarazioni": domanda.dichiarazioni,
        "isee_dichiarato": dichiarato.get("valore") if dichiarato.get("fonte") == Fonte.DICHIARAZIONE else None,
    }
    azione = request.POST.get("azione") if request.method == "POST" else None
    form = DomandaCittadinoForm(request.POST if azione in ("salva", "presenta") else None, bando=bando, initial=initial)
    upload = AllegatoForm(
        request.POST if azione == "allegato" else None, request.FILES if azione == "allegato" else None, bando=bando
    )
    return azione, form, upload


def _save(request, domanda: Domanda, form: DomandaCittadinoForm) -> Domanda:
    cittadino = request.user.cittadino
    isee = form.cleaned_data.get("isee_dichiarato")
    return actions.domanda_save_draft(
        bando=domanda.bando,
        by=request.user,
        domanda=domanda,
        richiedente={"codice_fiscale": cittadino.codice_fiscale, "cognome": cittadino.cognome, "nome": cittadino.nome},
        dichiarazioni=form.cleaned_data["dichiarazioni"],
        dichiarati={"isee.valore": str(isee) if isee is not None else None},
        contatti=form.contatti(),
    )


def _draft_post(request, domanda: Domanda, azione: str, form, upload):
    """Save, submit or add an attachment; a refusal (window closed, duplicate, missing document) goes on the form."""
    target = form if azione != "allegato" else upload
    if azione != "acquisisci" and not target.is_valid():
        return None
    try:
        if azione == "acquisisci":
            actions.domanda_prefill(domanda=domanda, by=request.user)
            messages.success(request, "Dati richiesti di nuovo ad ANPR e INPS.")
            return redirect("cittadino:domanda", pk=domanda.pk)
        if azione == "allegato":
            actions.allegato_add(
                domanda=domanda,
                codice=upload.cleaned_data["codice"],
                upload=upload.cleaned_data["file"],
                by=request.user,
            )
            messages.success(request, "Allegato caricato.")
            return redirect("cittadino:domanda", pk=domanda.pk)
        domanda = _save(request, domanda, form)
        if azione == "presenta":
            actions.domanda_submit(domanda=domanda, by=request.user)
            messages.success(request, "Domanda presentata: ecco la ricevuta.")
        else:
            messages.success(request, "Bozza salvata.")
        return redirect("cittadino:domanda", pk=domanda.pk)
    except ValidationError as exc:
        add_service_errors(target, exc)
    return None


def domanda(request, pk: int):
    if _owner_or_none(request) is None:
        return _to_login(request)
    domanda = selectors.get_domanda_for_citizen(request.user, pk)
    azione, form, upload = _forms(request, domanda)
    if domanda.stato == StatoDomanda.BOZZA and azione in ("salva", "presenta", "allegato", "acquisisci"):
        response = _draft_post(request, domanda, azione, form, upload)
        if response is not None:
            return response
    riesame = RiesameForm(request.POST if azione == "riesame" else None)
    if azione == "riesame" and riesame.is_valid():
        try:
            provvedimento_actions.riesame_request(
                domanda=domanda, by=request.user, reason=riesame.cleaned_data["motivo"]
            )
            messages.success(request, "Richiesta di riesame registrata: l'istruttoria della domanda è riaperta.")
            return redirect("cittadino:domanda", pk=domanda.pk)
        except ValidationError as exc:
            show_refusal(request, exc)
            return redirect("cittadino:domanda", pk=domanda.pk)
    context = {
        "d": domanda,
        "form": form,
        "upload": upload,
        "fatti": _fatti(domanda),
        "isee": domanda.dati.get("isee", {}),
        "errori_servizi": domanda.dati.get("errori", []),
        "avvisi": domanda.dati.get("avvisi", []),
        "allegati": domanda.allegati.all(),
        "bozza": domanda.stato == StatoDomanda.BOZZA,
        **_decisione(domanda),
        "riesame_form": riesame,
        **_finestra(domanda.bando),
        **_contributo(domanda),
    }
    status = 400 if form.errors or upload.errors or riesame.errors else 200
    return render(request, "cittadino/bandi/domanda.html", context, status=status)


def _contributo(domanda: Domanda) -> dict:
    """The benefit on the citizen's page: the awarded amount once the ranking is final, the account, the
    instalments with their state, a revocation."""
    posizione = pagamenti.posizione_definitiva(domanda)
    if posizione is None or posizione.importo_assegnato <= 0:
        return {}
    liq = getattr(domanda, "liquidazione", None)
    return {
        "posizione_finanziata": posizione,
        "liq": liq,
        "revoca": getattr(liq, "revoca", None) if liq else None,
        "rate": pagamenti.rate_of(domanda),
    }


def domanda_iban(request, pk: int):
    """The beneficiary enters (or changes) the IBAN their contributo is paid into, their own or a delegate's."""
    if _owner_or_none(request) is None:
        return _to_login(request)
    domanda = selectors.get_domanda_for_citizen(request.user, pk)
    if not _contributo(domanda):
        raise Http404
    return _domanda_iban(request, domanda)


@once_per_submission
def _domanda_iban(request, domanda: Domanda):
    form = IbanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            liquidazione_actions.iban_set(domanda=domanda, by=request.user, **form.cleaned_data)
            messages.success(request, "IBAN registrato: le prossime rate saranno pagate su questo conto.")
            return redirect("cittadino:domanda", pk=domanda.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    status = 400 if form.errors else 200
    return render(request, "cittadino/bandi/iban.html", {"d": domanda, "form": form}, status=status)


def _decisione(domanda: Domanda) -> dict:
    """The last approved decision on the domanda (what it says, its PDF) and whether a riesame may be asked."""
    notifica = (
        domanda.notifiche.filter(provvedimento__stato="approvato")
        .select_related("provvedimento")
        .order_by("-pk")
        .first()
    )
    if notifica is None:
        return {"decisione": None}
    deadline = riesame_deadline(domanda)
    can_riesame = not DOMANDA.refusal(domanda, "riesame")
    return {
        "decisione": notifica,
        "riesame_possibile": can_riesame,
        "riesame_entro": local_label(deadline) if deadline else "",
    }


def domanda_provvedimento_pdf(request, pk: int):
    """The PDF of the last approved provvedimento on the citizen's own domanda (public codes only)."""
    if _owner_or_none(request) is None:
        return _to_login(request)
    domanda = selectors.get_domanda_for_citizen(request.user, pk)
    notifica = _decisione(domanda)["decisione"]
    if notifica is None or not notifica.provvedimento.pdf:
        raise Http404
    response = HttpResponse(notifica.provvedimento.pdf.open("rb").read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="provvedimento-{notifica.provvedimento_id}.pdf"'
    return response


def domanda_pdf(request, pk: int):
    if _owner_or_none(request) is None:
        return _to_login(request)
    domanda = selectors.get_domanda_for_citizen(request.user, pk)
    if domanda.presentata_il is None:
        messages.error(request, "La ricevuta si ottiene dopo aver presentato la domanda.")
        return redirect("cittadino:domanda", pk=pk)
    pdf = render_pdf("cittadino/bandi/ricevuta_pdf.html", {"d": domanda}, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ricevuta-domanda-{domanda.pk}.pdf"'
    return response


def graduatoria(request, pk: int):
    """The published ranking, pseudonymised: codes, score, amount; never names or ISEE values."""
    bando = selectors.get_published_bando(pk)
    current = selectors.graduatoria_corrente(bando)
    posizioni = current.posizioni.order_by("posizione", "pk") if current else []
    return render(
        request, "cittadino/bandi/graduatoria.html", {"bando": bando, "graduatoria": current, "posizioni": posizioni}
    )
