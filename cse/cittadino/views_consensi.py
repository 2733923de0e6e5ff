"""«I miei consensi»: the informativa and the consents recorded for the logged-in citizen (their own codice fiscale
only, in every comune that registered them); the citizen gives or withdraws the consent-based ones here, with effect
at once (GDPR art. 7(3): withdrawing as easy as giving). Same authentication as the other citizen pages; a consent of
someone else answers 404, as one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from cse.cartella.actions import consensi as actions
from cse.core.codelists.privacy import RIFERIMENTO_FINALITA, CanalePrivacy, FinalitaConsenso, TramiteRevoca
from cse.core.forms_util import show_refusal

from . import selectors


def _citizen_or_login(request):
    """None when the visitor is a logged-in citizen; else the citizen login (an operator is nobody's citizen)."""
    if not request.user.is_authenticated or getattr(request.user, "cittadino", None) is None:
        return redirect(f"{reverse('cittadino:accesso')}?next={reverse('cittadino:consensi')}")
    return None


def _righe(scheda) -> list[dict]:
    """One line per consent purpose: the active consent if any, else the last revoked one (or nothing)."""
    consensi = list(scheda.consensi.all())
    righe = []
    for finalita, label in FinalitaConsenso.choices:
        mine = [c for c in consensi if c.finalita == finalita]
        attivo = next((c for c in mine if c.attivo), None)
        righe.append(
            {
                "finalita": finalita,
                "label": label,
                "riferimento": RIFERIMENTO_FINALITA[finalita],
                "attivo": attivo,
                "ultimo": attivo or (max(mine, key=lambda c: c.dato_il) if mine else None),
            }
        )
    return righe


def consensi(request):
    if (answer := _citizen_or_login(request)) is not None:
        return answer
    schede = selectors.schede_del_cittadino(request.user).prefetch_related("consensi", "informative")
    blocchi = [{"scheda": s, "informativa": s.informative.first(), "righe": _righe(s)} for s in schede]
    return render(request, "cittadino/consensi.html", {"blocchi": blocchi})


def consenso_dai(request):
    if (answer := _citizen_or_login(request)) is not None:
        return answer
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    scheda_id = request.POST.get("scheda", "")
    scheda = selectors.schede_del_cittadino(request.user).filter(pk=scheda_id).first() if scheda_id.isdigit() else None
    if scheda is None:
        raise Http404
    try:
        actions.consenso_give(
            assistito=scheda, finalita=request.POST.get("finalita", ""), canale=CanalePrivacy.PORTALE, by=request.user
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, "Consenso registrato.")
    return redirect("cittadino:consensi")


def consenso_revoca(request, pk: int):
    """Effective at once; a second revocation (another tab, a double click) changes nothing and says so kindly.
    Someone else's consent answers 404 to anyone, operators included, as one that does not exist."""
    if not request.user.is_authenticated:
        return _citizen_or_login(request)
    consenso = selectors.get_consenso_for_citizen(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not consenso.attivo:
        messages.info(request, "Il consenso era già stato revocato.")
    else:
        actions.consenso_revoke(consenso=consenso, by=request.user, tramite=TramiteRevoca.PORTALE)
        messages.success(request, "Consenso revocato: ha effetto da subito.")
    return redirect("cittadino:consensi")
