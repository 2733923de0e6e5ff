from __future__ import annotations

from dataclasses import dataclass

import pytest

from cse.cittadino.agenda import Sportello


@dataclass
class Agende:
    a1: Sportello
    b1: Sportello

    def first_free(self, sportello=None):
        """The first free slot at least three hours ahead: tests move the clock forward by up to an hour and the
        booking lead time (60 min) must not close the slot meanwhile, whatever the time of day the suite runs."""
        from datetime import timedelta

        from django.utils import timezone

        from cse.cittadino.selectors import free_slots

        later = timezone.now() + timedelta(hours=3)
        return free_slots(sportello or self.a1).filter(inizio__gte=later).order_by("inizio").first()


@pytest.fixture
def agende(world) -> Agende:
    return Agende(a1=Sportello.objects.get(ente=world.enti["A1"]), b1=Sportello.objects.get(ente=world.enti["B1"]))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the (process-wide) cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
