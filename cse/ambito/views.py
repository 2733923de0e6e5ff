"""The Ufficio di Piano's workspace: the cases the ambito owns (after a transfer of ownership)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from cse.cartella.models import Cartella
from cse.cartella.selectors import get_cartella_for
from cse.core.roles import TipoEnte


@login_required
def cartelle_list(request):
    qs = (
        Cartella.objects.visible_to(request.user)
        .filter(owner_ente__tipo=TipoEnte.AMBITO)
        .select_related("assistito", "owner_ente")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "ambito/cartelle_list.html", {"page": page})


@login_required
def cartella_detail(request, pk: int):
    cartella = get_cartella_for(request, pk, owner_tipo=TipoEnte.AMBITO)
    return render(request, "cartella/cartella_summary.html", {"cartella": cartella, "tier": "ambito"})
