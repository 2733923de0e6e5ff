"""Plausible dates, checked the same way by models (clean) and forms: a birth date is not in the future nor before
1900, a period never ends before it starts, an appointment is not booked in the past, and a calendar date written
as text exists (no 31 February). Messages are Italian; each validator raises django ValidationError."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

BIRTH_MIN = date(1900, 1, 1)


def _fail(field: str | None, message: str) -> ValidationError:
    """Keyed by field for a model's clean(), plain for a form field's own clean_<field>()."""
    return ValidationError({field: message} if field else message)


def validate_birth_date(value: date | None, *, field: str | None = None, today: date | None = None) -> None:
    """Nobody is born tomorrow, and nobody in care was born before 1900 (a typo such as 0198 for 1980)."""
    if value is None:
        return
    today = today or timezone.localdate()
    if value > today:
        raise _fail(field, "La data di nascita non può essere nel futuro.")
    if value < BIRTH_MIN:
        raise _fail(field, f"La data di nascita non può essere anteriore al {BIRTH_MIN:%d/%m/%Y}.")


def validate_period(
    start: date | datetime | None,
    end: date | datetime | None,
    *,
    end_field: str | None,
    message: str = "La data di fine non può precedere la data di inizio.",
) -> None:
    """End ≥ start whenever both are known (an open period has no end yet)."""
    if isinstance(start, date) and isinstance(end, date) and end < start:  # not yet parsed: clean_fields reports it
        raise _fail(end_field, message)


def validate_not_past(moment: datetime | None, *, field: str | None = None, now: datetime | None = None) -> None:
    """An appointment or a meeting is booked from now on, never in the past."""
    if moment is not None and moment < (now or timezone.now()):
        raise _fail(field, "Non si può prenotare un orario già passato.")


def is_calendar_date(text: str) -> bool:
    """True when text starts with an existing AAAA-MM-GG date (2026-02-31 does not exist)."""
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True
