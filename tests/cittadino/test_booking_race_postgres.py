"""200 citizens race for 20 slots on PostgreSQL: exactly 20 bookings, no slot booked twice, no server error, and
everyone else is told the slot is no longer free. (SQLite serialises writers, so the race is only meaningful here.)"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.support.places import neighbour_comune
from tests.support.race import run_race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="gara di concorrenza solo su PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]


def test_two_hundred_clients_twenty_slots(db, settings):
    settings.CSE_BOOKING_RATE_LIMIT = 10_000
    result = run_race(neighbour_comune(), clients=200, slots=20, pool=40)
    assert result.errors == []
    assert result.bookings == 20
    assert result.double_booked_slots == 0
    assert result.statuses[302] == 20
    assert result.statuses[409] == 180 and result.told_not_free == 180
    assert not any(status >= 500 for status in result.statuses)
