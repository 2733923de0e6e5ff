"""The comune's workspace: people and their cases. Thin: parse → selector/access helper → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cse.cartella.models import Cartella
from cse.cartella.selectors import assistiti_search, get_assistito_for
from cse.cartella.services import assistito_register, cartella_open
from cse.core.forms_util import add_service_errors
from cse.core.models import Ente
from cse.core.permissions import ente_ids_for, has_capability
from cse.core.roles import Capability, TipoEnte

from .forms import AssistitoForm


@login_required
def assistiti_list(request):
    query = request.GET.get("q", "")
    page = Paginator(assistiti_search(request.user, query), 25).get_page(request.GET.get("page"))
    can_register = has_capability(request.user, Capability.REGISTER_PERSONE)
    return render(request, "locale/assistiti_list.html", {"page": page, "q": query, "can_register": can_register})


@login_required
def assistito_create(request):
    enti = Ente.objects.filter(pk__in=ente_ids_for(request.user, Capability.REGISTER_PERSONE), tipo=TipoEnte.COMUNE)
    if not enti.exists():
        return render(request, "core/forbidden.html", status=404)
    form = AssistitoForm(request.POST or None, enti=enti, initial={"ente": enti.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assistito = assistito_register(
                ente=data["ente"],
                cognome=data["cognome"],
                nome=data["nome"],
                sesso=data["sesso"],
                data_nascita=data["data_nascita"],
                luogo_nascita=data["luogo_nascita"],
                codice_fiscale=data["codice_fiscale"],
                identificativo_temporaneo=data["identificativo_temporaneo"],
                comune_residenza=data["comune_residenza"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{assistito} registrato.")
            return redirect("locale:assistito_detail", pk=assistito.pk)
    return render(request, "locale/assistito_form.html", {"form": form})


@login_required
def assistito_detail(request, pk: int):
    assistito = get_assistito_for(request, pk)
    cartelle = Cartella.objects.visible_to(request.user).filter(assistito=assistito).select_related("owner_ente")
    can_open = has_capability(request.user, Capability.REGISTER_PERSONE, assistito.owner_ente_id)
    return render(
        request, "locale/assistito_detail.html", {"assistito": assistito, "cartelle": cartelle, "can_open": can_open}
    )


@login_required
@require_POST
def cartella_nuova(request, pk: int):
    assistito = get_assistito_for(request, pk, write=True, finalita="apertura cartella")
    cartella = cartella_open(assistito=assistito, by=request.user, area=request.POST.get("area", ""))
    messages.success(request, f"Aperta la cartella {cartella.numero}.")
    return redirect("locale:cartella_detail", pk=cartella.pk)
