"""Analyst dashboards: only the regional tier's own tables; published figures are suppressed, exports included."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cse.core.params import int_param_or_default
from cse.core.permissions import has_capability
from cse.core.reauth import has_recent_auth, reauth_redirect
from cse.core.roles import Capability

from .derivations import COMPLETENESS_COLUMNS, TABLE_DIMENSIONS
from .disclosure import protected_pattern
from .exports import NOT_SHOWN, download, fmt, table_rows
from .ingest import counted_events
from .models import PrestazioneSiuss

CHART_BARS = 25


def analysts_only(view):
    """Anyone else gets the same 404 as for a page that does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_capability(request.user, Capability.VIEW_REGIONAL_DATA):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def year_param(request, anni: list[int]) -> int:
    anno = int_param_or_default(request.GET.get("anno"), default=None, low=1000, high=9999)
    return anno if anno is not None else (anni[0] if anni else timezone.localdate().year)


def _chart(table) -> list[dict]:
    """Horizontal bars of the published row totals (suppressed ones are listed as n.d., never drawn)."""
    totals = [(r, table.row_total(r)) for r in table.rows]
    top = max((t for _, t in totals if t is not None), default=0) or 1
    return [{"label": r, "total": t, "pct": 0 if t is None else round(100 * t / top, 1)} for r, t in totals][
        :CHART_BARS
    ]


@analysts_only
def cruscotto(request):
    anni = sorted(set(PrestazioneSiuss.objects.values_list("anno", flat=True)), reverse=True)
    anno = year_param(request, anni)
    righe = request.GET.get("righe") if request.GET.get("righe") in TABLE_DIMENSIONS else "ente"
    colonne = request.GET.get("colonne") if request.GET.get("colonne") in TABLE_DIMENSIONS else "codice"
    if righe == colonne:
        colonne = "codice" if righe != "codice" else "trimestre"
    table = protected_pattern(anno).table(righe, colonne)
    published = table_rows(table, corner=TABLE_DIMENSIONS[righe])
    formato = request.GET.get("formato")
    if formato in {"csv", "xlsx"}:
        if not has_recent_auth(request):
            return reauth_redirect(request)
        return download(published, filename=f"prestazioni-siuss-{anno}-{righe}-{colonne}", formato=formato)
    per_tipo = counted_events().values("event_type").annotate(n=Count("id")).order_by("event_type")
    return render(
        request,
        "regionale/cruscotto.html",
        {
            "anno": anno,
            "anni": anni,
            "righe": righe,
            "colonne": colonne,
            "dimensioni": TABLE_DIMENSIONS,
            "header": published[0],
            "body": published[1:-1],
            "footer": published[-1] if table.rows else None,
            "chart": _chart(table),
            "not_shown": NOT_SHOWN,
            "per_tipo": per_tipo,
        },
    )


@analysts_only
def completezza(request):
    """Per ente erogatore: erogated vs transmitted vs acquired by SIUSS (counts of prestazioni, no person data), read
    from the same protected pattern as the SIUSS tables, since its ente totals are theirs."""
    anni = sorted(set(PrestazioneSiuss.objects.values_list("anno", flat=True)), reverse=True)
    anno = year_param(request, anni)
    pattern = protected_pattern(anno)
    rows = [{k: fmt(v) for k, v in r.items()} for r in pattern.completeness()]
    if request.GET.get("formato") in {"csv", "xlsx"}:
        if not has_recent_auth(request):
            return reauth_redirect(request)
        header = ["Ente erogatore", *COMPLETENESS_COLUMNS.values(), "% acquisite"]
        body = [[r["ente"], *(r[k] for k in COMPLETENESS_COLUMNS), r["quota_acquisite"]] for r in rows]
        return download([header, *body], filename=f"completezza-siuss-{anno}", formato=request.GET["formato"])
    totals = {k: fmt(v) for k, v in pattern.completeness_totals().items()}
    context = {"anno": anno, "anni": anni, "rows": rows, "colonne": COMPLETENESS_COLUMNS, "totali": totals}
    return render(request, "regionale/completezza.html", context)
