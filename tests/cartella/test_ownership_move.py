"""Moving a case from the comune to the ambito: the new owner's operators see it, the old owner's only as rules grant,
and the move is all-or-nothing."""

import pytest
from django.core.exceptions import ValidationError

from cse.cartella.actions import ritual
from cse.cartella.actions.cartella import cartella_grant_access, cartella_move_ownership, cartella_open
from cse.cartella.models import Cartella
from cse.core.models import OutboxEvent
from tests.support.factories import build_world


@pytest.fixture
def world(db):
    return build_world()


def visible_pks(user):
    return set(Cartella.objects.visible_to(user).values_list("pk", flat=True))


def test_after_the_move_the_ambito_sees_the_case_and_the_comune_only_its_case_manager(world):
    cartella = world.cartelle["A1"]
    manager = world.user("A1", "assistente_sociale")
    cartella_move_ownership(
        cartella=cartella, to_ente=world.enti["AMB_A"], by=manager, reason="UVM", keep_access_for=[manager]
    )
    assert cartella.pk in visible_pks(world.user("AMB_A", "ufficio_di_piano"))
    assert cartella.pk in visible_pks(world.user("AMB_A", "coordinatore_uvm"))
    assert cartella.pk in visible_pks(manager)  # équipe grant
    assert cartella.pk not in visible_pks(world.user("A1", "segretariato"))
    assert cartella.pk not in visible_pks(world.user("A1", "responsabile"))
    assert cartella.pk not in visible_pks(world.user("AMB_B", "ufficio_di_piano"))
    # the équipe grant is read-only: the ambito now manages the case
    assert cartella.pk not in set(Cartella.objects.visible_to(manager, "manage_cartelle").values_list("pk", flat=True))


def test_the_move_is_recorded_in_history_with_user_reason_and_an_outbox_event(world):
    cartella = world.cartelle["A1"]
    manager = world.user("A1", "assistente_sociale")
    cartella_move_ownership(cartella=cartella, to_ente=world.enti["AMB_A"], by=manager, reason="caso UVM")
    last = cartella.history.order_by("-history_id").first()
    assert last.owner_ente_id == world.enti["AMB_A"].pk
    assert last.history_change_reason == "caso UVM"
    event = OutboxEvent.objects.filter(aggregate_id=cartella.pk, event_type="cartella.titolarita_trasferita").get()
    assert event.payload == {"da_ente": world.enti["A1"].codice, "a_ente": world.enti["AMB_A"].codice}
    sequences = list(
        OutboxEvent.objects.filter(aggregate_id=cartella.pk).order_by("sequence").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1)) and event.sequence == sequences[-1]  # last, gap-free


def test_a_failure_in_the_middle_leaves_the_old_owner_and_grants_intact(world, monkeypatch):
    cartella = world.cartelle["A1"]
    manager = world.user("A1", "assistente_sociale")
    before_history = cartella.history.count()

    def broken_outbox(**kwargs):
        raise RuntimeError("relay database unreachable")

    monkeypatch.setattr(ritual, "outbox_append", broken_outbox)
    with pytest.raises(RuntimeError):
        cartella_move_ownership(
            cartella=cartella, to_ente=world.enti["AMB_A"], by=manager, reason="UVM", keep_access_for=[manager]
        )
    cartella.refresh_from_db()
    assert cartella.owner_ente_id == world.enti["A1"].pk
    assert cartella.history.count() == before_history
    assert cartella.pk in visible_pks(world.user("A1", "segretariato"))
    assert cartella.pk not in visible_pks(world.user("AMB_A", "ufficio_di_piano"))


def test_a_move_needs_a_reason(world):
    with pytest.raises(ValidationError) as exc:
        cartella_move_ownership(
            cartella=world.cartelle["A1"],
            to_ente=world.enti["AMB_A"],
            by=world.user("A1", "assistente_sociale"),
            reason="  ",
        )
    assert "motivo" in exc.value.message_dict["reason"][0]
    assert Cartella.objects.get(pk=world.cartelle["A1"].pk).owner_ente_id == world.enti["A1"].pk


def test_an_expired_explicit_grant_no_longer_shows_the_case(world):
    from datetime import timedelta

    from django.utils import timezone

    outsider = world.user("B1", "assistente_sociale")
    cartella = world.cartelle["A1"]
    cartella_grant_access(cartella=cartella, user=outsider, expires_at=timezone.now() + timedelta(hours=1))
    assert cartella.pk in visible_pks(outsider)
    cartella_grant_access(cartella=cartella, user=outsider, expires_at=timezone.now() - timedelta(seconds=1))
    assert cartella.pk not in visible_pks(outsider)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("AMB_B", "solo all'ambito di cui fa parte il comune"),
        ("A2", "solo al comune che ha in carico la persona"),
        ("REG", "non può passare alla regione"),
    ],
)
def test_a_case_can_reach_only_its_own_ambito_and_come_back_only_to_its_comune(world, target, message):
    cartella = world.cartelle["A1"]
    with pytest.raises(ValidationError, match=message):
        cartella_move_ownership(
            cartella=cartella, to_ente=world.enti[target], by=world.user("A1", "assistente_sociale"), reason="prova"
        )
    cartella.refresh_from_db()
    assert cartella.owner_ente_id == world.enti["A1"].pk


def test_the_ambito_hands_the_case_back_to_the_comune(world):
    cartella = world.cartelle["AMB_A"]
    cartella_move_ownership(
        cartella=cartella, to_ente=world.enti["A1"], by=world.user("AMB_A", "ufficio_di_piano"), reason="fine fase"
    )
    assert cartella.pk in visible_pks(world.user("A1", "segretariato"))
    assert cartella.pk not in visible_pks(world.user("AMB_A", "ufficio_di_piano"))


def test_case_numbers_stay_unique_in_the_comune_after_a_transfer(world):
    """The case moved to the ambito keeps its number; the comune's next case must not reuse it."""
    manager = world.user("A1", "assistente_sociale")
    moved_number = world.cartelle["AMB_A"].numero
    new_case = cartella_open(assistito=world.assistiti["A1"], by=manager)
    assert new_case.numero != moved_number
    numbers = list(Cartella.objects.filter(numerata_da=world.enti["A1"]).values_list("numero", flat=True))
    assert len(numbers) == len(set(numbers))
