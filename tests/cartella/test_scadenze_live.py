"""The header's live counter: through the authentication gate, the number of the operator's overdue and due-today
deadlines among the cases they may see, pushed again when one of them changes; a foreign comune's deadlines never
count, even when they name the foreign operator's own id in the group."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.utils import timezone

from cse.cartella.actions.scadenze import scadenza_add, scadenza_close
from cse.core.codelists.scadenze import TipoScadenza
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import foreign_comune, resident
from tests.support.ws import RECEIVE_TIMEOUT, connect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _add(case, by, days):
    return scadenza_add(
        cartella=case,
        tipo=TipoScadenza.PROMEMORIA,
        due=timezone.localdate() + timedelta(days=days),
        by=by,
        gia_scaduta=days < 0,
    )


def test_the_counter_counts_my_overdue_and_todays_and_follows_each_change(case, worker):
    _add(case, worker, -3)
    _add(case, worker, 5)  # next week: not in the counter

    async def scenario():
        socket, connected, _ = await connect("/ws/scadenze/", worker)
        first = await socket.receive_json_from(timeout=RECEIVE_TIMEOUT)
        today = await database_sync_to_async(_add)(case, worker, 0)
        second = await socket.receive_json_from(timeout=RECEIVE_TIMEOUT)
        await database_sync_to_async(scadenza_close)(scadenza=today, by=worker, transition="fatta")
        third = await socket.receive_json_from(timeout=RECEIVE_TIMEOUT)
        await socket.disconnect()
        return connected, [first, second, third]

    connected, messages = async_to_sync(scenario)()
    assert connected
    assert messages == [{"scadenze": 1}, {"scadenze": 2}, {"scadenze": 1}]


def test_a_foreign_operator_never_counts_another_comunes_deadlines(case, worker):
    abroad = foreign_comune()
    stranger = OperatoreFactory(ente=abroad, ruolo="assistente_sociale")
    _add(CartellaFactory(assistito=resident(abroad), by=stranger), stranger, -1)  # the stranger's own: counted
    _add(case, worker, -1)  # ours: never

    async def scenario():
        socket, connected, _ = await connect("/ws/scadenze/", stranger)
        first = await socket.receive_json_from(timeout=RECEIVE_TIMEOUT)
        await database_sync_to_async(_add)(case, worker, -2)
        nothing = await socket.receive_nothing(timeout=0.5)
        await socket.disconnect()
        return connected, first, nothing

    connected, first, nothing = async_to_sync(scenario)()
    assert connected and first == {"scadenze": 1} and nothing


def test_without_a_session_or_a_case_role_the_socket_is_refused(comune):
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")

    async def scenario():
        _, anonymous_ok, _ = await connect("/ws/scadenze/", None)
        _, admin_ok, _ = await connect("/ws/scadenze/", admin)
        return anonymous_ok, admin_ok

    assert async_to_sync(scenario)() == (False, False)
