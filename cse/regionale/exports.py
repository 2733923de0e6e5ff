"""Published tables as CSV and XLSX: the same rows as the page, suppressed cells shown as "n.d."."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from .disclosure import ProtectedTable

NOT_SHOWN = "n.d."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fmt(value: int | None) -> str | int:
    return NOT_SHOWN if value is None else value


def table_rows(table: ProtectedTable, corner: str) -> list[list]:
    """Header, one row per row key with its total, the totals row — what a published table may show."""
    rows = [[corner, *table.cols, "totale"]]
    for r in table.rows:
        rows.append([r, *(fmt(table.value(r, c)) for c in table.cols), fmt(table.row_total(r))])
    rows.append(["totale", *(fmt(table.col_total(c)) for c in table.cols), fmt(table.grand_total)])
    return rows


def download(rows: list[list], *, filename: str, formato: str) -> HttpResponse:
    if formato == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("dati")
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        csv.writer(response, delimiter=";").writerows(rows)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{formato}"'
    return response
