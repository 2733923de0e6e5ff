"""Cancelling a booking and recording a no-show cannot be undone: the page asks first, saying what will happen, and
the server refuses the step without the confirmation (a stray click, a replayed post)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cse.cittadino.glossary import StatoPrenotazione
from cse.cittadino.selectors import free_slots
from cse.cittadino.services import cittadino_ensure, prenotazione_create
from cse.demo.synthetic import generate_people
from tests.support.agenda import booking_kwargs
from tests.support.factories import OperatoreFactory, make_sportello

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(comune):
    """A logged-in citizen's confirmed booking two days ahead (beyond the cancellation cut-off)."""
    person = next(iter(generate_people(1, birthplaces=["F284"], seed=4242)))
    citizen = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome)
    slot = free_slots(make_sportello(comune)).filter(inizio__gte=timezone.now() + timedelta(days=2)).first()
    return prenotazione_create(slot_id=slot.pk, cittadino=citizen, **booking_kwargs(comune))


def test_the_citizen_confirms_a_cancellation_before_it_happens(booking, client):
    client.force_login(booking.cittadino.user)
    receipt = client.get(reverse("cittadino:ricevuta", kwargs={"codice": booking.codice})).content.decode()
    assert "Sì, annulla la prenotazione" in receipt and "torna disponibile per altri" in receipt
    url = reverse("cittadino:annulla", kwargs={"codice": booking.codice})

    client.post(url)
    booking.refresh_from_db()
    assert booking.stato == StatoPrenotazione.CONFERMATA

    client.post(url, {"conferma": "1"})
    booking.refresh_from_db()
    assert booking.stato == StatoPrenotazione.ANNULLATA


def test_a_no_show_is_recorded_only_once_confirmed(booking, comune, client):
    booking.slot.inizio = timezone.now() - timedelta(hours=1)  # the appointment has passed
    booking.slot.fine = booking.slot.inizio + timedelta(minutes=30)
    booking.slot.save()
    desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    client.force_login(desk)
    page = client.get(reverse("locale:prenotazione", kwargs={"pk": booking.pk})).content.decode()
    assert "resta nello storico" in page and "Segna come assente" in page
    url = reverse("locale:prenotazione_assente", kwargs={"pk": booking.pk})

    client.post(url)
    booking.refresh_from_db()
    assert booking.stato == StatoPrenotazione.CONFERMATA

    client.post(url, {"conferma": "1"})
    booking.refresh_from_db()
    assert booking.stato == StatoPrenotazione.ASSENTE
