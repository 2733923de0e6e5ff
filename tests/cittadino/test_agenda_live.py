"""The live agenda's websocket: only operators holding MANAGE_AGENDA in the office's comune join its group, and a
citizen's booking reaches them."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from cse.cittadino.selectors import free_slots
from cse.cittadino.services import prenotazione_create
from tests.support.agenda import booking_kwargs
from tests.support.factories import OperatoreFactory, make_sportello
from tests.support.ws import RECEIVE_TIMEOUT, connect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


async def _connect(user, sportello_id):
    communicator, connected, _ = await connect(f"/ws/agenda/{sportello_id}/", user)
    return communicator, connected


def test_only_the_comunes_front_office_joins_and_receives_bookings(comune, other_comune):
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    front_desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    foreign_front_desk = OperatoreFactory(ente=other_comune, ruolo="segretariato")
    sportello = make_sportello(comune)
    slot_id = free_slots(sportello).first().pk

    async def scenario():
        own, own_ok = await _connect(front_desk, sportello.pk)
        _, foreign_ok = await _connect(foreign_front_desk, sportello.pk)
        _, social_worker_ok = await _connect(worker, sportello.pk)
        _, missing_ok = await _connect(front_desk, 99_999_999)
        booking = await database_sync_to_async(prenotazione_create)(slot_id=slot_id, **booking_kwargs(comune))
        message = await own.receive_json_from(timeout=RECEIVE_TIMEOUT)
        await own.disconnect()
        return (own_ok, foreign_ok, social_worker_ok, missing_ok), booking, message

    joined, booking, message = async_to_sync(scenario)()
    assert joined == (True, False, False, False)
    assert message == {"evento": "richiesta", "prenotazione": booking.pk}
