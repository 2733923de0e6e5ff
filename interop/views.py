"""The ente's view of the external systems: configured systems with their circuit state and last outcome, and the
call log of the ente's own operators (who, which case, which e-service, outcome, duration — never payloads)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from cse.core.exports import csv_response
from cse.core.models import Ente
from cse.core.paging import paginate
from cse.core.permissions import ente_or_404
from cse.core.reauth import require_recent_auth
from cse.core.roles import Capability

from .config import DIRECT_SERVICES, E_SERVICES, SYSTEM_NAMES, system_of
from .glossary import EsitoChiamata
from .http import breaker_state
from .models import ChiamataInterop

E_SERVICE_LABELS = {
    "pdnd": "PDND — voucher",
    **{e: e.replace("_", " ") for e in E_SERVICES},
    "protocollo": "protocollo informatico",
    "pagopa": "pagoPA GPD",
}


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _calls(request, ente: Ente):
    """The ente's calls, filtered by system, outcome and date range (invalid filters are ignored, and said so)."""
    calls = ChiamataInterop.objects.filter(ente=ente).select_related("operatore")
    sistema, esito = request.GET.get("sistema", ""), request.GET.get("esito", "")
    dal, al = _date(request.GET.get("dal", "")), _date(request.GET.get("al", ""))
    if sistema in SYSTEM_NAMES:
        calls = calls.filter(e_service__in=[e for e in ["pdnd", *E_SERVICES] if system_of(e) == sistema])
    if esito in EsitoChiamata.values:
        calls = calls.filter(esito=esito)
    if dal:
        calls = calls.filter(creata_il__date__gte=dal)
    if al:
        calls = calls.filter(creata_il__date__lte=al)
    filtri = {"sistema": sistema if sistema in SYSTEM_NAMES else "", "esito": ""}
    filtri["esito"] = esito if esito in EsitoChiamata.values else ""
    filtri |= {"dal": dal.isoformat() if dal else "", "al": al.isoformat() if al else ""}
    invalid = [k for k in ("dal", "al") if request.GET.get(k) and not filtri[k]]
    return calls.order_by("-creata_il", "-id"), filtri, invalid


def _systems(ente: Ente) -> list[dict]:
    configured = settings.CSE_INTEROP_SERVICES
    rows = []
    for e_service in ["pdnd", *E_SERVICES, *DIRECT_SERVICES]:
        system = system_of(e_service)
        if system not in configured:
            continue
        last = ChiamataInterop.objects.filter(ente=ente, e_service=e_service).order_by("-creata_il", "-id").first()
        rows.append(
            {
                "e_service": e_service,
                "label": E_SERVICE_LABELS.get(e_service, e_service),
                "sistema": SYSTEM_NAMES.get(system, system),
                "circuito": breaker_state(e_service),
                "ultima": last,
            }
        )
    return rows


@login_required
def ente_sistemi(request, pk: int):
    ente = ente_or_404(request.user, pk, Capability.VIEW_AUDIT)
    calls, filtri, invalid = _calls(request, ente)
    page = paginate(request, calls, per_page=50)
    query = "&".join(f"{k}={v}" for k, v in filtri.items() if v)
    context = {
        "ente": ente,
        "sistemi": _systems(ente),
        "page": page,
        "filtri": filtri,
        "invalid": invalid,
        "query": query,
        "scelte_sistema": [(k, v) for k, v in SYSTEM_NAMES.items() if k in settings.CSE_INTEROP_SERVICES],
        "scelte_esito": EsitoChiamata.choices,
    }
    return render(request, "interop/ente_sistemi.html", context)


@login_required
@require_recent_auth
def ente_chiamate_csv(request, pk: int):
    """The same filtered calls as the page, all of them, as CSV (ids only: no payloads, no names of assistiti)."""
    ente = ente_or_404(request.user, pk, Capability.VIEW_AUDIT)
    calls, _, _ = _calls(request, ente)
    response, writer = csv_response(f"chiamate-sistemi-esterni-{ente.codice}.csv")
    writer.writerow(
        [
            "data_ora",
            "operatore",
            "e_service",
            "operazione",
            "id_cartella",
            "id_assistito",
            "esito",
            "codice_errore",
            "http_status",
            "tentativi",
            "durata_ms",
        ]
    )
    for c in calls.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(c.creata_il).isoformat(timespec="seconds"),
                c.operatore.get_username() if c.operatore else "sistema",
                c.e_service,
                c.operazione,
                c.cartella_id or "",
                c.assistito_id or "",
                c.esito,
                c.codice_errore,
                c.http_status or "",
                c.tentativi,
                c.durata_ms,
            ]
        )
    return response
