from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import pytest

from cse.cittadino.agenda import RegolaOrario, Slot, Sportello
from cse.cittadino.glossary import TipoSportello
from cse.cittadino.slots import slots_generate


def make_sportello(ente, *, nome="Segretariato sociale", posti=1, days=range(7), start=time(9), end=time(12)):
    sportello = Sportello.objects.create(
        ente=ente, tipo=TipoSportello.SEGRETARIATO, nome=nome, indirizzo="Piazza Municipio 1", orizzonte_giorni=14
    )
    for giorno in days:
        RegolaOrario.objects.create(sportello=sportello, giorno=giorno, ora_inizio=start, ora_fine=end, posti=posti)
    slots_generate(sportello=sportello)
    return sportello


@dataclass
class Agende:
    a1: Sportello
    b1: Sportello

    def first_free(self, sportello=None):
        from cse.cittadino.selectors import free_slots

        return free_slots(sportello or self.a1).order_by("inizio").first()


@pytest.fixture
def agende(world) -> Agende:
    return Agende(a1=make_sportello(world.enti["A1"]), b1=make_sportello(world.enti["B1"]))


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
