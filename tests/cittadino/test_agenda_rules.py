"""The front office manages its own agenda: the Molfetta segretariato operator opens on Saturday mornings, closes
for a holiday, adds an extra opening — and the citizens' booking flow follows at once. A change that would close
a booked appointment is refused with the bookings listed; bad input is refused in Italian with nothing written;
another comune's operators (and colleagues without the agenda role) get 404 as for an office that does not exist."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cse.cittadino.agenda import AperturaStraordinaria, Chiusura, Prenotazione, RegolaOrario, Slot, Sportello
from cse.cittadino.glossary import StatoPrenotazione
from cse.cittadino.selectors import free_slots, free_times
from cse.cittadino.services import prenotazione_cancel, prenotazione_confirm, prenotazione_create
from cse.cittadino.services_agenda import PrenotazioniCoinvolte, regola_orario_delete
from tests.support.agenda import booking_kwargs, open_day
from tests.support.factories import OperatoreFactory, make_sportello
from tests.support.places import neighbour_comune

pytestmark = pytest.mark.django_db


def _on(day: date, sportello: Sportello) -> list[Slot]:
    return [s for s in free_slots(sportello) if timezone.localtime(s.inizio).date() == day]


def _confirmed_booking(sportello: Sportello, day: date) -> Prenotazione:
    slot = _on(day, sportello)[0]
    p = prenotazione_create(slot_id=slot.pk, **booking_kwargs(sportello.ente))
    return prenotazione_confirm(codice=p.codice)


def _rows() -> tuple[int, ...]:
    return (
        RegolaOrario.objects.count(),
        Chiusura.objects.count(),
        AperturaStraordinaria.objects.count(),
        Slot.objects.count(),
        Slot.objects.filter(attivo=True).count(),
        Sportello.history.count(),
    )


@pytest.fixture
def pua(comune) -> Sportello:
    """Molfetta's PUA, open Monday to Friday 9-12: no Saturday, no Sunday."""
    return make_sportello(comune, nome="PUA Molfetta", days=range(5))


@pytest.fixture
def operatore(comune, client):
    user = OperatoreFactory(ente=comune, ruolo="segretariato")
    client.force_login(user)
    return user


def test_the_operator_opens_on_saturday_mornings_and_citizens_see_the_new_times(client, pua, operatore):
    saturday = open_day(weekday=5)
    assert _on(saturday, pua) == []
    agenda = client.get(reverse("locale:agenda_sportello", kwargs={"pk": pua.pk})).content.decode()
    assert reverse("locale:agenda_regole", kwargs={"pk": pua.pk}) in agenda
    page = client.get(reverse("locale:agenda_regole", kwargs={"pk": pua.pk}))
    assert page.status_code == 200 and "Orari settimanali" in page.content.decode()

    response = client.post(
        reverse("locale:agenda_regola_nuova", kwargs={"pk": pua.pk}),
        {"regola-giorno": 5, "regola-ora_inizio": "09:00", "regola-ora_fine": "12:00", "regola-posti": 2},
    )
    assert response.status_code == 302
    # six half-hours, two operators each; the citizen is offered each time once
    assert len(_on(saturday, pua)) == 12
    assert [timezone.localtime(s.inizio).time() for s in free_times(pua) if s.inizio.date() == saturday][:2] == [
        time(9),
        time(9, 30),
    ]
    record = pua.history.first()
    assert record.history_user == operatore and "orario aggiunto: sabato 09:00-12:00" in record.history_change_reason
    assert "sabato" in client.get(reverse("locale:agenda_regole", kwargs={"pk": pua.pk})).content.decode()


def test_a_closure_over_a_confirmed_booking_is_refused_with_the_booking_listed(comune, client, operatore):
    segretariato = make_sportello(comune)  # open every day 9-12
    day = open_day(at_least_days=3)
    booking = _confirmed_booking(segretariato, day)
    before = _rows()
    url = reverse("locale:agenda_chiusura_nuova", kwargs={"pk": segretariato.pk})
    closure = {"chiusura-dal": day - timedelta(days=1), "chiusura-al": day, "chiusura-motivo": "Festa patronale"}

    response = client.post(url, closure)

    assert response.status_code == 400
    page = response.content.decode()
    assert "chiuderebbe 1 appuntamento già prenotato" in page and "Nulla è stato salvato" in page
    assert booking.codice in page and "Ferri Giulia" in page
    assert _rows() == before
    booking.refresh_from_db()
    assert booking.stato == StatoPrenotazione.CONFERMATA and booking.slot.attivo

    # once the citizen's appointment is cancelled, the same closure goes through and the day disappears
    prenotazione_cancel(prenotazione=booking)
    assert client.post(url, closure).status_code == 302
    assert _on(day, segretariato) == [] and _on(day - timedelta(days=1), segretariato) == []
    assert Chiusura.objects.filter(sportello=segretariato, motivo="Festa patronale").count() == 1


