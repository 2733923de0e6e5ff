"""Two uses of one voucher at the same instant on PostgreSQL: the unique-constraint claim accepts exactly one.
(SQLite serialises writers, so the race is only meaningful here.)"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.db import connection, connections

from cse.core.models import UsedTokenId
from cse.core.replay import claim_token_id

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="gara di concorrenza solo su PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RACERS = 8


def test_parallel_uses_of_one_jti_are_accepted_once(settings):
    settings.CSE_JTI_STORE = "db"
    jti, exp = uuid.uuid4().hex, time.time() + 300
    barrier = threading.Barrier(RACERS)
    results: list[bool] = []
    errors: list[BaseException] = []

    def racer() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(claim_token_id("pdnd-voucher", jti, exp))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=racer) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False] * (RACERS - 1) + [True]
    assert UsedTokenId.objects.filter(namespace="pdnd-voucher").count() == 1
