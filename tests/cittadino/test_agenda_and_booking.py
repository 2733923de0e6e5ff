"""Slots come from the office's rules; a slot takes one active booking; bad input is refused in Italian with
nothing written."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.cittadino.agenda import AperturaStraordinaria, Chiusura, Prenotazione, Slot
from cse.cittadino.glossary import StatoPrenotazione
from cse.cittadino.ics import booking_ics
from cse.cittadino.selectors import free_slots
from cse.cittadino.services import (
    SlotNonLibero,
    cittadino_ensure,
    prenotazione_cancel,
    prenotazione_confirm,
    prenotazione_create,
    prenotazione_move,
    prenotazione_no_show,
)
from cse.cittadino.slots import slots_generate
from tests.support.agenda import booking_kwargs
from tests.support.factories import OperatoreFactory, make_sportello
from tests.support.places import resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(comune):
    return resident(comune, cognome="Quaranta", nome="Luca", sesso="M")


def test_slots_follow_rules_closures_and_extra_openings(comune):
    monday = date(2030, 1, 7)
    sportello = make_sportello(comune, days=[0], start=time(9), end=time(11), posti=2)
    Slot.objects.filter(sportello=sportello).delete()
    result = slots_generate(sportello=sportello, today=monday)
    # 3 Mondays within 14 days (7, 14, 21 Jan), 4 half-hours each, 2 places → 24 slots
    assert result.created == 24
    assert slots_generate(sportello=sportello, today=monday).created == 0  # idempotent
    Chiusura.objects.create(sportello=sportello, dal=date(2030, 1, 14), al=date(2030, 1, 14), motivo="festa patronale")
    AperturaStraordinaria.objects.create(
        sportello=sportello, data=date(2030, 1, 12), ora_inizio=time(9), ora_fine=time(10), posti=1
    )
    result = slots_generate(sportello=sportello, today=monday)
    assert (result.created, result.deactivated) == (2, 8)
    active_days = {timezone.localtime(s.inizio).date() for s in Slot.objects.filter(sportello=sportello, attivo=True)}
    assert active_days == {date(2030, 1, 7), date(2030, 1, 12), date(2030, 1, 21)}
    Chiusura.objects.all().delete()
    assert slots_generate(sportello=sportello, today=monday).reactivated == 8


def test_logged_in_booking_is_confirmed_with_receipt_email_and_ics(
    comune, person, agende, django_capture_on_commit_callbacks
):
    person.comune_residenza = comune.comune
    person.save()
    cittadino = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome="Luca", cognome="Quaranta")
    slot = agende.first_free()
    with django_capture_on_commit_callbacks(execute=True):
        p = prenotazione_create(slot_id=slot.pk, cittadino=cittadino, **booking_kwargs(comune, comune_residenza=None))
    assert p.stato == StatoPrenotazione.CONFERMATA and p.comune_residenza == comune.comune
    assert p.history.count() == 1
    assert len(mail.outbox) == 1 and p.codice in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0].endswith(".ics")
    ics = booking_ics(p)
    assert "BEGIN:VEVENT" in ics and f"UID:prenotazione-{p.codice}@cse" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert slot not in free_slots(agende.a1)


def test_residence_known_to_the_system_wins_over_the_declared_one(comune, other_comune, agende):
    foreign_person = resident(other_comune, cognome="Lamanna", nome="Vito", sesso="M")
    cittadino = cittadino_ensure(codice_fiscale=foreign_person.codice_fiscale, nome="Vito", cognome="Lamanna")
    foreign_person.comune_residenza = other_comune.comune
    foreign_person.save()
    before = Prenotazione.objects.count()
    with pytest.raises(ValidationError, match="Risulta residente a Altamura"):
        prenotazione_create(slot_id=agende.first_free().pk, cittadino=cittadino, **booking_kwargs(comune))
    assert Prenotazione.objects.count() == before


def test_anonymous_booking_holds_the_slot_until_confirmed_by_email_link(
    comune, agende, client, django_capture_on_commit_callbacks
):
    slot = agende.first_free()
    with django_capture_on_commit_callbacks(execute=True):
        p = prenotazione_create(slot_id=slot.pk, **booking_kwargs(comune))
    assert p.stato == StatoPrenotazione.IN_ATTESA and p.trattenuta_fino > timezone.now()
    assert slot not in free_slots(agende.a1)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/prenota/conferma/" in line)
    response = client.get(link.split("testserver")[-1].replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.stato == StatoPrenotazione.CONFERMATA


def test_expired_hold_frees_the_slot_and_its_confirmation_then_fails(comune, agende):
    slot = agende.first_free()
    first = prenotazione_create(slot_id=slot.pk, **booking_kwargs(comune))
    later = timezone.now() + timedelta(minutes=20)
    assert slot in free_slots(agende.a1, now=later)
    second = prenotazione_create(slot_id=slot.pk, now=later, **booking_kwargs(comune, email="altro@example.invalid"))
    first.refresh_from_db()
    assert (first.stato, second.stato) == (StatoPrenotazione.SCADUTA, StatoPrenotazione.IN_ATTESA)
    with pytest.raises(ValidationError, match="scaduta"):
        prenotazione_confirm(codice=first.codice)


def test_a_taken_slot_answers_slot_non_libero_with_alternatives(comune, agende):
    slot = agende.first_free()
    prenotazione_create(slot_id=slot.pk, **booking_kwargs(comune))
    before = Prenotazione.objects.count()
    with pytest.raises(SlotNonLibero) as excinfo:
        prenotazione_create(slot_id=slot.pk, **booking_kwargs(comune))
    assert "non è più libero" in excinfo.value.messages[0]
    assert excinfo.value.alternatives and slot not in excinfo.value.alternatives
    assert Prenotazione.objects.count() == before


@pytest.mark.parametrize(
    "case, message",
    [
        ("other_comune", "proprio comune di residenza"),
        ("past", "passato"),
        ("closed", "chiuso"),
        ("beyond_horizon", "oltre il periodo prenotabile"),
        ("forged", "non esiste"),
        ("garbage", "non esiste"),
    ],
)
def test_bad_slots_are_refused_in_italian_and_nothing_is_written(comune, agende, case, message):
    slot = agende.first_free()
    before = Prenotazione.objects.count()
    if case == "other_comune":
        slot_id = agende.first_free(agende.b1).pk
    elif case == "past":
        slot_id = Slot.objects.create(
            sportello=agende.a1, inizio=timezone.now() - timedelta(hours=2), fine=timezone.now() - timedelta(hours=1)
        ).pk
    elif case == "closed":
        Slot.objects.filter(pk=slot.pk).update(attivo=False)
        slot_id = slot.pk
    elif case == "beyond_horizon":
        far = timezone.now() + timedelta(days=60)
        slot_id = Slot.objects.create(sportello=agende.a1, inizio=far, fine=far + timedelta(minutes=30)).pk
    elif case == "forged":
        slot_id = 99_999_999
    else:
        slot_id = "1 OR 1=1"
    with pytest.raises(ValidationError, match=message):
        prenotazione_create(slot_id=slot_id, **booking_kwargs(comune))
    assert Prenotazione.objects.count() == before and not mail.outbox


def test_cancel_frees_the_slot_and_move_swaps_it_until_the_cutoff(comune, agende):
    slots = list(free_slots(agende.a1).order_by("inizio"))
    late = [s for s in slots if s.inizio > timezone.now() + timedelta(days=2)]
    p = prenotazione_create(slot_id=late[0].pk, **booking_kwargs(comune))
    p = prenotazione_move(prenotazione=p, slot_id=late[1].pk)
    assert p.slot == late[1] and late[0] in free_slots(agende.a1)
    prenotazione_cancel(prenotazione=p)
    assert late[1] in free_slots(agende.a1)
    soon = prenotazione_create(slot_id=slots[0].pk, **booking_kwargs(comune))
    if slots[0].inizio - timezone.now() < timedelta(hours=24):
        with pytest.raises(ValidationError, match="meno di 24 ore"):
            prenotazione_cancel(prenotazione=soon)


def test_no_show_only_after_the_start_of_a_confirmed_booking(comune, person, agende):
    operator = OperatoreFactory(ente=comune, ruolo="segretariato")
    cittadino = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome="Luca", cognome="Quaranta")
    slot = agende.first_free()
    p = prenotazione_create(slot_id=slot.pk, cittadino=cittadino, **booking_kwargs(comune))
    with pytest.raises(ValidationError, match="non è ancora iniziato"):
        prenotazione_no_show(prenotazione=p, by=operator)
    p = prenotazione_no_show(prenotazione=p, by=operator, now=slot.inizio + timedelta(minutes=10))
    assert p.stato == StatoPrenotazione.ASSENTE


def test_the_database_refuses_a_second_active_booking_on_a_slot(comune, agende):
    from django.db import IntegrityError, transaction

    slot = agende.first_free()
    p = prenotazione_create(slot_id=slot.pk, **booking_kwargs(comune))
    twin = Prenotazione.objects.get(pk=p.pk)
    twin.pk, twin.codice = None, "ZZZZZZZZ"
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
