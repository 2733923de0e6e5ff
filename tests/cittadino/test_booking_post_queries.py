"""The booking POST is what a burst of citizens hits at the same instant (bench/booking_race.py): its number of
queries must not grow with the office's bookings, slots, closures or holidays, for the winner (302) as for the
loser (409, the page offering the next free times)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse.cittadino.agenda import Chiusura, FestaPatronale
from cse.cittadino.selectors import free_slots
from tests.support.submission import TokenClient

# Upper bounds of the two answers (the submission token, the booking with its history row, the queued e-mail with
# the immediate test backend, the session): a new query on this path must be a decision, not an accident.
WINNER_QUERIES = 20
LOSER_QUERIES = 18


def _post(comune, sportello, slot, n: int):
    url = f"{reverse('cittadino:prenota')}?comune={comune.comune_id}&sportello={sportello.pk}&slot={slot.pk}"
    data = {"argomento": "informazioni", "motivo": "Informazioni", "nome": "Cliente", "cognome": f"Numero{n}",
            "email": f"cliente{n}@example.invalid"}  # fmt: skip
    client = TokenClient(REMOTE_ADDR=f"10.0.0.{n}")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    return response.status_code, len(queries)


def _busier(comune, sportello) -> None:
    """More of everything the booking page reads: bookings on other slots, closures, a patron saint's day."""
    for n, slot in enumerate(free_slots(sportello).order_by("-inizio")[:6], start=100):
        assert _post(comune, sportello, slot, n)[0] == 302
    today = date.today()
    for offset in (5, 8, 11):
        day = today + timedelta(days=offset)
        Chiusura.objects.create(sportello=sportello, dal=day, al=day, motivo="Inventario")
    FestaPatronale.objects.get_or_create(ente=comune, defaults={"santo": "San Corrado", "giorno": 9, "mese": 2})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_booking_post_query_count_does_not_grow_with_the_office(comune, agende, settings):
    settings.CSE_BOOKING_RATE_LIMIT = 10_000
    warm, first, second = list(free_slots(agende.a1).order_by("inizio")[5:8])
    assert _post(comune, agende.a1, warm, 0)[0] == 302  # the first claim also purges expired submission tokens
    win_quiet = _post(comune, agende.a1, first, 1)
    _post(comune, agende.a1, first, 2)  # the first loser puts the office's closed days in the cache
    lose_quiet = _post(comune, agende.a1, first, 3)
    _busier(comune, agende.a1)
    win_busy = _post(comune, agende.a1, second, 4)
    _post(comune, agende.a1, second, 5)
    lose_busy = _post(comune, agende.a1, second, 6)
    assert (win_quiet[0], lose_quiet[0], win_busy[0], lose_busy[0]) == (302, 409, 302, 409)
    assert win_quiet[1] == win_busy[1] <= WINNER_QUERIES
    assert lose_quiet[1] == lose_busy[1] <= LOSER_QUERIES


@pytest.mark.django_db
def test_the_booking_page_shows_a_new_closure_at_once_although_closed_days_are_cached(comune, agende, client):
    url = reverse("cittadino:prenota")
    params = {"comune": comune.comune_id, "sportello": agende.a1.pk}
    day = date.today() + timedelta(days=4)
    assert "Inventario annuale" not in client.get(url, params).content.decode()  # now cached
    Chiusura.objects.create(sportello=agende.a1, dal=day, al=day, motivo="Inventario annuale")
    assert "Inventario annuale" in client.get(url, params).content.decode()
    Chiusura.objects.filter(sportello=agende.a1).delete()
    assert "Inventario annuale" not in client.get(url, params).content.decode()
