"""Transfer of ownership as a request workflow: the comune asks, the Ufficio di Piano accepts or returns it with
a reason, the ambito hands the case back. Every step leaves history, diario and an outbox event; refusals write
nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse.cartella import trasferimento as t
from cse.cartella.actions.cartella import cartella_open
from cse.cartella.actions.trasferimento import (
    trasferimento_accept,
    trasferimento_hand_back,
    trasferimento_reject,
    trasferimento_request,
)
from cse.cartella.fasi import VoceDiario
from cse.cartella.glossary import StatoTrasferimento
from cse.cartella.models import Cartella, CartellaUserObjectPermission, RichiestaTrasferimento
from cse.core.models import OutboxEvent
from tests.support.factories import register_person


def _visible(user, cap="view_persone"):
    return set(Cartella.objects.visible_to(user, cap).values_list("pk", flat=True))


def _events(cartella):
    return list(
        OutboxEvent.objects.filter(aggregate_id=cartella.pk).order_by("sequence").values_list("event_type", flat=True)
    )


def test_request_accept_and_hand_back(world):
    cartella = world.cartelle["A1"]
    manager = world.user("A1", "assistente_sociale")
    udp = world.user("AMB_A", "ufficio_di_piano")
    richiesta = trasferimento_request(cartella=cartella, motivo="Bisogno complesso: serve la UVM", by=manager)
    assert richiesta.stato == StatoTrasferimento.RICHIESTO and richiesta.ambito == world.enti["AMB_A"]
    cartella.refresh_from_db()
    assert cartella.owner_ente == world.enti["A1"]  # nothing moves until the UdP accepts
    assert _events(cartella)[-1] == "cartella.trasferimento_richiesto"

    trasferimento_accept(richiesta=richiesta, by=udp)
    cartella.refresh_from_db()
    assert cartella.owner_ente == world.enti["AMB_A"]
    assert cartella.pk in _visible(udp, "manage_cartelle")
    assert cartella.pk in _visible(manager) and cartella.pk not in _visible(manager, "manage_cartelle")  # équipe
    assert cartella.pk not in _visible(world.user("A1", "segretariato"))
    assert _events(cartella)[-1] == "cartella.titolarita_trasferita"

    richiesta.refresh_from_db()
    trasferimento_hand_back(richiesta=richiesta, by=udp, motivo="Fase complessa conclusa")
    cartella.refresh_from_db()
    richiesta.refresh_from_db()
    assert cartella.owner_ente == world.enti["A1"] and richiesta.stato == StatoTrasferimento.RICONSEGNATO
    assert cartella.pk in _visible(manager, "manage_cartelle")
    assert cartella.pk not in _visible(udp)
    diario = list(VoceDiario.objects.filter(cartella=cartella).values_list("testo", flat=True))
    assert any("Chiesto il trasferimento" in d for d in diario)
    assert any("ha accettato il trasferimento" in d for d in diario)
    assert any("riconsegnata" in d and "Fase complessa conclusa" in d for d in diario)
    stati = [h.stato for h in richiesta.history.order_by("history_id")]
    assert stati == ["richiesto", "accettato", "riconsegnato"]


def test_the_udp_returns_the_request_with_a_reason_and_the_case_stays(world):
    cartella = world.cartelle["A2"]
    richiesta = world.richieste["A2"]  # pending, asked by A2's case manager
    with pytest.raises(ValidationError) as exc:
        trasferimento_reject(richiesta=richiesta, by=world.user("AMB_A", "ufficio_di_piano"), motivo=" ")
    assert "Indicare la motivazione." in exc.value.messages
    trasferimento_reject(
        richiesta=richiesta, by=world.user("AMB_A", "ufficio_di_piano"), motivo="Manca la valutazione del comune"
    )
    cartella.refresh_from_db()
    richiesta.refresh_from_db()
    assert cartella.owner_ente == world.enti["A2"] and richiesta.stato == StatoTrasferimento.RESPINTO
    assert richiesta.motivo_decisione == "Manca la valutazione del comune"
    assert _events(cartella)[-1] == "cartella.trasferimento_respinto"
    # a returned request can be followed by a new one
    trasferimento_request(cartella=cartella, motivo="di nuovo", by=world.user("A2", "assistente_sociale"))


def test_a_non_resident_case_never_reaches_the_ambito(world):
    altamura = world.enti["B1"].comune
    person = register_person(world.enti["A1"], cognome="Fiore", nome="Sara", comune_residenza=altamura)
    manager = world.user("A1", "assistente_sociale")
    cartella = cartella_open(assistito=person, by=manager)
    before = (RichiestaTrasferimento.objects.count(), VoceDiario.objects.count(), OutboxEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        trasferimento_request(cartella=cartella, motivo="complesso", by=manager)
    assert "fuori dai comuni dell'ambito" in exc.value.messages[0]
    assert (RichiestaTrasferimento.objects.count(), VoceDiario.objects.count(), OutboxEvent.objects.count()) == before
    # and the low-level move refuses it as well
    from cse.cartella.actions.cartella import cartella_move_ownership

    with pytest.raises(ValidationError):
        cartella_move_ownership(cartella=cartella, to_ente=world.enti["AMB_A"], by=manager, reason="x")


def test_only_the_ufficio_di_piano_of_that_ambito_accepts(world):
    cartella = world.cartelle["A1"]
    richiesta = trasferimento_request(cartella=cartella, motivo="complesso", by=world.user("A1", "assistente_sociale"))
    for user in (
        world.user("AMB_A", "coordinatore_uvm"),
        world.user("AMB_A", "assistente_sociale"),
        world.user("A1", "responsabile"),
        world.user("AMB_B", "ufficio_di_piano"),
    ):
        with pytest.raises(ValidationError) as exc:
            trasferimento_accept(richiesta=richiesta, by=user)
        assert exc.value.messages == ["Solo l'Ufficio di Piano dell'ambito può accettare il trasferimento."]
    cartella.refresh_from_db()
    richiesta.refresh_from_db()
    assert cartella.owner_ente == world.enti["A1"] and richiesta.stato == StatoTrasferimento.RICHIESTO


def test_refusals_of_the_request_itself(world):
    cartella = world.cartelle["A1"]
    with pytest.raises(ValidationError, match="Solo il servizio sociale del comune"):
        trasferimento_request(cartella=cartella, motivo="x", by=world.user("A2", "assistente_sociale"))
    with pytest.raises(ValidationError, match="Solo il servizio sociale del comune"):
        trasferimento_request(cartella=cartella, motivo="x", by=world.user("A1", "segretariato"))
    with pytest.raises(ValidationError):
        trasferimento_request(cartella=cartella, motivo="  ", by=world.user("A1", "assistente_sociale"))
    trasferimento_request(cartella=cartella, motivo="x", by=world.user("A1", "assistente_sociale"))
    with pytest.raises(ValidationError, match="già una richiesta"):
        trasferimento_request(cartella=cartella, motivo="y", by=world.user("A1", "assistente_sociale"))
    with pytest.raises(ValidationError, match="già in titolarità"):
        trasferimento_request(cartella=world.cartelle["AMB_A"], motivo="y", by=world.user("A1", "assistente_sociale"))


def _close_after_access(cartella, *, by):
    """Information only: the access ends and the case is closed (the front desk's short path)."""
    from cse.cartella.actions.cartella import cartella_transition
    from cse.cartella.actions.fasi import phase_record_save

    data = {"canale": "spontaneo", "richiesta": "Informazioni", "area": "poverta", "esito": "informazione"}
    phase_record_save(cartella=cartella, record="scheda_accesso", data=data, by=by, version=None)
    phase_record_save(
        cartella=cartella,
        record="chiusura",
        data={"motivo": "informazione", "esito_obiettivi": "non_applicabile"},
        by=by,
        version=None,
    )
    return cartella_transition(cartella=cartella, target="chiusa", by=by)


def _written(cartella):
    return (
        RichiestaTrasferimento.objects.count(),
        RichiestaTrasferimento.history.count(),
        VoceDiario.objects.count(),
        OutboxEvent.objects.count(),
        CartellaUserObjectPermission.objects.count(),
        Cartella.history.count(),
        tuple(Cartella.objects.filter(pk=cartella.pk).values_list("owner_ente_id", "stato", "version").get()),
    )


def test_a_case_closed_after_the_request_cannot_be_accepted_and_nothing_is_written(world):
    manager = world.user("A1", "assistente_sociale")
    udp = world.user("AMB_A", "ufficio_di_piano")
    richiesta = trasferimento_request(cartella=world.cartelle["A1"], motivo="Caso complesso", by=manager)
    cartella = _close_after_access(world.cartelle["A1"], by=manager)
    before = _written(cartella)
    with pytest.raises(ValidationError) as exc:
        trasferimento_accept(richiesta=richiesta, by=udp, nota="presa in carico")
    assert exc.value.messages[0].startswith("La cartella è stata chiusa dopo la richiesta")
    assert _written(cartella) == before
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RICHIESTO and cartella.owner_ente == world.enti["A1"]
    # the Ufficio di Piano can still clear it by returning it to the comune
    trasferimento_reject(richiesta=richiesta, by=udp, motivo="Cartella chiusa dal comune")


def test_a_case_closed_and_reopened_at_the_ambito_is_handed_back_with_all_its_episodes(world, client):
    from cse.cartella.actions.cartella import cartella_reopen
    from cse.core.roles import TipoEnte

    manager = world.user("A1", "assistente_sociale")
    udp = world.user("AMB_A", "ufficio_di_piano")
    ambito_worker = world.user("AMB_A", "assistente_sociale")
    richiesta = trasferimento_request(cartella=world.cartelle["A1"], motivo="Caso complesso", by=manager)
    trasferimento_accept(richiesta=richiesta, by=udp)
    closed = _close_after_access(Cartella.objects.get(pk=world.cartelle["A1"].pk), by=ambito_worker)
    reopened = cartella_reopen(cartella=closed, by=ambito_worker)
    assert reopened.owner_ente == world.enti["AMB_A"]

    # the new episode inherits the accepted transfer: the ambito's page offers the hand-back
    assert t.open_transfer(reopened) == richiesta
    assert [s.target for s in t.ambito_steps(t.open_transfer(reopened), udp)] == [StatoTrasferimento.RICONSEGNATO]
    client.force_login(udp)
    page = client.get(reverse("ambito:cartella_detail", kwargs={"pk": reopened.pk})).content.decode()
    assert reverse("ambito:trasferimento", kwargs={"pk": richiesta.pk}) in page

    richiesta.refresh_from_db()
    trasferimento_hand_back(richiesta=richiesta, by=udp, motivo="Fase complessa conclusa")
    for episode in (closed, reopened):
        episode.refresh_from_db()
        assert episode.owner_ente == world.enti["A1"] and episode.owner_ente.tipo == TipoEnte.COMUNE
        assert episode.pk in _visible(manager) and episode.pk not in _visible(udp)
        assert VoceDiario.objects.filter(cartella=episode, testo__startswith="Titolarità riconsegnata").exists()
    assert reopened.pk in _visible(manager, "manage_cartelle")
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RICONSEGNATO
    # a comune's episode inherits nothing: the comune may ask again for it
    assert t.open_transfer(reopened) is None
