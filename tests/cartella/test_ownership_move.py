"""Moving a case from the comune to the ambito: the new owner's operators see it, the old owner's only as rules grant,
and the move is all-or-nothing."""

import pytest
from django.core.exceptions import ValidationError

from cse.cartella.actions import ritual
from cse.cartella.actions.cartella import cartella_grant_access, cartella_move_ownership, cartella_open
from cse.cartella.models import Cartella
from cse.core.models import OutboxEvent
from tests.support.ambito import ambito_case
from tests.support.factories import (
    AmbitoEnteFactory,
    AssistitoFactory,
    CartellaFactory,
    ComuneEnteFactory,
    OperatoreFactory,
    RegioneEnteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(comune, worker):
    return CartellaFactory(assistito=AssistitoFactory(ente=comune), by=worker)


def visible_pks(user):
    return set(Cartella.objects.visible_to(user).values_list("pk", flat=True))


def test_after_the_move_the_ambito_sees_the_case_and_the_comune_only_its_case_manager(ambito, comune, worker, case):
    cartella_move_ownership(cartella=case, to_ente=ambito, by=worker, reason="UVM", keep_access_for=[worker])
    assert case.pk in visible_pks(OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano"))
    assert case.pk in visible_pks(OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm"))
    assert case.pk in visible_pks(worker)  # équipe grant
    assert case.pk not in visible_pks(OperatoreFactory(ente=comune, ruolo="segretariato"))
    assert case.pk not in visible_pks(OperatoreFactory(ente=comune, ruolo="responsabile"))
    assert case.pk not in visible_pks(OperatoreFactory(ente=AmbitoEnteFactory(), ruolo="ufficio_di_piano"))
    # the équipe grant is read-only: the ambito now manages the case
    assert case.pk not in set(Cartella.objects.visible_to(worker, "manage_cartelle").values_list("pk", flat=True))


def test_the_move_is_recorded_in_history_with_user_reason_and_an_outbox_event(ambito, comune, worker, case):
    cartella_move_ownership(cartella=case, to_ente=ambito, by=worker, reason="caso UVM")
    last = case.history.order_by("-history_id").first()
    assert last.owner_ente_id == ambito.pk
    assert last.history_change_reason == "caso UVM"
    event = OutboxEvent.objects.filter(aggregate_id=case.pk, event_type="cartella.titolarita_trasferita").get()
    assert event.payload == {"da_ente": comune.codice, "a_ente": ambito.codice}
    sequences = list(
        OutboxEvent.objects.filter(aggregate_id=case.pk).order_by("sequence").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1)) and event.sequence == sequences[-1]  # last, gap-free


def test_a_failure_in_the_middle_leaves_the_old_owner_and_grants_intact(ambito, comune, worker, case, monkeypatch):
    before_history = case.history.count()

    def broken_outbox(**kwargs):
        raise RuntimeError("relay database unreachable")

    monkeypatch.setattr(ritual, "outbox_append", broken_outbox)
    with pytest.raises(RuntimeError):
        cartella_move_ownership(cartella=case, to_ente=ambito, by=worker, reason="UVM", keep_access_for=[worker])
    case.refresh_from_db()
    assert case.owner_ente_id == comune.pk
    assert case.history.count() == before_history
    assert case.pk in visible_pks(OperatoreFactory(ente=comune, ruolo="segretariato"))
    assert case.pk not in visible_pks(OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano"))


def test_a_move_needs_a_reason(ambito, comune, worker, case):
    with pytest.raises(ValidationError) as exc:
        cartella_move_ownership(cartella=case, to_ente=ambito, by=worker, reason="  ")
    assert "motivo" in exc.value.message_dict["reason"][0]
    assert Cartella.objects.get(pk=case.pk).owner_ente_id == comune.pk


def test_an_expired_explicit_grant_no_longer_shows_the_case(case):
    from datetime import timedelta

    from django.utils import timezone

    outsider = OperatoreFactory(ente=ComuneEnteFactory(), ruolo="assistente_sociale")  # a comune of another ambito
    cartella_grant_access(
        base_giuridica="compito_pubblico", cartella=case, user=outsider, expires_at=timezone.now() + timedelta(hours=1)
    )
    assert case.pk in visible_pks(outsider)
    cartella_grant_access(
        base_giuridica="compito_pubblico",
        cartella=case,
        user=outsider,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert case.pk not in visible_pks(outsider)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("other_ambito", "solo all'ambito di cui fa parte il comune"),
        ("neighbour_comune", "solo al comune che ha in carico la persona"),
        ("regione", "non può passare alla regione"),
    ],
)
def test_a_case_can_reach_only_its_own_ambito_and_come_back_only_to_its_comune(
    ambito, comune, worker, case, target, message
):
    to_ente = {
        "other_ambito": AmbitoEnteFactory,
        "neighbour_comune": lambda: ComuneEnteFactory(ambito=ambito),  # same ambito, not the case's comune
        "regione": RegioneEnteFactory,
    }[target]()
    with pytest.raises(ValidationError, match=message):
        cartella_move_ownership(cartella=case, to_ente=to_ente, by=worker, reason="prova")
    case.refresh_from_db()
    assert case.owner_ente_id == comune.pk


def test_the_ambito_hands_the_case_back_to_the_comune(ambito, comune, worker, case):
    moved = ambito_case(case.assistito, by=worker)
    cartella_move_ownership(
        cartella=moved, to_ente=comune, by=OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano"), reason="fine fase"
    )
    assert moved.pk in visible_pks(OperatoreFactory(ente=comune, ruolo="segretariato"))
    assert moved.pk not in visible_pks(OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano"))


def test_case_numbers_stay_unique_in_the_comune_after_a_transfer(comune, worker, case):
    """The case moved to the ambito keeps its number; the comune's next case must not reuse it."""
    moved_number = ambito_case(case.assistito, by=worker).numero
    new_case = cartella_open(assistito=case.assistito, by=worker)
    assert new_case.numero != moved_number
    numbers = list(Cartella.objects.filter(numerata_da=comune).values_list("numero", flat=True))
    assert len(numbers) == len(set(numbers))
