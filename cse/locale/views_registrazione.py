"""Helpers of the registration form while the operator types: place suggestions (ISTAT comuni, foreign states), what
the codice fiscale says, and «questa persona potrebbe essere già registrata». Read-only, GET, for operators who may
register people; everyone else gets the same 404 as the form itself."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cse.cartella.identity import foreign_states, what_the_cf_says
from cse.cartella.selectors import already_registered
from cse.core.models import Comune, Ente
from cse.core.params import DATE_MAX, DATE_MIN, MAX_INT_DIGITS
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability, TipoEnte

MIN_CHARS = 2  # one letter matches hundreds of comuni: wait for the second
MAX_SUGGESTIONS = 12


def registering_enti(user) -> QuerySet[Ente]:
    """The comuni where the user may register people (the registration form's «Comune che registra»)."""
    return Ente.objects.filter(pk__in=ente_ids_for(user, Capability.REGISTER_PERSONE), tipo=TipoEnte.COMUNE)


def _typed(value: str | None, limit: int) -> str | None:
    """A parameter as typed, cut to `limit` and without NUL bytes (PostgreSQL refuses them in a query)."""
    return None if value is None else value.replace("\x00", "")[:limit]


def _not_found(request) -> HttpResponse:
    return render(request, "core/forbidden.html", status=404)


def _comuni(prefix: str, *, with_ceased: bool) -> QuerySet[Comune]:
    qs = Comune.objects.filter(nome__istartswith=prefix)
    if not with_ceased:
        qs = qs.filter(soppresso=False)
    return qs.order_by("soppresso", "nome", "sigla_provincia")[:MAX_SUGGESTIONS]


@login_required
@require_GET
def luoghi_suggeriti(request):
    """The <option>s of a place field's datalist: comuni whose name starts with what was typed (with province), the
    value being the code the field takes — Belfiore for the birthplace (ceased comuni and foreign states too, a birth
    place can be either), ISTAT for the residence."""
    if not registering_enti(request.user).exists():
        return _not_found(request)
    nascita = _typed(request.GET.get("luogo_nascita"), 60)
    residenza = (
        _typed(request.GET.get("comune_residenza"), 60) or _typed(request.GET.get("comune_residenza_istat"), 60) or ""
    )
    typed = (nascita if nascita is not None else residenza).strip()
    options: list[tuple[str, str]] = []
    if len(typed) >= MIN_CHARS and not typed[:1].isdigit():
        if nascita is not None:
            options = [
                (c.codice_catastale, f"{c}{' — soppresso' if c.soppresso else ''}")
                for c in _comuni(typed, with_ceased=True)
            ]
            options += [(code, f"{name} — stato estero") for code, name in foreign_states(typed, limit=5)]
        else:
            options = [(c.codice_istat, str(c)) for c in _comuni(typed, with_ceased=False)]
    return render(request, "locale/_luoghi.html", {"options": options})


@login_required
@require_GET
def dal_codice_fiscale(request):
    """What the typed codice fiscale says (birth date, sex, birthplace), for the form's script to fill the fields the
    operator has not typed. Computed from the code alone: it never says whether anyone is registered."""
    if not registering_enti(request.user).exists():
        return _not_found(request)
    return JsonResponse(what_the_cf_says(_typed(request.GET.get("codice_fiscale"), 40) or ""))


def _typed_date(value: str) -> date | None:
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if DATE_MIN <= parsed <= DATE_MAX else None


@login_required
@require_GET
def gia_registrata(request):
    """«Questa persona potrebbe essere già registrata»: links to the records of the registering comune with the typed
    codice fiscale, or name and birth date, among the people the operator may see there. Any other comune answers
    like a comune where nobody matches."""
    enti = registering_enti(request.user)
    if not enti.exists():
        return _not_found(request)
    ente_id = (_typed(request.GET.get("ente"), 40) or "").strip()
    ente = enti.filter(pk=int(ente_id)).first() if ente_id.isdigit() and len(ente_id) <= MAX_INT_DIGITS else None
    twins = []
    if ente is not None:
        twins = already_registered(
            request.user,
            ente=ente,
            codice_fiscale=_typed(request.GET.get("codice_fiscale"), 40) or "",
            cognome=_typed(request.GET.get("cognome"), 100) or "",
            nome=_typed(request.GET.get("nome"), 100) or "",
            data_nascita=_typed_date(_typed(request.GET.get("data_nascita"), 20) or ""),
        )
    return render(request, "locale/_gia_registrata.html", {"twins": twins})
