"""Dates as users read them: dd/mm/yyyy everywhere; where the month is written out, weekday and month capitalised
(Django's Italian locale writes "7 dicembre 2026"). One set of filters (cse/core/templatetags/date_it.py), built into
every template, and no template keeps a format string of its own."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, Template
from django.utils import formats

from cse.core.templatetags.date_it import data, data_ora, giorno, giorno_ora, mese

ROME = ZoneInfo("Europe/Rome")
UTC = ZoneInfo("UTC")


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_dates_are_dd_mm_yyyy_and_written_out_months_are_capitalised():
    day = date(2026, 12, 7)
    assert data(day) == "07/12/2026"
    assert mese(day) == "Dicembre 2026"
    assert giorno(day) == "Lunedì 7 Dicembre 2026"
    moment = datetime(2026, 3, 1, 8, 5, 9, tzinfo=UTC)  # 09:05 in Rome
    assert data_ora(moment) == "01/03/2026 09:05" and data_ora(moment, "secondi") == "01/03/2026 09:05:09"
    assert giorno_ora(moment) == "Domenica 1 Marzo 2026, 09:05"


def test_the_filters_work_in_every_template_without_a_load_and_in_local_time():
    late_evening_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Rome
    out = render("{{ t|data }} | {{ t|data_ora }} | {{ t|giorno }} | {{ t|mese }}", t=late_evening_utc)
    assert out == "01/01/2027 | 01/01/2027 00:30 | Venerdì 1 Gennaio 2027 | Gennaio 2027"
    assert render("{{ t|data }}{{ t|giorno_ora }}", t=None) == ""


def test_a_date_rendered_without_a_format_is_dd_mm_yyyy_too():
    assert formats.get_format("DATE_FORMAT", lang="it") == "d/m/Y"
    assert formats.get_format("SHORT_DATETIME_FORMAT", lang="it") == "d/m/Y H:i"
    assert render("{{ d }} {{ d|date }}", d=date(2026, 12, 7)) == "07/12/2026 07/12/2026"
    assert render("{{ t }}", t=datetime(2026, 12, 7, 9, 0, tzinfo=ROME)) == "07/12/2026 09:00"


def test_no_template_formats_a_date_by_itself():
    """Every date goes through the shared filters: a |date:"..." format string in a template is a new, different
    format waiting to happen."""
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "cse"]
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match}"
        for root in roots
        for path in root.rglob("*")
        if path.suffix in {".html", ".txt"}
        for match in re.findall(r"\|date:[^ }|]+", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
