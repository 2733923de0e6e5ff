"""Demo appointments: the front offices of the demo comuni have bookings on their next two open days (today when
the office opens today), so the operators' agenda is not empty on the first visit.

Closed days (weekends, national holidays, the patron saint day, closures) are skipped because they have no slots
(cse/cittadino/slots.py). Booked through the citizens' service like real bookings, with the e-mails switched off
(the addresses are example.invalid). Idempotent: a day that already has demo bookings is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.test.utils import override_settings
from django.utils import timezone

from cse.cartella.models import Assistito
from cse.cittadino.agenda import Cittadino, Prenotazione, Slot, Sportello
from cse.cittadino.glossary import Argomento
from cse.cittadino.services import prenotazione_confirm, prenotazione_create

DEMO_EMAIL_DOMAIN = "prenotazioni-demo.example.invalid"
PER_DAY = 3
REASONS = [
    (Argomento.INFORMAZIONI, "Informazioni sui servizi per un genitore anziano"),
    (Argomento.SOSTEGNO_REDDITO, "Bollette arretrate, chiede un contributo straordinario"),
    (Argomento.NON_AUTOSUFFICIENZA, "Richiesta di assistenza domiciliare"),
]


def open_days(sportello: Sportello, count: int = 2, today: date | None = None) -> list[date]:
    """The first `count` days from today on which the office has bookable slots."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    days = (
        Slot.objects.filter(sportello=sportello, attivo=True, inizio__gte=datetime.combine(today, time.min, tzinfo=tz))
        .order_by("inizio")
        .values_list("inizio", flat=True)
    )
    found: list[date] = []
    for inizio in days.iterator():
        day = timezone.localtime(inizio).date()
        if day not in found:
            found.append(day)
        if len(found) == count:
            break
    return found


def seed_bookings(*, sportello: Sportello, citizen: Cittadino | None) -> list[Prenotazione]:
    """PER_DAY bookings on each of the office's next two open days; the demo citizen holds the first of day two."""
    people = list(
        Assistito.objects.filter(owner_ente=sportello.ente, comune_residenza=sportello.ente.comune).order_by("pk")[
            : 2 * PER_DAY
        ]
    )
    made: list[Prenotazione] = []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for n, day in enumerate(open_days(sportello)):
            if _has_demo_bookings(sportello, day):
                continue
            evening_before = datetime.combine(day - timedelta(days=1), time(18), tzinfo=timezone.get_current_timezone())
            booked_at = min(timezone.now(), evening_before)
            slots = _free_slots_of(sportello, day)[:PER_DAY]
            for k, slot in enumerate(slots):
                argomento, motivo = REASONS[k % len(REASONS)]
                if n == 1 and k == 0 and citizen is not None:
                    made.append(_book_citizen(slot, citizen, argomento, motivo, booked_at))
                elif people:
                    made.append(_book_person(slot, people.pop(0), argomento, motivo, booked_at))
    return made


def _has_demo_bookings(sportello: Sportello, day: date) -> bool:
    tz = timezone.get_current_timezone()
    return Prenotazione.objects.filter(
        slot__sportello=sportello,
        slot__inizio__gte=datetime.combine(day, time.min, tzinfo=tz),
        slot__inizio__lt=datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz),
    ).exists()


def _free_slots_of(sportello: Sportello, day: date) -> list[Slot]:
    """One place per time, spread over the day (every other time), so the agenda shows a plausible morning."""
    tz = timezone.get_current_timezone()
    slots = Slot.objects.filter(
        sportello=sportello,
        attivo=True,
        posto=1,
        inizio__gte=datetime.combine(day, time.min, tzinfo=tz),
        inizio__lt=datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz),
    ).order_by("inizio")
    return list(slots)[::2]


def _book_person(slot: Slot, person: Assistito, argomento: str, motivo: str, now: datetime) -> Prenotazione:
    """Without login (e-mail confirmation), confirmed the same evening."""
    prenotazione = prenotazione_create(
        slot_id=slot.pk,
        nome=person.nome,
        cognome=person.cognome,
        email=f"{person.nome}.{person.cognome}@{DEMO_EMAIL_DOMAIN}".lower().replace(" ", "").replace("'", ""),
        comune_residenza=slot.sportello.ente.comune,
        argomento=argomento,
        motivo=motivo,
        now=now,
    )
    return prenotazione_confirm(codice=prenotazione.codice, now=now + timedelta(minutes=5))


def _book_citizen(slot: Slot, citizen: Cittadino, argomento: str, motivo: str, now: datetime) -> Prenotazione:
    """Logged in through SPID/CIE: confirmed at once."""
    return prenotazione_create(
        slot_id=slot.pk,
        nome=citizen.nome,
        cognome=citizen.cognome,
        email=citizen.email or f"cittadino@{DEMO_EMAIL_DOMAIN}",
        comune_residenza=slot.sportello.ente.comune,
        argomento=argomento,
        motivo=motivo,
        cittadino=citizen,
        now=now,
    )
