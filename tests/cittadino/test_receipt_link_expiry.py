"""The e-mail link of a booking stops opening it CSE_BOOKING_RECEIPT_DAYS after the appointment: 410 and an
Italian page instead of a person's booking kept open for ever in a mailbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cse.cittadino.agenda import Slot
from cse.cittadino.selectors import booking_token, free_slots
from cse.cittadino.services import prenotazione_create
from tests.support.factories import make_sportello

pytestmark = pytest.mark.django_db


@pytest.fixture
def prenotazione(comune):
    sportello = make_sportello(comune)
    slot = free_slots(sportello).filter(inizio__gte=timezone.now() + timedelta(hours=3)).order_by("inizio").first()
    return prenotazione_create(
        slot_id=slot.pk,
        nome="Giulia",
        cognome="Ferri",
        email="giulia.ferri@example.invalid",
        comune_residenza=comune.comune,
        argomento="informazioni",
        motivo="Informazioni sull'assistenza domiciliare",
    )


def _appointment_days_ago(prenotazione, days: float) -> None:
    inizio = timezone.now() - timedelta(days=days)
    Slot.objects.filter(pk=prenotazione.slot_id).update(inizio=inizio, fine=inizio + timedelta(minutes=30))


def _open(client, prenotazione, name: str = "ricevuta"):
    url = reverse(f"cittadino:{name}", kwargs={"codice": prenotazione.codice})
    return client.get(url, {"t": booking_token(prenotazione)})


@pytest.mark.parametrize("name", ["ricevuta", "ricevuta_pdf", "ricevuta_ics", "sposta"])
def test_a_link_older_than_thirty_days_after_the_appointment_answers_410(client, prenotazione, name):
    _appointment_days_ago(prenotazione, 31)
    response = _open(client, prenotazione, name)
    assert response.status_code == 410
    page = response.content.decode()
    assert "Il link della prenotazione è scaduto" in page and "30 giorni dopo" in page
    assert prenotazione.codice not in page and "Ferri" not in page


def test_cancelling_through_an_expired_link_is_refused_and_changes_nothing(client, prenotazione):
    _appointment_days_ago(prenotazione, 31)
    url = reverse("cittadino:annulla", kwargs={"codice": prenotazione.codice})
    response = client.post(f"{url}?t={booking_token(prenotazione)}")
    assert response.status_code == 410
    stato = prenotazione.stato
    prenotazione.refresh_from_db()
    assert prenotazione.stato == stato


def test_the_link_still_works_within_the_period(client, prenotazione):
    _appointment_days_ago(prenotazione, 29)
    response = _open(client, prenotazione)
    assert response.status_code == 200 and prenotazione.codice in response.content.decode()


def test_the_period_is_configurable(client, prenotazione, settings):
    settings.CSE_BOOKING_RECEIPT_DAYS = 5
    _appointment_days_ago(prenotazione, 6)
    response = _open(client, prenotazione)
    assert response.status_code == 410 and "5 giorni dopo" in response.content.decode()
