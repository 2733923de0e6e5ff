"""The calendar file tells the booking's state: a request waiting for the e-mail link is tentative, a cancelled or
expired one is cancelled (calendars remove it), a confirmed one is confirmed (RFC 5545 §3.8.1.11)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from cse.cittadino.agenda import Prenotazione, Slot, Sportello
from cse.cittadino.glossary import StatoPrenotazione
from cse.cittadino.ics import booking_ics
from cse.core.models import Ente


def _booking(stato: str) -> Prenotazione:
    start = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.get_current_timezone())
    sportello = Sportello(nome="Segretariato sociale", indirizzo="Via Roma 1", ente=Ente(nome="Comune di Molfetta"))
    slot = Slot(sportello=sportello, inizio=start, fine=start + timedelta(minutes=30))
    return Prenotazione(slot=slot, codice="ABCD2345", argomento="informazioni", stato=stato)


@pytest.mark.parametrize(
    ("stato", "status"),
    [
        (StatoPrenotazione.IN_ATTESA, "TENTATIVE"),
        (StatoPrenotazione.CONFERMATA, "CONFIRMED"),
        (StatoPrenotazione.ASSENTE, "CONFIRMED"),
        (StatoPrenotazione.ANNULLATA, "CANCELLED"),
        (StatoPrenotazione.SCADUTA, "CANCELLED"),
    ],
)
def test_the_ics_status_is_the_bookings_state(stato, status):
    lines = booking_ics(_booking(stato)).split("\r\n")
    assert [line for line in lines if line.startswith("STATUS:")] == [f"STATUS:{status}"]


def test_every_state_has_a_calendar_status():
    for stato in StatoPrenotazione.values:
        assert "STATUS:" in booking_ics(_booking(stato))
