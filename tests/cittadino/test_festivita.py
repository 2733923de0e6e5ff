"""Front offices are closed on national holidays and on the comune's patron saint day: no slot is offered, and the
citizen and the operator see why the day is closed."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cse.cittadino.agenda import AperturaStraordinaria, FestaPatronale, Slot
from cse.cittadino.selectors import free_slots
from cse.cittadino.services import prenotazione_create
from cse.cittadino.slots import closed_days, slots_generate
from cse.core.codelists.festivita import festivita_nazionali
from tests.support.factories import ComuneEnteFactory, OperatoreFactory, make_sportello

pytestmark = pytest.mark.django_db


def _days_with_slots(sportello) -> set[date]:
    return {timezone.localtime(s.inizio).date() for s in Slot.objects.filter(sportello=sportello, attivo=True)}


def test_the_national_holidays_follow_the_law_including_easter_monday_and_san_francesco_from_2026():
    days_2026 = festivita_nazionali(2026)
    assert days_2026[date(2026, 12, 8)] == "Immacolata Concezione"
    assert days_2026[date(2026, 12, 25)] == "Natale"
    assert days_2026[date(2026, 4, 6)] == "Lunedì dell'Angelo"  # Easter 2026 is 5 April
    assert days_2026[date(2026, 10, 4)] == "San Francesco d'Assisi, patrono d'Italia"
    assert date(2025, 10, 4) not in festivita_nazionali(2025)
    assert date(2027, 3, 29) in festivita_nazionali(2027)  # Easter 2027 is 28 March
    assert len(days_2026) == 12


def test_no_slot_on_immacolata_and_christmas_while_the_days_around_them_open():
    sportello = make_sportello(ComuneEnteFactory(), days=range(7))
    sportello.orizzonte_giorni = 30
    sportello.save()
    slots_generate(sportello=sportello, today=date(2026, 12, 1))
    days = _days_with_slots(sportello)
    assert {date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 24)} <= days
    assert not {date(2026, 12, 8), date(2026, 12, 25), date(2026, 12, 26)} & days
    reasons = closed_days(sportello, date(2026, 12, 1), date(2026, 12, 31))
    assert reasons[date(2026, 12, 8)] == "Immacolata Concezione"
    assert reasons[date(2026, 12, 26)] == "Santo Stefano"


def test_an_extra_opening_on_a_holiday_is_honoured():
    sportello = make_sportello(ComuneEnteFactory(), days=range(7))
    AperturaStraordinaria.objects.create(
        sportello=sportello, data=date(2026, 12, 8), ora_inizio=time(10), ora_fine=time(11)
    )
    slots_generate(sportello=sportello, today=date(2026, 12, 1))
    assert date(2026, 12, 8) in _days_with_slots(sportello)
    assert date(2026, 12, 8) not in closed_days(sportello, date(2026, 12, 1), date(2026, 12, 14))


def _patron_post(client_for, user, sportello, day: date, santo: str = "San Nicola"):
    return client_for(user).post(
        reverse("locale:agenda_festa_patronale", args=[sportello.pk]),
        {"festa-santo": santo, "festa-giorno": day.day, "festa-mese": day.month},
    )


def test_the_patron_day_set_by_the_office_closes_every_office_of_the_comune_and_the_citizen_sees_why(
    client_for, client
):
    comune = ComuneEnteFactory()
    segretariato, pua = make_sportello(comune), make_sportello(comune, nome="PUA")
    worker = OperatoreFactory(ente=comune, ruolo="segretariato")
    day = min(_days_with_slots(segretariato) & _days_with_slots(pua) - {timezone.localdate()})

    response = _patron_post(client_for, worker, segretariato, day)

    assert response.status_code == 302
    assert FestaPatronale.objects.get(ente=comune).santo == "San Nicola"
    assert day not in _days_with_slots(segretariato) and day not in _days_with_slots(pua)
    rules_page = client_for(worker).get(reverse("locale:agenda_regole", args=[pua.pk])).content.decode()
    assert "festa patronale (San Nicola)" in rules_page
    client.logout()
    choices = {"comune": comune.comune.pk, "sportello": segretariato.pk, "argomento": "informazioni"}
    booking = client.get(reverse("cittadino:prenota"), choices).content.decode()
    assert "Giorni di chiusura" in booking and "festa patronale (San Nicola)" in booking


def test_a_patron_day_on_a_booked_day_is_refused_and_nothing_is_saved(client_for):
    comune = ComuneEnteFactory()
    sportello = make_sportello(comune)
    worker = OperatoreFactory(ente=comune, ruolo="segretariato")
    slot = free_slots(sportello).order_by("inizio").last()
    prenotazione = prenotazione_create(
        slot_id=slot.pk,
        nome="Giulia",
        cognome="Ferri",
        email="giulia.ferri@example.invalid",
        comune_residenza=comune.comune,
        argomento="informazioni",
        motivo="Informazioni sui servizi",
    )

    response = _patron_post(client_for, worker, sportello, timezone.localtime(slot.inizio).date())

    assert response.status_code == 400
    assert prenotazione.codice in response.content.decode()
    assert not FestaPatronale.objects.filter(ente=comune).exists()
    slot.refresh_from_db()
    assert slot.attivo


def test_an_impossible_date_gets_an_italian_message_and_no_write(client_for):
    comune = ComuneEnteFactory()
    sportello = make_sportello(comune)
    worker = OperatoreFactory(ente=comune, ruolo="segretariato")
    response = client_for(worker).post(
        reverse("locale:agenda_festa_patronale", args=[sportello.pk]),
        {"festa-santo": "San Nicola", "festa-giorno": 31, "festa-mese": 2},
    )
    assert response.status_code == 400
    assert "Il giorno non esiste nel mese indicato." in response.content.decode()
    assert not FestaPatronale.objects.exists()


def test_an_operator_of_another_comune_cannot_set_the_patron_day(client_for):
    sportello = make_sportello(ComuneEnteFactory())
    stranger = OperatoreFactory(ente=ComuneEnteFactory(), ruolo="segretariato")
    response = _patron_post(client_for, stranger, sportello, timezone.localdate() + timedelta(days=3))
    assert response.status_code == 404
    assert not FestaPatronale.objects.exists()
