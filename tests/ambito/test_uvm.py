"""UVM: scores computed from answers, external members with time-limited access, refusals, and the live board's
websocket joined only through the permission layer (other ambito, comune operators, expired members → refused)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cse.ambito import services
from cse.ambito.scale import KATZ_ADL, LAWTON_IADL, SCALES, VULNERABILITA_SOCIALE
from cse.ambito.selectors import sessione_visible
from tests.support.ambito import ambito_case
from tests.support.ambito_work import uvm_session
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import foreign_ambito, home_ambito, home_comune, neighbour_comune
from tests.support.ws import RECEIVE_TIMEOUT, closed_with, connect


@pytest.fixture
def ambito(db):
    return home_ambito()


@pytest.fixture
def comune(ambito):
    return home_comune()


@pytest.fixture
def worker(comune):
    """The comune's social worker, case manager of the person's cases."""
    return OperatoreFactory(ente=comune, ruolo="assistente_sociale")


@pytest.fixture
def coordinator(ambito):
    return OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm")


@pytest.fixture
def case(comune, worker):
    return CartellaFactory(assistito__ente=comune, by=worker)


@pytest.fixture
def case_at_ambito(worker, case):
    """The person's case handed to the ambito (the comune's case manager keeps équipe access)."""
    return ambito_case(case.assistito, by=worker)


@pytest.mark.parametrize(
    ("scala", "answers", "expected"),
    [
        (
            KATZ_ADL,
            dict.fromkeys(("bagno", "vestirsi", "toilette", "spostamenti", "continenza", "alimentazione"), "1"),
            (6, "Piena autonomia"),
        ),
        (
            KATZ_ADL,
            {
                "bagno": "0",
                "vestirsi": "0",
                "toilette": "1",
                "spostamenti": "0",
                "continenza": "0",
                "alimentazione": "1",
            },
            (2, "Compromissione funzionale grave"),
        ),
        (
            LAWTON_IADL,
            {
                "telefono": "3",
                "spesa": "1",
                "pasti": "2",
                "casa": "4",
                "bucato": "2",
                "trasporti": "3",
                "farmaci": "1",
                "denaro": "2",
            },
            (7, "Autonomia nelle attività strumentali"),
        ),
        (
            VULNERABILITA_SOCIALE,
            {"rete": "3", "abitazione": "2", "reddito": "3", "isolamento": "1", "carico_cura": "3"},
            (12, "Vulnerabilità alta"),
        ),
    ],
)
def test_scores_are_computed_from_the_answers(scala, answers, expected):
    assert scala.punteggio(answers) == expected


def test_every_scale_band_covers_its_whole_range_once():
    for scala in SCALES.values():
        covered = [n for f in scala.fasce for n in range(f.minimo, f.massimo + 1)]
        assert covered == list(range(scala.massimo + 1)), scala.codice


def test_missing_or_foreign_answers_are_refused():
    with pytest.raises(ValidationError) as exc:
        KATZ_ADL.punteggio({"bagno": "1", "vestirsi": "7", "extra": "1"})
    errors = exc.value.message_dict
    assert "Rispondere alla voce «Vestirsi»." in errors["vestirsi"] and "toilette" in errors and "__all__" in errors


@pytest.fixture
def sessione(case_at_ambito, coordinator):
    return uvm_session(case_at_ambito, coordinator=coordinator)


@pytest.fixture
def asl_user(db):
    return get_user_model().objects.create_user("asl.psicologa", first_name="Paola", last_name="Nitti")


def test_an_external_member_needs_a_future_expiry_and_sees_only_that_session(
    ambito, coordinator, case_at_ambito, sessione, asl_user
):
    coordinatore = coordinator
    with pytest.raises(ValidationError):
        services.uvm_member_add(sessione=sessione, by=coordinatore, tipo="asl", user=asl_user, accesso_fino_al=None)
    with pytest.raises(ValidationError):
        past = timezone.now() - timedelta(minutes=1)
        services.uvm_member_add(sessione=sessione, by=coordinatore, tipo="asl", user=asl_user, accesso_fino_al=past)
    assert sessione_visible(asl_user, sessione.pk) is None
    services.uvm_member_add(
        sessione=sessione,
        by=coordinatore,
        tipo="asl",
        user=asl_user,
        accesso_fino_al=timezone.now() + timedelta(days=1),
    )
    assert sessione_visible(asl_user, sessione.pk) == sessione
    # only UVM coordinators of that ambito convene or add members
    udp = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")
    other_coordinator = OperatoreFactory(ente=foreign_ambito(), ruolo="coordinatore_uvm")
    for user in (udp, other_coordinator):
        with pytest.raises(ValidationError):
            services.uvm_member_add(sessione=sessione, by=user, tipo="familiare", nome="Figlio")
        with pytest.raises(ValidationError):
            services.uvm_convene(cartella=case_at_ambito, by=user, data=timezone.now(), luogo="Sede")


def test_a_session_needs_a_place_or_a_video_link_and_only_on_ambito_cases(coordinator, case, case_at_ambito):
    coordinatore = coordinator
    with pytest.raises(ValidationError, match="luogo della riunione o il collegamento video"):
        services.uvm_convene(cartella=case_at_ambito, by=coordinatore, data=timezone.now())
    with pytest.raises(ValidationError, match="titolarità dell'ambito"):
        services.uvm_convene(cartella=case, by=coordinatore, data=timezone.now(), luogo="Sede")


def test_the_verbale_closes_only_with_decisions_and_then_is_frozen(coordinator, sessione):
    coordinatore = coordinator
    with pytest.raises(ValidationError, match="Registrare le decisioni"):
        services.uvm_close(sessione=sessione, by=coordinatore)
    services.uvm_update_minutes(sessione=sessione, by=coordinatore, ordine_del_giorno="", decisioni="SAD", version=None)
    services.uvm_close(sessione=sessione, by=coordinatore)
    with pytest.raises(ValidationError, match="verbale non si modifica più"):
        services.uvm_scale_record(sessione=sessione, scala="katz_adl", risposte={}, by=coordinatore)


# --- websocket --------------------------------------------------------------------------------------------------------


async def _connect(user, pk: int):
    return await connect(f"/ws/uvm/{pk}/", user)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_board_websocket_joins_only_through_the_permission_layer(
    ambito, worker, coordinator, sessione, asl_user, monkeypatch, settings
):
    """One event loop for the whole conversation (the in-memory channel layer lives on it); DB work in threads.
    The gate's periodic recheck is tested in tests/core/test_websocket.py; here it stays out of the clock jump."""
    settings.CSE_WS_RECHECK_SECONDS = 3600
    coordinatore = coordinator
    services.uvm_member_add(
        sessione=sessione,
        by=coordinatore,
        tipo="asl",
        user=asl_user,
        accesso_fino_al=timezone.now() + timedelta(hours=1),
    )
    refused = [
        OperatoreFactory(ente=foreign_ambito(), ruolo="ufficio_di_piano"),
        OperatoreFactory(ente=foreign_ambito(), ruolo="coordinatore_uvm"),
        worker,  # équipe grant on the case, but not a member of the UVM
        OperatoreFactory(ente=neighbour_comune(), ruolo="responsabile"),
        OperatoreFactory(ente=ambito, ruolo="amministratore_ente"),
    ]
    udp_user = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")

    async def conversation():
        for user in refused:
            _, connected, code = await _connect(user, sessione.pk)
            assert (connected, code) == (False, 4404), user
        # a session that does not exist answers the same way
        assert (await _connect(coordinatore, 99_999_999))[1:] == (False, 4404)

        member, connected, _ = await _connect(asl_user, sessione.pk)
        assert connected
        udp, connected, _ = await _connect(udp_user, sessione.pk)
        assert connected
        await sync_to_async(services.uvm_update_minutes)(
            sessione=sessione, by=coordinatore, ordine_del_giorno="Caso", decisioni="Attivare il SAD", version=None
        )
        for communicator in (member, udp):
            message = await communicator.receive_json_from(timeout=RECEIVE_TIMEOUT)
            assert message["type"] == "board" and "Attivare il SAD" in message["html"]

        # two hours later the external member's access has expired: no more updates, the socket is closed
        later = timezone.now() + timedelta(hours=2)
        monkeypatch.setattr(timezone, "now", lambda: later)
        await get_channel_layer().group_send(sessione.group_name, {"type": "board.changed", "sessione": sessione.pk})
        assert "Attivare" in (await udp.receive_json_from(timeout=RECEIVE_TIMEOUT))["html"]
        assert await closed_with(member) == 4404
        assert (await _connect(asl_user, sessione.pk))[1:] == (False, 4404)
        await udp.disconnect()

    async_to_sync(conversation)()


