"""Analyst dashboard: only the regional tier's own tables, only published (suppressed) figures."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cse.core.permissions import has_capability
from cse.core.roles import Capability

from .derivations import siuss_table
from .models import EventoRegionale, PrestazioneSiuss
from .suppression import suppress

NOT_SHOWN = "n.d."


def _fmt(value: int | None) -> str:
    return NOT_SHOWN if value is None else str(value)


@login_required
def cruscotto(request):
    if not has_capability(request.user, Capability.VIEW_REGIONAL_DATA):
        return render(request, "core/forbidden.html", status=404)
    anni = sorted(set(PrestazioneSiuss.objects.values_list("anno", flat=True)), reverse=True)
    anno_param = request.GET.get("anno", "")
    anno = int(anno_param) if anno_param.isdigit() else (anni[0] if anni else timezone.localdate().year)
    rows, cols, cells = siuss_table(anno)
    table = suppress(rows, cols, cells)
    if request.GET.get("formato") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="prestazioni-siuss-{anno}.csv"'
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["ente", *cols, "totale"])
        for row in rows:
            writer.writerow([row, *(_fmt(table.value(row, c)) for c in cols), _fmt(table.row_total(row))])
        writer.writerow(["totale", *(_fmt(table.col_total(c)) for c in cols), _fmt(table.grand_total)])
        return response
    per_tipo = EventoRegionale.objects.values("event_type").annotate(n=Count("id")).order_by("event_type")
    grid = [
        {"ente": row, "values": [_fmt(table.value(row, c)) for c in cols], "total": _fmt(table.row_total(row))}
        for row in rows
    ]
    return render(
        request,
        "regionale/cruscotto.html",
        {
            "anno": anno,
            "anni": anni,
            "cols": cols,
            "grid": grid,
            "per_tipo": per_tipo,
            "col_totals": [_fmt(table.col_total(c)) for c in cols],
            "grand_total": _fmt(table.grand_total),
        },
    )
