"""Plausible dates: the shared validators, and the models and forms that use them refuse in Italian."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.core.validators_dates import is_calendar_date, validate_birth_date, validate_not_past, validate_period

TODAY = date(2026, 11, 20)


def test_birth_date_not_in_the_future_nor_before_1900():
    validate_birth_date(TODAY, today=TODAY)
    validate_birth_date(date(1900, 1, 1), today=TODAY)
    with pytest.raises(ValidationError, match="non può essere nel futuro"):
        validate_birth_date(TODAY + timedelta(days=1), today=TODAY)
    with pytest.raises(ValidationError) as refused:
        validate_birth_date(date(1899, 12, 31), field="data_nascita", today=TODAY)
    assert refused.value.message_dict == {"data_nascita": ["La data di nascita non può essere anteriore al 01/01/1900."]}


def test_a_period_never_ends_before_it_starts():
    validate_period(TODAY, TODAY, end_field="al")
    validate_period(TODAY, None, end_field="al")  # still open
    with pytest.raises(ValidationError) as refused:
        validate_period(TODAY, TODAY - timedelta(days=1), end_field="al")
    assert refused.value.message_dict == {"al": ["La data di fine non può precedere la data di inizio."]}


def test_an_appointment_is_not_booked_in_the_past():
    now = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_current_timezone())
    validate_not_past(now, now=now)
    with pytest.raises(ValidationError, match="orario già passato"):
        validate_not_past(now - timedelta(minutes=1), field="inizio", now=now)


@pytest.mark.parametrize(("text", "real"), [("2026-02-28T10:00:00Z", True), ("2026-02-31T10:00:00Z", False)])
def test_calendar_dates(text, real):
    assert is_calendar_date(text) is real
    assert is_calendar_date("2024-02-29") and not is_calendar_date("2025-02-29")
