"""A citizen holds one appointment at a time (found by the stateful test in tests/properties/): two places of the
same hour, or two offices of the comune at the same hour, cannot both be booked by the same person."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.cittadino.agenda import Prenotazione
from cse.cittadino.selectors import free_slots
from cse.cittadino.services import cittadino_ensure, prenotazione_create, prenotazione_move
from tests.support.factories import make_sportello


def _book(cittadino, slot):
    return prenotazione_create(
        slot_id=slot.pk,
        nome=cittadino.nome,
        cognome=cittadino.cognome,
        email="mara@example.invalid",
        comune_residenza=slot.sportello.ente.comune,
        argomento="informazioni",
        motivo="Informazioni",
        cittadino=cittadino,
    )


@pytest.fixture
def same_hour(comune):
    sportello = make_sportello(comune, nome="Sportello centro", posti=2)
    start = free_slots(sportello).filter(inizio__gte=timezone.now() + timedelta(days=2)).order_by("inizio").first()
    places = list(free_slots(sportello).filter(inizio=start.inizio).order_by("posto"))
    later = free_slots(sportello).filter(inizio__gte=start.fine).order_by("inizio").first()
    cittadino = cittadino_ensure(codice_fiscale="CTTMRA80A41F284F", nome="Mara", cognome="Cittadini")
    return cittadino, places, later


@pytest.mark.django_db
def test_a_second_booking_at_the_same_hour_is_refused_and_nothing_is_written(same_hour):
    cittadino, places, later = same_hour
    assert len(places) == 2
    _book(cittadino, places[0])
    before = Prenotazione.objects.count()
    with pytest.raises(ValidationError, match="già un appuntamento a quell'ora"):
        _book(cittadino, places[1])
    assert Prenotazione.objects.count() == before
    assert _book(cittadino, later).slot == later  # another hour is fine


@pytest.mark.django_db
def test_moving_onto_the_hour_of_another_own_booking_is_refused(same_hour):
    cittadino, places, later = same_hour
    _book(cittadino, places[0])
    second = _book(cittadino, later)
    with pytest.raises(ValidationError, match="già un appuntamento a quell'ora"):
        prenotazione_move(prenotazione=second, slot_id=places[1].pk)
    second.refresh_from_db()
    assert second.slot == later
