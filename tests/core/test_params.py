"""Query parameters parsed with bounds: every string gives a value in range or an Italian InvalidParam."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cse.core.params import (
    DATE_MAX,
    DATE_MIN,
    InvalidParam,
    int_param_or_default,
    parse_date_param,
    parse_int_param,
)

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_absent_parameter_gives_the_default(value):
    assert parse_date_param(value, name="giorno", default=TODAY) == TODAY
    assert parse_int_param(value, name="anno", default=2026, low=2000, high=2100) == 2026


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_a_date_out_of_the_calendar_is_refused_in_italian(value):
    with pytest.raises(InvalidParam, match="deve essere una data tra il 01/01/1900 e il 31/12/2100"):
        parse_date_param(value, name="giorno", default=TODAY)


@pytest.mark.parametrize("value", ["2026-02-31", "domani", "2026-11-20\x00", "２０２６-１１-２０", "9" * 5000])
def test_a_malformed_date_is_refused_in_italian(value):
    with pytest.raises(InvalidParam, match="formato AAAA-MM-GG"):
        parse_date_param(value, name="giorno", default=TODAY)


@pytest.mark.parametrize("value", ["abc", "1e3", "٣", "1" * 40, "--1", "2026\x00"])
def test_a_malformed_number_is_refused_in_italian(value):
    with pytest.raises(InvalidParam, match="numero intero"):
        parse_int_param(value, name="anno", default=2026, low=2000, high=2100)


def test_bounds_are_inclusive():
    assert parse_date_param("1900-01-01", name="g", default=TODAY) == DATE_MIN
    assert parse_date_param("2100-12-31", name="g", default=TODAY) == DATE_MAX
    assert parse_int_param("-5", name="n", default=0, low=-5, high=5) == -5
    with pytest.raises(InvalidParam, match="compreso tra -5 e 5"):
        parse_int_param("6", name="n", default=0, low=-5, high=5)


@given(st.text(max_size=60))
def test_any_text_gives_a_bounded_value_or_invalid_param(value):
    try:
        parsed = parse_date_param(value, name="giorno", default=TODAY)
    except InvalidParam:
        pass
    else:
        assert DATE_MIN <= parsed <= DATE_MAX
    try:
        number = parse_int_param(value, name="anno", default=2026, low=2000, high=2100)
    except InvalidParam:
        pass
    else:
        assert 2000 <= number <= 2100


@pytest.mark.parametrize("value", ["²", "²⁰²⁶", "abc", "1" * 40, "1899", "2101", ""])
def test_a_filter_that_is_not_a_plausible_number_means_no_filter(value):
    assert int_param_or_default(value, default=None, low=1900, high=2100) is None
    assert int_param_or_default("2026", default=None, low=1900, high=2100) == 2026
