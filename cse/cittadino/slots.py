"""Slot generation: the office's rules, closures and extra openings materialised as Slot rows within its horizon.

No weekly rule opens on a national holiday or on the comune's patron saint day; an extra opening on such a day is a
deliberate choice of the office and is honoured. An explicit closure closes everything.

Idempotent: running it again creates only what is missing, re-activates slots that became bookable again and
deactivates future slots no rule covers any more (a new closure). Booked slots are never deleted (PROTECT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cse.core.codelists.festivita import festivita_nazionali

from .agenda import FestaPatronale, Slot, Sportello


@dataclass
class SlotsResult:
    created: int = 0
    reactivated: int = 0
    deactivated: int = 0


def holidays_between(ente_id: int, start: date, end: date) -> dict[date, str]:
    """National holidays and the ente's patron saint day between `start` and `end` (included), with their names."""
    patrono = FestaPatronale.objects.filter(ente_id=ente_id).first()
    days: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        days |= festivita_nazionali(year)
        day = patrono.in_year(year) if patrono else None
        if day is not None:
            days[day] = f"festa patronale ({patrono.santo})"
    return {day: name for day, name in sorted(days.items()) if start <= day <= end}


@dataclass
class _Calendar:
    rules: list
    closures: list
    extras: list
    holidays: dict[date, str]

    @classmethod
    def of(cls, sportello: Sportello, start: date, end: date) -> _Calendar:
        return cls(
            rules=list(sportello.regole.all()),
            closures=list(sportello.chiusure.filter(al__gte=start, dal__lte=end)),
            extras=list(sportello.aperture_straordinarie.filter(data__gte=start, data__lte=end)),
            holidays=holidays_between(sportello.ente_id, start, end),
        )

    def closure(self, day: date) -> str | None:
        return next((c.motivo for c in self.closures if c.dal <= day <= c.al), None)

    def weekly(self, day: date) -> list[tuple[time, time, int]]:
        return [
            (r.ora_inizio, r.ora_fine, r.posti)
            for r in self.rules
            if r.giorno == day.weekday()
            and (r.valida_dal is None or r.valida_dal <= day)
            and (r.valida_al is None or day <= r.valida_al)
        ]

    def windows(self, day: date) -> list[tuple[time, time, int]]:
        if self.closure(day) is not None:
            return []
        windows = [] if day in self.holidays else self.weekly(day)
        return windows + [(e.ora_inizio, e.ora_fine, e.posti) for e in self.extras if e.data == day]


def closed_days(sportello: Sportello, start: date, end: date) -> dict[date, str]:
    """The days on which the office would open by its weekly hours but is closed, with the reason a citizen or an
    operator is shown (holiday, patron saint, the closure's motivo)."""
    calendar = _Calendar.of(sportello, start, end)
    reasons: dict[date, str] = {}
    day = start
    while day <= end:
        if calendar.weekly(day) and not calendar.windows(day):
            reasons[day] = calendar.closure(day) or calendar.holidays[day]
        day += timedelta(days=1)
    return reasons


CLOSED_DAYS_CACHE_SECONDS = 300


def _closed_days_key(sportello_id: int) -> str:
    return f"cittadino:giorni-chiusi:{sportello_id}"


def closed_days_cached(sportello: Sportello, start: date, end: date) -> dict[date, str]:
    """closed_days() through the shared cache: the citizen's booking page shows them on every step-2 answer (also to
    each loser of a booking burst), and they cost four queries. A change of the office's hours, closures, extra
    openings or patron saint day drops the entry after commit (signals in apps.py); a page that read the old
    calendar just before such a commit may put it back, so entries also expire after a few minutes."""
    from django.core.cache import cache

    key = _closed_days_key(sportello.pk)
    cached = cache.get(key)
    if cached is not None and cached[0] == start and cached[1] == end:
        return cached[2]
    days = closed_days(sportello, start, end)
    cache.set(key, (start, end, days), CLOSED_DAYS_CACHE_SECONDS)
    return days


def forget_closed_days(sender, instance, **kwargs) -> None:
    """post_save/post_delete receiver of the calendar's models: the cached closed days of the offices concerned."""
    from django.core.cache import cache

    if isinstance(instance, FestaPatronale):
        ids = list(Sportello.objects.filter(ente_id=instance.ente_id).values_list("pk", flat=True))
    else:
        ids = [instance.sportello_id]
    keys = [_closed_days_key(pk) for pk in ids]
    cache.delete_many(keys)  # now, and again once committed: a page rendered meanwhile may have cached the old days
    transaction.on_commit(lambda: cache.delete_many(keys))


def wanted_slots(sportello: Sportello, start: date, end: date) -> dict[tuple[datetime, int], datetime]:
    """(start time, place) -> end time of every slot the rules ask for between `start` and `end` (included)."""
    calendar = _Calendar.of(sportello, start, end)
    step = timedelta(minutes=sportello.durata_slot_minuti)
    tz = timezone.get_current_timezone()
    result: dict[tuple[datetime, int], datetime] = {}
    day = start
    while day <= end:
        for inizio, fine, posti in calendar.windows(day):
            current = datetime.combine(day, inizio, tzinfo=tz)
            limit = datetime.combine(day, fine, tzinfo=tz)
            while current + step <= limit:
                for posto in range(1, posti + 1):
                    result[(current, posto)] = current + step
                current += step
        day += timedelta(days=1)
    return result


@transaction.atomic
def slots_generate(*, sportello: Sportello, today: date | None = None) -> SlotsResult:
    today = today or timezone.localdate()
    end = today + timedelta(days=sportello.orizzonte_giorni)
    wanted = wanted_slots(sportello, today, end) if sportello.attivo else {}
    tz = timezone.get_current_timezone()
    existing = {
        (s.inizio.astimezone(tz), s.posto): s
        for s in Slot.objects.filter(
            sportello=sportello,
            inizio__gte=datetime.combine(today, time.min, tzinfo=tz),
            inizio__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
        )
    }
    result = SlotsResult()
    missing = [
        Slot(sportello=sportello, inizio=inizio, fine=fine, posto=posto)
        for (inizio, posto), fine in wanted.items()
        if (inizio, posto) not in existing
    ]
    Slot.objects.bulk_create(missing, ignore_conflicts=True)
    result.created = len(missing)
    reactivate = [s.pk for key, s in existing.items() if key in wanted and not s.attivo]
    deactivate = [s.pk for key, s in existing.items() if key not in wanted and s.attivo]
    result.reactivated = Slot.objects.filter(pk__in=reactivate).update(attivo=True)
    result.deactivated = Slot.objects.filter(pk__in=deactivate).update(attivo=False)
    return result
