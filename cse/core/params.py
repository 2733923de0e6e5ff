"""Query-string parameters read by the views: parsed once, with bounds, so that no value a visitor types in the
address bar (9999-12-31, 0001-01-01, "abc", a NUL byte, a thousand digits) reaches date arithmetic or the database
and turns into a 500. Out-of-range or malformed values raise `InvalidParam` with an Italian message the view shows
with status 400."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The calendar the product works in: people born since 1900, agendas and reports up to the end of the century.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)
MAX_INT_DIGITS = 18  # fits a signed 64-bit database integer


class InvalidParam(ValueError):
    """A query parameter the view cannot use; str(exc) is the Italian message for the visitor."""


def parse_date_param(
    value: str | None, *, name: str, default: date, low: date = DATE_MIN, high: date = DATE_MAX
) -> date:
    """An ISO date (AAAA-MM-GG) within [low, high]; `default` when the parameter is absent or empty."""
    if value is None or value.strip() == "":
        return default
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidParam(f"Il parametro '{name}' deve essere una data nel formato AAAA-MM-GG.") from exc
    if not low <= parsed <= high:
        raise InvalidParam(f"Il parametro '{name}' deve essere una data tra il {low:%d/%m/%Y} e il {high:%d/%m/%Y}.")
    return parsed


def parse_int_param(value: str | None, *, name: str, default: int, low: int, high: int) -> int:
    """A whole number within [low, high]; `default` when the parameter is absent or empty."""
    if value is None or value.strip() == "":
        return default
    text = value.strip()
    digits = text[1:] if text[:1] == "-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_INT_DIGITS:
        raise InvalidParam(f"Il parametro '{name}' deve essere un numero intero.")
    number = int(text)
    if not low <= number <= high:
        raise InvalidParam(f"Il parametro '{name}' deve essere compreso tra {low} e {high}.")
    return number


def bad_request(request: HttpRequest, exc: InvalidParam) -> HttpResponse:
    """The operator's 400 page with the parameter's message."""
    return render(request, "core/bad_request.html", {"message": str(exc)}, status=400)


def int_param_or_default(value: str | None, *, default: int | None, low: int, high: int) -> int | None:
    """For filters: a value that is not a whole number in [low, high] means "no filter" (the default), as a link
    with a stale or mistyped filter should still open the page. str.isdigit() is not enough: it accepts '²'."""
    try:
        return parse_int_param(value, name="", default=default, low=low, high=high)  # type: ignore[arg-type]
    except InvalidParam:
        return default