def test_removing_or_narrowing_the_hours_of_a_booked_day_is_refused_too(comune, client, operatore):
    segretariato = make_sportello(comune)  # open every day 9-12
    day = open_day(at_least_days=4)
    booking = _confirmed_booking(segretariato, day)  # 9:00
    regola = segretariato.regole.get(giorno=day.weekday())
    before = _rows()

    with pytest.raises(PrenotazioniCoinvolte) as excinfo:
        regola_orario_delete(regola=regola, by=operatore)
    assert excinfo.value.prenotazioni == [booking]
    later = {
        "regola-giorno": day.weekday(),
        "regola-ora_inizio": "10:00",
        "regola-ora_fine": "12:00",
        "regola-posti": 1,
    }
    response = client.post(reverse("locale:agenda_regola", kwargs={"pk": regola.pk}), later)
    assert response.status_code == 400 and booking.codice in response.content.decode()
    assert _rows() == before
    regola.refresh_from_db()
    assert regola.ora_inizio == time(9)

    # widening the same hours closes nothing: accepted, new slots offered
    wider = {**later, "regola-ora_inizio": "09:00", "regola-ora_fine": "13:00"}
    assert client.post(reverse("locale:agenda_regola", kwargs={"pk": regola.pk}), wider).status_code == 302
    assert time(12, 30) in {timezone.localtime(s.inizio).time() for s in _on(day, segretariato)}


def test_an_extra_opening_on_sunday_gives_bookable_slots_and_can_be_removed(client, pua, operatore):
    sunday = open_day(weekday=6)
    response = client.post(
        reverse("locale:agenda_apertura_nuova", kwargs={"pk": pua.pk}),
        {"apertura-data": sunday, "apertura-ora_inizio": "10:00", "apertura-ora_fine": "11:00", "apertura-posti": 1},
    )
    assert response.status_code == 302
    assert [timezone.localtime(s.inizio).time() for s in _on(sunday, pua)] == [time(10), time(10, 30)]

    apertura = AperturaStraordinaria.objects.get(sportello=pua)
    assert client.post(reverse("locale:agenda_apertura_elimina", kwargs={"pk": apertura.pk})).status_code == 302
    assert _on(sunday, pua) == []


def test_settings_change_the_slot_length_and_the_horizon(client, pua, operatore):
    monday = open_day(weekday=0)
    response = client.post(
        reverse("locale:agenda_impostazioni", kwargs={"pk": pua.pk}),
        {"impostazioni-durata_slot_minuti": 60, "impostazioni-orizzonte_giorni": 21, "impostazioni-attivo": "on"},
    )
    assert response.status_code == 302
    pua.refresh_from_db()
    assert (pua.durata_slot_minuti, pua.orizzonte_giorni) == (60, 21)
    # the old half-hour slots are switched off, the hourly ones offered
    assert [timezone.localtime(s.inizio).time() for s in _on(monday, pua)] == [time(9), time(10), time(11)]


YESTERDAY = timezone.localdate() - timedelta(days=1)


