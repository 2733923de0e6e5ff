"""Possible duplicates of the comune: the worklist, the side-by-side of two records (merge, or "two people"), and
the undoing of a merge. Thin: selectors read, actions write (cse/cartella/actions/doppioni.py)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cse.cartella.actions.approvazioni import unione_o_richiesta
from cse.cartella.actions.doppioni import assistito_unmerge, doppione_escludi
from cse.cartella.doppioni import compare
from cse.cartella.models import Assistito, StatoUnione, Unione
from cse.cartella.selectors import CAN_WRITE_ACCESS, duplicate_worklist, get_assistito_for, persona_of
from cse.cartella.unione import CHOOSABLE_FIELDS, field_label
from cse.core.forms_util import show_refusal
from cse.core.models import Ente
from cse.core.paging import paginate
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability, TipoEnte
from cse.core.templatetags.date_it import data as data_it

COMPARED_FIELDS = ["codice_fiscale", "identificativo_temporaneo", *CHOOSABLE_FIELDS]


def _comuni_of(user):
    return Ente.objects.filter(pk__in=ente_ids_for(user, Capability.REGISTER_PERSONE), tipo=TipoEnte.COMUNE).order_by(
        "nome", "pk"
    )


@login_required
def doppioni(request):
    enti = _comuni_of(request.user)
    if not enti.exists():
        return render(request, "core/forbidden.html", status=404)
    asked = request.GET.get("ente", "")
    ente = (enti.filter(pk=int(asked)).first() if asked.isdigit() else None) or enti.first()
    page = paginate(request, duplicate_worklist(request.user, ente))
    return render(request, "locale/doppioni.html", {"page": page, "ente": ente, "enti": enti})


def _shown(obj: Assistito, name: str) -> str:
    value = getattr(obj, name)
    if isinstance(value, date):
        return data_it(value)
    display = getattr(obj, f"get_{name}_display", None)
    return str(display() if display and value else value if value is not None else "")


def _rows(a: Assistito, b: Assistito) -> list[dict]:
    return [
        {"name": name, "label": field_label(name), "a": _shown(a, name), "b": _shown(b, name)}
        | {"differs": _shown(a, name) != _shown(b, name), "choosable": name in CHOOSABLE_FIELDS}
        for name in COMPARED_FIELDS
    ]


def _pair(request, pk: int) -> tuple[Assistito, Assistito]:
    """The two records, each through the permission-aware selector (404 for a foreign or merged one)."""
    finalita = "verifica possibili doppioni"
    assistito = get_assistito_for(request, pk, capability=CAN_WRITE_ACCESS, finalita=finalita)
    other = request.POST.get("con") or request.GET.get("con") or ""
    if not other.isdigit():
        raise Http404("Elemento non trovato")
    altro = get_assistito_for(request, int(other), capability=CAN_WRITE_ACCESS, finalita=finalita)
    if (
        altro.pk == assistito.pk
        or altro.owner_ente_id != assistito.owner_ente_id
        or assistito.unito_a_id
        or altro.unito_a_id
    ):
        raise Http404("Elemento non trovato")
    return assistito, altro


def _merge(request, a: Assistito, b: Assistito):
    keep, dup = (b, a) if request.POST.get("principale") == str(b.pk) else (a, b)
    scelte = {name: "duplicato" for name in CHOOSABLE_FIELDS if request.POST.get(f"campo_{name}") == str(dup.pk)}
    esito = unione_o_richiesta(
        keep=keep, duplicate=dup, by=request.user, reason=request.POST.get("reason", ""), scelte=scelte
    )
    if esito.in_attesa:  # the ente asks a second person to approve merges
        messages.success(request, "Unione richiesta: sarà eseguita quando un responsabile la approva.")
    else:
        messages.success(request, "Schede unite: la scheda duplicata resta nello storico; l'unione si può annullare.")
    return redirect("locale:assistito_detail", pk=keep.pk)


def _dismiss(request, a: Assistito, b: Assistito):
    doppione_escludi(a=a, b=b, by=request.user, motivo=request.POST.get("reason", ""))
    messages.success(request, "Segnate come due persone diverse: la coppia non sarà più proposta.")
    return redirect("locale:doppioni")


@login_required
def confronto(request, pk: int):
    a, b = _pair(request, pk)
    if request.method == "POST":
        action = {"unisci": _merge, "non_doppione": _dismiss}.get(request.POST.get("azione", ""))
        try:
            if action is not None:
                return action(request, a, b)
            messages.error(request, "Operazione non riconosciuta.")
        except ValidationError as exc:
            show_refusal(request, exc)
    coppia = compare(persona_of(a), persona_of(b))
    context = {"a": a, "b": b, "rows": _rows(a, b), "coppia": coppia, "reason": request.POST.get("reason", "")}
    return render(request, "locale/doppione_confronto.html", context)


@login_required
@require_POST
def annulla_unione(request, pk: int):
    principale = get_assistito_for(request, pk, capability=CAN_WRITE_ACCESS, finalita="annullamento unione schede")
    asked = request.POST.get("unione", "")
    unione = Unione.objects.filter(
        pk=int(asked) if asked.isdigit() else 0, principale=principale, stato=StatoUnione.ATTIVA
    ).first()
    if unione is None:
        raise Http404("Elemento non trovato")
    try:
        assistito_unmerge(unione=unione, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, "Unione annullata: le due schede sono di nuovo distinte, com'erano prima.")
    except ValidationError as exc:
        show_refusal(request, exc)
    return redirect("locale:assistito_detail", pk=principale.pk)
