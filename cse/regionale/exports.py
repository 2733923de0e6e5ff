"""Published tables as CSV and XLSX: the same rows as the page, suppressed cells shown as "n.d."."""

from __future__ import annotations

from django.http import HttpResponse

from cse.core.exports import csv_response, xlsx_response

from .disclosure import ProtectedTable

NOT_SHOWN = "n.d."


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
    """The rows as an XLSX or CSV attachment (text cells neutralised against formula injection)."""
    if formato == "xlsx":
        return xlsx_response(rows, filename=f"{filename}.xlsx")
    response, writer = csv_response(f"{filename}.{formato}")
    writer.writerows(rows)
    return response