@pytest.mark.parametrize(
    "url_name, data, message",
    [
        (
            "locale:agenda_regola_nuova",
            {"regola-giorno": 5, "regola-ora_inizio": "12:00", "regola-ora_fine": "09:00", "regola-posti": 1},
            "L&#x27;ora di fine deve essere successiva all&#x27;ora di inizio.",
        ),
        (
            "locale:agenda_regola_nuova",
            {"regola-giorno": 0, "regola-ora_inizio": "11:00", "regola-ora_fine": "13:00", "regola-posti": 1},
            "Si sovrappone all&#x27;orario già presente lunedì 09:00-12:00",
        ),
        (
            "locale:agenda_regola_nuova",
            {"regola-giorno": 5, "regola-ora_inizio": "09:00", "regola-ora_fine": "09:10", "regola-posti": 1},
            "La fascia è più breve di un appuntamento (30 minuti)",
        ),
        (
            "locale:agenda_chiusura_nuova",
            {"chiusura-dal": "2030-01-10", "chiusura-al": "2030-01-09", "chiusura-motivo": "ferie"},
            "La data di fine della chiusura non può precedere quella di inizio.",
        ),
        (
            "locale:agenda_chiusura_nuova",
            {"chiusura-dal": "2030-01-10", "chiusura-al": "2030-01-11", "chiusura-motivo": "  "},
            "Indicare il motivo della chiusura",
        ),
        (
            "locale:agenda_apertura_nuova",
            {
                "apertura-data": YESTERDAY,
                "apertura-ora_inizio": "09:00",
                "apertura-ora_fine": "12:00",
                "apertura-posti": 1,
            },
            "Non si può aggiungere un&#x27;apertura straordinaria in una data passata.",
        ),
        (
            "locale:agenda_impostazioni",
            {"impostazioni-durata_slot_minuti": 3, "impostazioni-orizzonte_giorni": 14},
            "La durata di un appuntamento va da 5 a 240 minuti.",
        ),
        (
            "locale:agenda_impostazioni",
            {"impostazioni-durata_slot_minuti": 30, "impostazioni-orizzonte_giorni": 5000},
            "Il periodo prenotabile va da 1 a 365 giorni.",
        ),
    ],
)
def test_bad_input_is_refused_in_italian_and_nothing_is_written(client, pua, operatore, url_name, data, message):
    before = _rows()
    response = client.post(reverse(url_name, kwargs={"pk": pua.pk}), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _rows() == before


def test_changes_are_post_only(client, pua, operatore):
    regola = pua.regole.first()
    for name, pk in [
        ("locale:agenda_impostazioni", pua.pk),
        ("locale:agenda_regola_nuova", pua.pk),
        ("locale:agenda_regola_elimina", regola.pk),
    ]:
        assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 405
    assert RegolaOrario.objects.filter(pk=regola.pk).exists()


def test_another_comune_and_colleagues_without_the_agenda_role_get_404_on_every_new_url(
    comune, other_comune, worker, client, pua
):
    neighbour = neighbour_comune()
    foreign_front_desk = OperatoreFactory(ente=other_comune, ruolo="segretariato")
    neighbour_responsabile = OperatoreFactory(ente=neighbour, ruolo="responsabile")
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    regola = pua.regole.first()
    chiusura = Chiusura.objects.create(sportello=pua, dal=date(2099, 1, 1), al=date(2099, 1, 2), motivo="prova")
    apertura = AperturaStraordinaria.objects.create(
        sportello=pua, data=date(2099, 1, 3), ora_inizio=time(9), ora_fine=time(10)
    )
    urls = {
        "locale:agenda_regole": pua.pk,
        "locale:agenda_impostazioni": pua.pk,
        "locale:agenda_regola_nuova": pua.pk,
        "locale:agenda_chiusura_nuova": pua.pk,
        "locale:agenda_apertura_nuova": pua.pk,
        "locale:agenda_regola": regola.pk,
        "locale:agenda_regola_elimina": regola.pk,
        "locale:agenda_chiusura": chiusura.pk,
        "locale:agenda_chiusura_elimina": chiusura.pk,
        "locale:agenda_apertura": apertura.pk,
        "locale:agenda_apertura_elimina": apertura.pk,
    }
    before = _rows()
    # Altamura's front office (another ambito), Molfetta's social worker (no agenda role), Giovinazzo's responsabile
    for user in (foreign_front_desk, worker, neighbour_responsabile):
        client.force_login(user)
        for name, pk in urls.items():
            # a change is refused exactly like one on an office that does not exist; a page is simply not there
            assert client.post(reverse(name, kwargs={"pk": pk}), {"regola-giorno": 5}).status_code == 404, name
            absent = client.get(reverse(name, kwargs={"pk": 99_999_999})).status_code
            assert client.get(reverse(name, kwargs={"pk": pk})).status_code == absent, name
            assert absent in (404, 405)
    assert _rows() == before
    # ...while Molfetta's responsabile (who holds the agenda role) reaches them
    client.force_login(responsabile)
    assert client.get(reverse("locale:agenda_chiusura", kwargs={"pk": chiusura.pk})).status_code == 200
