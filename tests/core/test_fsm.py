"""The state-machine primitive (cse/core/fsm.py): named, guarded transitions, Italian refusals, events in the outbox."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from cse.core.fsm import StateMachine, Transition
from cse.core.models import OutboxEvent
from cse.core.services import ente_for_comune
from tests.support.factories import ComuneFactory, register_person


class Stato(models.TextChoices):
    BOZZA = "bozza", "Bozza"
    INVIATA = "inviata", "Inviata"
    CHIUSA = "chiusa", "Chiusa"


def _needs_title(obj) -> list[str]:
    return [] if obj.titolo else ["manca il titolo"]


def _machine(**options) -> StateMachine:
    return StateMachine(
        "la pratica di prova",
        "stato",
        (
            Transition("invia", Stato.BOZZA, Stato.INVIATA, "Invia", _needs_title, capability="invia_pratiche"),
            Transition("chiudi", (Stato.BOZZA, Stato.INVIATA), Stato.CHIUSA, "Chiudi"),
        ),
        states=Stato,
        **options,
    )


def _pratica(stato: str = Stato.BOZZA, titolo: str = "Domanda") -> SimpleNamespace:
    return SimpleNamespace(stato=stato, titolo=titolo)


def test_a_named_transition_moves_the_state_field():
    pratica = _pratica()
    transition = _machine().apply(pratica, "invia", by=None)
    assert (transition.name, pratica.stato) == ("invia", Stato.INVIATA)


def test_a_guard_returns_its_italian_problems_and_apply_refuses_with_them():
    machine, pratica = _machine(), _pratica(titolo="")
    assert machine.refusal(pratica, "invia") == ["manca il titolo"]
    assert [t.name for t in machine.available(pratica)] == ["chiudi"]
    with pytest.raises(ValidationError) as refused:
        machine.apply(pratica, "invia", by=None)
    assert refused.value.messages == ["manca il titolo"]
    assert pratica.stato == Stato.BOZZA


def test_an_illegal_step_is_refused_naming_the_steps_allowed_from_the_current_state():
    machine = _machine()
    [message] = machine.refusal(_pratica(Stato.INVIATA), "invia")
    assert message == "Nello stato «Inviata» non si può: Invia. Passaggi possibili: «Chiudi»."
    [final] = machine.refusal(_pratica(Stato.CHIUSA), "chiudi")
    assert final == "Nello stato «Chiusa» non si può: Chiudi. Non sono possibili altri passaggi."


def test_a_workflow_may_word_the_illegal_step_itself():
    machine = _machine(illegal=lambda obj, t: [f"La pratica è già «{Stato(obj.stato).label}»."])
    assert machine.refusal(_pratica(Stato.CHIUSA), "invia") == ["La pratica è già «Chiusa»."]


def test_an_unknown_transition_is_refused_by_name():
    assert _machine().refusal(_pratica(), "archivia") == ["Passaggio «archivia» sconosciuto per la pratica di prova."]


def test_the_capability_is_checked_through_the_given_callable_before_anything_else():
    asked = []

    def may(obj, by, capability):
        asked.append((by, capability))
        return by == "coordinatrice"

    machine = _machine(may=may, refuse_actor="Solo la coordinatrice invia la pratica.")
    pratica = _pratica(titolo="")  # the guard would also refuse: the actor's refusal comes first, and says nothing else
    with pytest.raises(ValidationError) as refused:
        machine.apply(pratica, "invia", by="tirocinante")
    assert refused.value.messages == ["Solo la coordinatrice invia la pratica."]
    pratica.titolo = "Domanda"
    machine.apply(pratica, "invia", by="coordinatrice")
    machine.apply(pratica, "chiudi", by="tirocinante")  # no capability on this step: nobody is asked
    assert asked == [("tirocinante", "invia_pratiche"), ("coordinatrice", "invia_pratiche")]
    assert pratica.stato == Stato.CHIUSA


def test_the_actor_refusal_may_be_worded_per_transition():
    machine = _machine(may=lambda obj, by, capability: False, refuse_actor=lambda t: f"Non puoi: {t.label.lower()}.")
    with pytest.raises(ValidationError) as refused:
        machine.apply(_pratica(), "invia", by="chiunque")
    assert refused.value.messages == ["Non puoi: invia."]


def test_transition_names_are_unique_and_events_must_be_registered():
    with pytest.raises(ValueError, match="ripetuti"):
        StateMachine("x", "stato", (Transition("a", "s", "t", "A"), Transition("a", "t", "s", "A")))
    with pytest.raises(ValueError, match="cse.core.events.EVENTS"):
        StateMachine("x", "stato", (Transition("a", "s", "t", "A", event="assistito.inventato"),))


@pytest.mark.django_db
def test_apply_records_the_transition_event_on_the_aggregate_in_the_callers_transaction():
    persona = register_person(ente_for_comune(ComuneFactory()))
    machine = StateMachine(
        "la scheda di prova",
        "stato",
        (Transition("aggiungi", Stato.BOZZA, Stato.INVIATA, "Aggiungi", event="assistito.contatto_aggiunto"),),
        states=Stato,
    )
    pratica = _pratica()
    before = OutboxEvent.objects.filter(aggregate_id=persona.pk, aggregate_type="cartella.assistito").count()
    machine.apply(pratica, "aggiungi", by=None, payload={"tipo": "telefono"}, aggregate=persona)
    event = OutboxEvent.objects.filter(aggregate_id=persona.pk, aggregate_type="cartella.assistito").latest("sequence")
    assert (event.event_type, event.payload, event.sequence) == (
        "assistito.contatto_aggiunto",
        {"tipo": "telefono"},
        before + 1,
    )
    assert pratica.stato == Stato.INVIATA


@pytest.mark.django_db
def test_a_refused_step_records_no_event():
    persona = register_person(ente_for_comune(ComuneFactory()))
    machine = StateMachine(
        "la scheda di prova",
        "stato",
        (Transition("aggiungi", Stato.BOZZA, Stato.INVIATA, "Aggiungi", _needs_title, event="assistito.unificato"),),
    )
    with pytest.raises(ValidationError):
        machine.apply(_pratica(titolo=""), "aggiungi", by=None, aggregate=persona)
    assert not OutboxEvent.objects.filter(aggregate_id=persona.pk, event_type="assistito.unificato").exists()
