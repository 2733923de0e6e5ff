"""The regional analysts' export to the DSS: the batches sent and their outcome, and the send button (re-auth)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cse.core.models import Ente
from cse.core.permissions import ente_ids_for
from cse.core.reauth import has_recent_auth, reauth_redirect
from cse.core.roles import Capability, TipoEnte

from .dss import dss_export, eventi_da_inviare
from .models import LottoDss
from .views import analysts_only

DB = "regionale"


@analysts_only
def dss(request):
    lotti = LottoDss.objects.using(DB).all()[:50]
    return render(request, "regionale/dss.html", {"lotti": lotti, "da_inviare": eventi_da_inviare()})


@analysts_only
@require_POST
def dss_invio(request):
    if not has_recent_auth(request):
        return reauth_redirect(request, reverse("regionale:dss"))
    ente = (
        Ente.objects.filter(pk__in=ente_ids_for(request.user, Capability.VIEW_REGIONAL_DATA), tipo=TipoEnte.REGIONE)
        .order_by("pk")
        .first()
    )
    if ente is None:
        messages.error(request, "L'invio al DSS è riservato agli analisti della Regione.")
        return redirect("regionale:dss")
    esito = dss_export(ente=ente, operatore=request.user)
    (messages.error if esito.errore else messages.success)(request, esito.messaggio)
    return redirect("regionale:dss")
