"""Spreadsheet exports (CSV and XLSX) that a spreadsheet program opens as data, never as formulas.

A name such as ``=HYPERLINK("http://…","clic")`` typed into a form would otherwise run as a live formula when an
operator opens the export (CSV/formula injection). Following OWASP's advice, a text cell that starts with
``= + - @``, a tab or a carriage return gets a leading single quote; numbers stay numbers (a negative number is
data, not a formula). Every export of the project writes its rows through this module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def safe_cell(value: Any) -> Any:
    """The value a spreadsheet shows as text: strings that a spreadsheet would read as a formula are quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeCsvWriter:
    """csv.writer with every cell passed through safe_cell (the project's CSV separator is ';')."""

    def __init__(self, stream: Any, *, delimiter: str = ";") -> None:
        self._writer = csv.writer(stream, delimiter=delimiter)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(filename: str) -> tuple[HttpResponse, SafeCsvWriter]:
    """An attachment response and the safe writer that fills it."""
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, SafeCsvWriter(response)


def xlsx_response(rows: Iterable[Iterable[Any]], *, filename: str, sheet: str = "dati") -> HttpResponse:
    """One sheet with the rows, cells neutralised as in CSV (openpyxl would store a leading '=' as a formula)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    for row in rows:
        worksheet.append(safe_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
