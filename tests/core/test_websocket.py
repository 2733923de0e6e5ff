"""Websockets pass the same authentication gate as HTTP (cse/core/websocket.py) on the production ASGI stack:
every route of cse/routing.py refuses a password-only session where the second factor is required and accepts a
verified one; an open socket closes within moments of logout (4401), idle expiry (4401), deactivation (4403),
the revocation of the role (4403) or of a grant (4403), and of the deletion of the OTP device (4401).

Event-driven closures run with a recheck interval of an hour: only the gate event can have closed the socket."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cse.core.gate import CLOSE_NOT_AUTHENTICATED, CLOSE_NOT_AUTHORISED
from cse.core.models import Incarico
from cse.core.services import ente_for_comune, incarico_revoke
from cse.routing import websocket_urlpatterns
from tests.support.factories import ComuneFactory, ensure_reference_data, make_operator
from tests.support.ws import closed_with, connect, session_key_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EVENTS_ONLY = 3600  # seconds between periodic rechecks in the event tests: longer than any test


def _path(route: str, kwargs: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


def _targets() -> dict:
    """route -> (a user who may open it, its URL kwargs). A new route without an entry fails the walk below."""
    from tests.support.ambito_work import uvm_session
    from tests.support.factories import CartellaFactory, OperatoreFactory, make_sportello
    from tests.support.places import case_moved_to_ambito, home_ambito, home_comune, resident

    ensure_reference_data()  # a transactional test before this one may have flushed the nomenclatore
    comune = home_comune()
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    ambito_case = case_moved_to_ambito(CartellaFactory(assistito=resident(comune), by=worker), by=worker)
    coordinator = OperatoreFactory(ente=home_ambito(), ruolo="coordinatore_uvm")
    return {
        "ws/uvm/<int:pk>/": (coordinator, {"pk": uvm_session(ambito_case, coordinator=coordinator).pk}),
        "ws/agenda/<int:sportello_id>/": (
            OperatoreFactory(ente=comune, ruolo="segretariato"),
            {"sportello_id": make_sportello(comune).pk},
        ),
        "ws/scadenze/": (worker, {}),
    }


def test_every_route_refuses_password_only_sessions_and_accepts_verified_ones(db, settings):
    settings.CSE_REQUIRE_OTP = True
    targets = _targets()
    routes = [str(p.pattern) for p in websocket_urlpatterns]
    assert routes and set(routes) <= set(targets), f"rotte websocket senza caso di prova: {set(routes) - set(targets)}"
    answers = {}

    async def walk():
        for route in routes:
            user, kwargs = targets[route]
            path = _path(route, kwargs)
            _, anonymous, anonymous_code = await connect(path, None)
            _, password_only, password_only_code = await connect(path, user, verified=False)
            socket, verified, _ = await connect(path, user, verified=True)
            if verified:
                await socket.disconnect()
            answers[route] = (anonymous, anonymous_code, password_only, password_only_code, verified)

    async_to_sync(walk)()
    expected = (False, CLOSE_NOT_AUTHENTICATED, False, CLOSE_NOT_AUTHENTICATED, True)
    assert answers == dict.fromkeys(routes, expected)


# --- closures ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def agenda():
    """A comune's front office and its segretariato operator (MANAGE_AGENDA there), with a live agenda socket path."""
    from cse.cittadino.agenda import Sportello
    from cse.cittadino.glossary import TipoSportello

    ente = ente_for_comune(ComuneFactory())
    sportello = Sportello.objects.create(
        ente=ente, tipo=TipoSportello.SEGRETARIATO, nome="Segretariato", indirizzo="Piazza Municipio 1"
    )
    user = make_operator(ente, "segretariato")
    return SimpleNamespace(ente=ente, user=user, path=f"/ws/agenda/{sportello.pk}/")


def _closes_after(path: str, session_key: str, action) -> int | None:
    """Open the socket, run `action` (sync, in a thread, as a view or the admin would), return the close code."""

    async def conversation():
        socket, connected, _ = await connect(path, session_key=session_key)
        assert connected
        await database_sync_to_async(action)()
        return await closed_with(socket)

    return async_to_sync(conversation)()


