"""The product's date formats, in one place: dates as dd/mm/yyyy; where the month is written out (day headings,
month headings) weekday and month are capitalised ("Lunedì 7 Dicembre 2026", "Dicembre 2026") — Django's Italian
locale writes them lowercase. Built into every template (settings TEMPLATES builtins); Python code calls the
functions directly."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.text import capfirst

register = template.Library()

DATE = "d/m/Y"
DATETIME = "d/m/Y H:i"


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _ok(value) -> bool:
    return isinstance(value, date)


@register.filter(expects_localtime=True)
def data(value: date | datetime | None) -> str:
    """07/12/2026"""
    return dateformat.format(_local(value), DATE) if _ok(value) else ""


@register.filter(expects_localtime=True)
def data_ora(value: datetime | None, secondi: str = "") -> str:
    """07/12/2026 09:30 (with "secondi": 07/12/2026 09:30:15)"""
    return dateformat.format(_local(value), DATETIME + (":s" if secondi else "")) if _ok(value) else ""


@register.filter(expects_localtime=True)
def mese(value: date | datetime | None) -> str:
    """Dicembre 2026"""
    return capfirst(dateformat.format(_local(value), "F Y")) if _ok(value) else ""


@register.filter(expects_localtime=True)
def giorno(value: date | datetime | None) -> str:
    """Lunedì 7 Dicembre 2026"""
    if not _ok(value):
        return ""
    value = _local(value)
    return f"{capfirst(dateformat.format(value, 'l'))} {value.day} {mese(value)}"


@register.filter(expects_localtime=True)
def giorno_ora(value: datetime | None) -> str:
    """Lunedì 7 Dicembre 2026, 09:30"""
    return f"{giorno(value)}, {dateformat.format(_local(value), 'H:i')}" if _ok(value) else ""


@register.filter(expects_localtime=True)
def mese_iso(value: date | datetime | None) -> str:
    """2026-12: a month as a form value or a link parameter (what <input type="month"> and ?mese= read)."""
    return dateformat.format(_local(value), "Y-m") if _ok(value) else ""
