from __future__ import annotations

from dataclasses import dataclass

import pytest

from cse.cittadino.agenda import Sportello
from tests.support.factories import make_sportello
from tests.support.places import foreign_comune


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
def other_comune(db):
    return foreign_comune()


@pytest.fixture
def agende(comune, other_comune) -> Agende:
    """The segretariato of the home comune (a1) and of a comune of another ambito (b1), open every day 9-12."""
    return Agende(a1=make_sportello(comune), b1=make_sportello(other_comune))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the (process-wide) cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
