"""Services open their own transaction: called outside any (a worker, a shell, a request without ATOMIC_REQUESTS)
they write the change and its outbox event together — the test suite's usual per-test transaction would hide a
service that forgot its @transaction.atomic."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cse.cartella.records import diario_add
from cse.core.models import OutboxEvent
from tests.factories import build_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"])


def test_a_diary_note_outside_a_transaction_is_written_with_its_event():
    world = build_world()
    cartella = world.cartelle["A1"]
    before = OutboxEvent.objects.filter(event_type="cartella.diario_voce").count()
    voce = diario_add(
        cartella=cartella,
        tipo="colloquio",
        testo="Colloquio con la persona",
        data_evento=timezone.localdate(),
        riservata=False,
        by=world.user("A1", "assistente_sociale"),
    )
    assert voce.pk is not None
    assert OutboxEvent.objects.filter(event_type="cartella.diario_voce").count() == before + 1