def test_a_comune_social_worker_added_as_member_reads_the_case_and_the_session(comune, coordinator, sessione):
    other = OperatoreFactory(ente=comune, ruolo="responsabile")  # not the case manager: no équipe grant so far
    assert sessione_visible(other, sessione.pk) is None
    services.uvm_member_add(sessione=sessione, by=coordinator, tipo="operatore_comune", user=other)
    assert sessione_visible(other, sessione.pk) == sessione
    from cse.cartella.models import Cartella

    assert Cartella.objects.visible_to(other).filter(pk=sessione.cartella_id).exists()
    assert not Cartella.objects.visible_to(other, "manage_cartelle").filter(pk=sessione.cartella_id).exists()


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("ambito:uvm_membro", {"tipo": "nessuno", "nome": "Mario Rossi"}),
        ("ambito:uvm_membro", {"tipo": "asl", "utente": "non.esiste", "accesso_fino_al": "9999-99-99T99:99"}),
        ("ambito:uvm_verbale", {"ordine_del_giorno": "x", "decisioni": "y", "version": "-1e309"}),
    ],
)
def test_a_refused_board_form_is_shown_again_with_its_errors_and_nothing_written(
    coordinator, sessione, client, route, data
):
    """The board re-rendered a refused form by passing it twice (TypeError, a 500)."""
    from django.urls import reverse

    client.force_login(coordinator)
    membri, version = sessione.membri.count(), sessione.version
    response = client.post(reverse(route, kwargs={"pk": sessione.pk}), data)
    assert response.status_code == 200
    assert b"is-invalid" in response.content
    sessione.refresh_from_db()
    assert (sessione.membri.count(), sessione.version) == (membri, version)


def test_the_uvm_forms_cancel_back_to_where_they_came_from(client, coordinator, sessione):
    """A `javascript:` link is a script the Content-Security-Policy blocks: «Annulla» must be a real address."""
    client.force_login(coordinator)
    pages = {
        reverse("ambito:uvm_nuova", args=[sessione.cartella_id]): reverse(
            "ambito:cartella_detail", args=[sessione.cartella_id]
        ),
        reverse("ambito:uvm_scala", args=[sessione.pk, "katz_adl"]): reverse("ambito:uvm", args=[sessione.pk]),
    }
    for form_url, back in pages.items():
        page = client.get(form_url).content.decode()
        assert f'href="{back}">Annulla</a>' in page and "javascript:" not in page, form_url
