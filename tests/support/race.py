"""N citizens racing for M slots through the real booking page (used by the PostgreSQL test and bench/booking_race.py).

Every client is its own browser session posting the last booking step for a slot (client i → slot i mod M) at the
same instant (a barrier). Requests enter the application through a bounded pool, as in production where the ASGI
server's thread pool and the database connection pool cap concurrency (PostgreSQL allows 100 connections here).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cse.cittadino.agenda import Prenotazione, Slot, Sportello
from cse.cittadino.glossary import STATI_ATTIVI, TipoSportello
from tests.support.submission import TokenClient


@dataclass
class RaceResult:
    clients: int
    slots: int
    pool: int
    statuses: Counter = field(default_factory=Counter)
    bookings: int = 0
    double_booked_slots: int = 0
    told_not_free: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)


def race_office(ente, *, slots: int) -> tuple[Sportello, list[Slot]]:
    sportello = Sportello.objects.create(
        ente=ente, tipo=TipoSportello.PUA, nome="PUA (gara)", indirizzo="Via della Prova 1", orizzonte_giorni=14
    )
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    created = [
        Slot.objects.create(
            sportello=sportello,
            inizio=start + timedelta(minutes=15 * i),
            fine=start + timedelta(minutes=15 * (i + 1)),
        )
        for i in range(slots)
    ]
    return sportello, created


def run_race(ente, *, clients: int = 200, slots: int = 20, pool: int = 40) -> RaceResult:
    sportello, targets = race_office(ente, slots=slots)
    result = RaceResult(clients=clients, slots=slots, pool=pool)
    barrier = threading.Barrier(clients)
    gate = threading.BoundedSemaphore(pool)
    lock = threading.Lock()
    url = reverse("cittadino:prenota")

    def one(i: int) -> None:
        client = TokenClient(REMOTE_ADDR=f"10.{i // 250}.{i % 250}.1")
        slot = targets[i % slots]
        query = f"?comune={ente.comune_id}&sportello={sportello.pk}&slot={slot.pk}"
        data = {
            "argomento": "informazioni",
            "motivo": "Gara di prenotazione",
            "nome": "Cliente",
            "cognome": f"Numero{i}",
            "email": f"cliente{i}@example.invalid",
        }
        barrier.wait()
        with gate:
            started = time.perf_counter()
            try:
                response = client.post(url + query, data)
                status = response.status_code
                not_free = "Lo slot non è più libero" in response.content.decode()
            except Exception as exc:  # an exception here is a 5xx in production
                status, not_free = 500, False
                with lock:
                    result.errors.append(repr(exc))
            finally:
                connection.close()
            elapsed = (time.perf_counter() - started) * 1000
        with lock:
            result.statuses[status] += 1
            result.told_not_free += not_free
            result.latencies_ms.append(elapsed)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    active = Prenotazione.objects.filter(slot__sportello=sportello, stato__in=STATI_ATTIVI)
    result.bookings = active.count()
    per_slot = Counter(active.values_list("slot_id", flat=True))
    result.double_booked_slots = sum(1 for n in per_slot.values() if n > 1)
    return result
