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
from .labels import dimension_labels, event_label
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


CHART_LABEL_CHARS = 40  # longer names are cut in the drawing (whole in its tooltip and in the data table)
BAR_SPAN = 80  # % of the drawing's width the longest bar takes: room for its value on a 360 px screen
ROW_PX = 40


def _chart(table, names: dict[str, str]) -> dict:
    """Horizontal bars of the published row totals, with names; a suppressed total is a gap with a note, never a bar
    of zero (None stays None). Coordinates are computed here so the template only draws (no JS: strict CSP)."""
    totals = [(names.get(r, r), table.row_total(r)) for r in table.rows][:CHART_BARS]
    top = max((t for _, t in totals if t is not None), default=0) or 1
    bars = []
    for i, (label, total) in enumerate(totals):
        width = 0.0 if total is None else round(BAR_SPAN * total / top, 2)
        short = label if len(label) <= CHART_LABEL_CHARS else label[: CHART_LABEL_CHARS - 1] + "…"
        bars.append(
            {"label": label, "short": short, "total": total, "width": width, "y": i * ROW_PX, "value_x": width + 1}
        )
    return {
        "bars": bars,
        "height": len(bars) * ROW_PX + 28,
        "axis_y": len(bars) * ROW_PX + 18,
        "top": top,
        "span": BAR_SPAN,
        "suppressed": sum(1 for b in bars if b["total"] is None),
        "cut": max(len(table.rows) - CHART_BARS, 0),
    }


def _named(published: list[list], row_names: dict[str, str], col_names: dict[str, str]) -> list[list]:
    """The published rows with names for the codes (header: corner, columns, total; body and footer: first cell)."""
    header = [published[0][0], *(col_names.get(c, c) for c in published[0][1:-1]), "Totale"]
    return [header, *([row_names.get(r[0], r[0]), *r[1:]] for r in published[1:])]


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
    row_names = dimension_labels(righe, table.rows)
    named = _named(published, row_names, dimension_labels(colonne, table.cols))
    return render(
        request,
        "regionale/cruscotto.html",
        {
            "anno": anno,
            "anni": anni,
            "righe": righe,
            "colonne": colonne,
            "dimensioni": TABLE_DIMENSIONS,
            "header": named[0],
            "body": named[1:-1],
            "footer": named[-1] if table.rows else None,
            "chart": _chart(table, row_names) if table.rows else None,
            "chart_title": f"Prestazioni {anno} per {TABLE_DIMENSIONS[righe].lower()} (totali pubblicati)",
            "not_shown": NOT_SHOWN,
            "per_tipo": [{"tipo": event_label(r["event_type"]), "n": r["n"]} for r in per_tipo],
        },
    )


@analysts_only
def completezza(request):
    """Per ente erogatore: erogated vs transmitted vs acquired by SIUSS (counts of prestazioni, no person data), read
    from the same protected pattern as the SIUSS tables, since its ente totals are theirs."""
    anni = sorted(set(PrestazioneSiuss.objects.values_list("anno", flat=True)), reverse=True)
    anno = year_param(request, anni)
    pattern = protected_pattern(anno)
    raw_rows = pattern.completeness()
    rows = [{k: fmt(v) for k, v in r.items()} for r in raw_rows]
    if request.GET.get("formato") in {"csv", "xlsx"}:
        if not has_recent_auth(request):
            return reauth_redirect(request)
        header = ["Ente erogatore", *COMPLETENESS_COLUMNS.values(), "% acquisite"]
        body = [[r["ente"], *(r[k] for k in COMPLETENESS_COLUMNS), r["quota_acquisite"]] for r in rows]
        return download([header, *body], filename=f"completezza-siuss-{anno}", formato=request.GET["formato"])
    raw_totals = pattern.completeness_totals()
    names = dimension_labels("ente", [r["ente"] for r in rows])
    context = {
        "anno": anno,
        "anni": anni,
        "rows": [{**r, "nome": names[r["ente"]], "quota": _quota(raw)} for r, raw in zip(rows, raw_rows, strict=True)],
        "colonne": COMPLETENESS_COLUMNS,
        "totali": {k: fmt(v) for k, v in raw_totals.items()},
        "quota_totale": _quota(raw_totals),
        "not_shown": NOT_SHOWN,
    }
    return render(request, "regionale/completezza.html", context)


def _quota(counts: dict) -> float | str | None:
    """% acquisite = acquired / erogated, from the published counts only: n.d. when either is hidden (a share of
    a hidden count would give it back), None when nothing was erogated."""
    acquisite, erogate = counts["acquisite"], counts["erogate"]
    if acquisite is None or erogate is None:
        return NOT_SHOWN
    return round(100 * acquisite / erogate, 1) if erogate else None
