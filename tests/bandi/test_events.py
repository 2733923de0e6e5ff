"""The bandi's outbox events stay local: the relay sends only the case aggregates to the region, and a backlog of
local events never holds back a case's events."""

from __future__ import annotations

import pytest

from cse.cartella.relay import relay_outbox
from cse.core.models import OutboxEvent
from tests.support.bandi import citizen, make_bando, submitted

pytestmark = pytest.mark.django_db


def test_the_relay_skips_bandi_events_and_still_sends_the_cases(comune, responsabile, case):
    bando = make_bando(comune, responsabile)
    submitted(bando, citizen())
    local = OutboxEvent.objects.filter(aggregate_type__startswith="bandi.")
    assert local.count() == 4  # bando creato, pubblicato; domanda creata, presentata
    sent: list[dict] = []
    report = relay_outbox(sender=sent.append)
    assert report.failed == 0 and sent and all(e["event_type"].startswith("cartella.") for e in sent)
    assert not local.filter(sent_at__isnull=False).exists()  # left for the local workers (protocol queue)
