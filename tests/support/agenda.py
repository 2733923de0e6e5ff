"""What a citizen types when booking a front-office appointment (tests vary one field at a time)."""

from __future__ import annotations


def booking_kwargs(comune, **overrides) -> dict:
    """A booking by a resident of `comune` (the comune's Ente)."""
    return {
        "nome": "Giulia",
        "cognome": "Ferri",
        "email": "giulia.ferri@example.invalid",
        "comune_residenza": comune.comune,
        "argomento": "informazioni",
        "motivo": "Vorrei sapere come chiedere l'assistenza domiciliare",
        **overrides,
    }


def open_day(*, weekday: int | None = None, at_least_days: int = 1):
    """The first working day (not a national holiday) at least `at_least_days` from today, on `weekday` if given,
    within the 14-day horizon of the test offices: a test about bookings must not fail on the week of Christmas."""
    from datetime import timedelta

    from django.utils import timezone

    from cse.core.codelists.festivita import festivita_nazionali

    today = timezone.localdate()
    for offset in range(at_least_days, 14):
        day = today + timedelta(days=offset)
        if day not in festivita_nazionali(day.year) and weekday in (None, day.weekday()):
            return day
    raise AssertionError("nessun giorno lavorativo adatto nell'orizzonte di 14 giorni")
