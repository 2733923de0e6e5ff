"""Slot generation: the office's rules, closures and extra openings materialised as Slot rows within its horizon.

Idempotent: running it again creates only what is missing, re-activates slots that became bookable again and
deactivates future slots no rule covers any more (a new closure). Booked slots are never deleted (PROTECT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from .agenda import Slot, Sportello


@dataclass
class SlotsResult:
    created: int = 0
    reactivated: int = 0
    deactivated: int = 0


def _windows(sportello: Sportello, day: date, rules, closures, extras) -> list[tuple[time, time, int]]:
    if any(c.dal <= day <= c.al for c in closures):
        return []
    windows = [
        (r.ora_inizio, r.ora_fine, r.posti)
        for r in rules
        if r.giorno == day.weekday()
        and (r.valida_dal is None or r.valida_dal <= day)
        and (r.valida_al is None or day <= r.valida_al)
    ]
    windows += [(e.ora_inizio, e.ora_fine, e.posti) for e in extras if e.data == day]
    return windows


def wanted_slots(sportello: Sportello, start: date, end: date) -> dict[tuple[datetime, int], datetime]:
    """(start time, place) -> end time of every slot the rules ask for between `start` and `end` (included)."""
    rules = list(sportello.regole.all())
    closures = list(sportello.chiusure.filter(al__gte=start, dal__lte=end))
    extras = list(sportello.aperture_straordinarie.filter(data__gte=start, data__lte=end))
    step = timedelta(minutes=sportello.durata_slot_minuti)
    tz = timezone.get_current_timezone()
    result: dict[tuple[datetime, int], datetime] = {}
    day = start
    while day <= end:
        for inizio, fine, posti in _windows(sportello, day, rules, closures, extras):
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
