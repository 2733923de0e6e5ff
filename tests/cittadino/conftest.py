from __future__ import annotations

from dataclasses import dataclass

import pytest

from cse.cittadino.agenda import Slot, Sportello
from tests.factories import make_sportello


@dataclass
class Agende:
    a1: Sportello
    b1: Sportello

    def first_free(self, sportello=None):
        from cse.cittadino.selectors import free_slots

        return free_slots(sportello or self.a1).order_by("inizio").first()


@pytest.fixture
def agende(world) -> Agende:
    return Agende(a1=Sportello.objects.get(ente=world.enti["A1"]), b1=Sportello.objects.get(ente=world.enti["B1"]))


def booking_kwargs(world, **overrides) -> dict:
    return {
        "nome": "Giulia",
        "cognome": "Ferri",
        "email": "giulia.ferri@example.invalid",
        "comune_residenza": world.enti["A1"].comune,
        "argomento": "informazioni",
        "motivo": "Vorrei sapere come chiedere l'assistenza domiciliare",
        **overrides,
    }


__all__ = ["Slot", "make_sportello", "booking_kwargs"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the (process-wide) cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
