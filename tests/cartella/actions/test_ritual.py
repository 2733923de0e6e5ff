"""The ritual every case action goes through (cse/cartella/actions/ritual.py): who acts and a stale version are
refused before anything is written; the diary line, the history row and the outbox event are written together or
not at all."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cse.cartella.actions import ritual
from cse.cartella.actions.cartella import cartella_open
from cse.cartella.actions.ritual import REFUSE_ACTOR, case_change
from cse.cartella.fasi import VoceDiario
from cse.cartella.models import Cartella
from cse.cartella.workflow import STALE_MESSAGE
from cse.core.models import OutboxEvent
from cse.core.roles import Capability
from cse.core.services import ente_for_comune
from tests.support.factories import ComuneFactory, make_operator, register_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    ente = ente_for_comune(ComuneFactory())
    worker = make_operator(ente, "assistente_sociale")
    cartella = cartella_open(assistito=register_person(ente), by=worker)
    return cartella, worker


def _written(cartella: Cartella) -> tuple[int, int, int, int]:
    """Diary lines, outbox events, history rows and version of the case, as stored."""
    return (
        VoceDiario.objects.filter(cartella=cartella).count(),
        OutboxEvent.objects.filter(aggregate_id=cartella.pk, aggregate_type="cartella.cartella").count(),
        cartella.history.count(),
        Cartella.objects.get(pk=cartella.pk).version,
    )


def _change_everything(change) -> None:
    change.cartella.area = "povertà"
    change.save(change.cartella, reason="prova del rituale")
    change.diary("Voce di prova.")
    change.event("cartella.uvm_convocata", {"data": "2026-12-01"})  # any registered event


def test_a_change_writes_diary_history_and_event_and_bumps_the_version(case):
    cartella, worker = case
    diary, events, history, version = _written(cartella)
    with case_change(cartella, by=worker, version=version, capability=Capability.MANAGE_CARTELLE) as change:
        _change_everything(change)
    assert _written(cartella) == (diary + 1, events + 1, history + 1, version + 1)
    assert cartella.history.first().history_change_reason == "prova del rituale"
    last = OutboxEvent.objects.filter(aggregate_id=cartella.pk).order_by("sequence").last()
    assert last.event_type == "cartella.uvm_convocata"


def test_a_stale_version_is_refused_and_nothing_is_written(case):
    cartella, worker = case
    before = _written(cartella)
    body_ran = False
    with pytest.raises(ValidationError) as exc, case_change(cartella, by=worker, version=before[3] - 1) as change:
        body_ran = True
        _change_everything(change)
    assert exc.value.messages == [STALE_MESSAGE]
    assert not body_ran and _written(cartella) == before


def test_someone_without_the_capability_on_the_case_is_refused_before_anything_is_written(case):
    cartella, worker = case
    outsider = make_operator(ente_for_comune(ComuneFactory()), "assistente_sociale")  # another comune
    before = _written(cartella)
    manage = Capability.MANAGE_CARTELLE
    with pytest.raises(ValidationError) as exc, case_change(cartella, by=outsider, capability=manage) as change:
        _change_everything(change)
    assert exc.value.messages == [REFUSE_ACTOR]
    assert _written(cartella) == before


def test_a_failure_while_writing_the_event_takes_the_diary_history_and_version_with_it(case, monkeypatch):
    cartella, worker = case
    before = _written(cartella)

    def unreachable(**kwargs):
        raise RuntimeError("outbox non raggiungibile")

    monkeypatch.setattr(ritual, "outbox_append", unreachable)  # fails after the diary line has been written
    with pytest.raises(RuntimeError), case_change(cartella, by=worker) as change:
        _change_everything(change)
    assert _written(cartella) == before


def test_an_exception_in_the_action_leaves_no_diary_and_no_event(case):
    cartella, worker = case
    before = _written(cartella)
    with pytest.raises(ValidationError), case_change(cartella, by=worker) as change:
        _change_everything(change)
        raise ValidationError("rifiuto dopo le scritture")
    assert _written(cartella) == before