def test_logout_closes_the_socket(agenda, settings):
    settings.CSE_WS_RECHECK_SECONDS = EVENTS_ONLY
    key = session_key_for(agenda.user)

    def logout():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        assert client.post(reverse("logout")).status_code == 302

    assert _closes_after(agenda.path, key, logout) == CLOSE_NOT_AUTHENTICATED


def test_idle_expiry_closes_the_socket_at_the_next_recheck(agenda, settings):
    settings.CSE_WS_RECHECK_SECONDS = 0.5
    key = session_key_for(agenda.user)

    def expire():  # the idle window ran out: the session row's expiry is in the past
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))

    assert _closes_after(agenda.path, key, expire) == CLOSE_NOT_AUTHENTICATED


def test_deactivating_the_operator_closes_the_socket(agenda, settings):
    settings.CSE_WS_RECHECK_SECONDS = EVENTS_ONLY

    def deactivate():
        agenda.user.is_active = False
        agenda.user.save()

    assert _closes_after(agenda.path, session_key_for(agenda.user), deactivate) == CLOSE_NOT_AUTHORISED


def test_revoking_the_role_closes_the_socket(agenda, settings):
    settings.CSE_WS_RECHECK_SECONDS = EVENTS_ONLY

    def revoke():
        incarico_revoke(incarico=Incarico.objects.get(operatore__user=agenda.user))

    assert _closes_after(agenda.path, session_key_for(agenda.user), revoke) == CLOSE_NOT_AUTHORISED


def test_removing_a_grant_closes_the_socket(agenda, settings):
    """An operator of another comune watching this agenda through a direct grant: the grant goes, the socket too
    (the operator keeps an incarico elsewhere, so the gate passes and the consumer's own check refuses)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from cse.core.models import Ente, EnteUserObjectPermission

    settings.CSE_WS_RECHECK_SECONDS = EVENTS_ONLY
    helper = make_operator(ente_for_comune(ComuneFactory()), "segretariato")
    grant = EnteUserObjectPermission.objects.create(
        user=helper,
        permission=Permission.objects.get(
            codename="manage_agenda", content_type=ContentType.objects.get_for_model(Ente)
        ),
        content_object=agenda.ente,
    )
    assert _closes_after(agenda.path, session_key_for(helper), grant.delete) == CLOSE_NOT_AUTHORISED


def test_deleting_the_otp_device_closes_a_verified_socket(agenda, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.CSE_REQUIRE_OTP = True
    settings.CSE_WS_RECHECK_SECONDS = EVENTS_ONLY
    key = session_key_for(agenda.user, verified=True)

    def delete_device():
        TOTPDevice.objects.get(user=agenda.user).delete()

    assert _closes_after(agenda.path, key, delete_device) == CLOSE_NOT_AUTHENTICATED


def test_a_socket_the_gate_still_allows_stays_open_and_receives(agenda, settings):
    """The recheck loop runs (short interval) and leaves a valid socket alone: it still gets the agenda's news."""
    from channels.layers import get_channel_layer

    from cse.cittadino.notify import agenda_group

    settings.CSE_WS_RECHECK_SECONDS = 0.2
    sportello_id = int(agenda.path.rstrip("/").rsplit("/", 1)[1])
    key = session_key_for(agenda.user)

    async def conversation():
        socket, connected, _ = await connect(agenda.path, session_key=key)
        assert connected
        for _ in range(3):  # several recheck intervals pass between the messages
            await get_channel_layer().group_send(
                agenda_group(sportello_id), {"type": "agenda.changed", "evento": "richiesta", "prenotazione": 1}
            )
            assert await socket.receive_json_from(timeout=10) == {"evento": "richiesta", "prenotazione": 1}
            assert await socket.receive_nothing(timeout=0.5)
        await socket.disconnect()

    async_to_sync(conversation)()
