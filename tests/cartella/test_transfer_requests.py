"""Transfer of ownership as a request workflow: the comune asks, the Ufficio di Piano accepts or returns it with
a reason, the ambito hands the case back. Every step leaves history, diario and an outbox event; refusals write
nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse.cartella import trasferimento as t
from cse.cartella.actions.cartella import cartella_open, cartella_reopen
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
from cse.core.permissions import forget_cached_capabilities
from tests.support.ambito import ambito_case
from tests.support.ambito_work import pending_transfer
from tests.support.factories import (
    AmbitoEnteFactory,
    ComuneEnteFactory,
    OperatoreFactory,
    register_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def udp(ambito):
    """The ambito's Ufficio di Piano, which decides on transfers."""
    return OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")


def _visible(user, cap="view_persone"):
    """What the operator sees on their next request (each request starts from a fresh identity)."""
    forget_cached_capabilities(user)
    return set(Cartella.objects.visible_to(user, cap).values_list("pk", flat=True))


def _events(cartella):
    return list(
        OutboxEvent.objects.filter(aggregate_id=cartella.pk).order_by("sequence").values_list("event_type", flat=True)
    )


def test_request_accept_and_hand_back(ambito, comune, worker, case, udp):
    cartella = case
    manager = worker
    richiesta = trasferimento_request(cartella=cartella, motivo="Bisogno complesso: serve la UVM", by=manager)
    assert richiesta.stato == StatoTrasferimento.RICHIESTO and richiesta.ambito == ambito
    cartella.refresh_from_db()
    assert cartella.owner_ente == comune  # nothing moves until the UdP accepts
    assert _events(cartella)[-1] == "cartella.trasferimento_richiesto"

    trasferimento_accept(richiesta=richiesta, by=udp)
    cartella.refresh_from_db()
    assert cartella.owner_ente == ambito
    assert cartella.pk in _visible(udp, "manage_cartelle")
    assert cartella.pk in _visible(manager) and cartella.pk not in _visible(manager, "manage_cartelle")  # équipe
    assert cartella.pk not in _visible(OperatoreFactory(ente=comune, ruolo="segretariato"))
    assert _events(cartella)[-1] == "cartella.titolarita_trasferita"

    richiesta.refresh_from_db()
    trasferimento_hand_back(richiesta=richiesta, by=udp, motivo="Fase complessa conclusa")
    cartella.refresh_from_db()
    richiesta.refresh_from_db()
    assert cartella.owner_ente == comune and richiesta.stato == StatoTrasferimento.RICONSEGNATO
    assert cartella.pk in _visible(manager, "manage_cartelle")
    assert cartella.pk not in _visible(udp)
    diario = list(VoceDiario.objects.filter(cartella=cartella).values_list("testo", flat=True))
    assert any("Chiesto il trasferimento" in d for d in diario)
    assert any("ha accettato il trasferimento" in d for d in diario)
    assert any("riconsegnata" in d and "Fase complessa conclusa" in d for d in diario)
    stati = [h.stato for h in richiesta.history.order_by("history_id")]
    assert stati == ["richiesto", "accettato", "riconsegnato"]


def test_the_udp_returns_the_request_with_a_reason_and_the_case_stays(comune, worker, case, udp):
    cartella = case
    richiesta = pending_transfer(case, by=worker)  # pending, asked by the case manager
    with pytest.raises(ValidationError) as exc:
        trasferimento_reject(richiesta=richiesta, by=udp, motivo=" ")
    assert "Indicare la motivazione." in exc.value.messages
    trasferimento_reject(richiesta=richiesta, by=udp, motivo="Manca la valutazione del comune")
    cartella.refresh_from_db()
    richiesta.refresh_from_db()
    assert cartella.owner_ente == comune and richiesta.stato == StatoTrasferimento.RESPINTO
    assert richiesta.motivo_decisione == "Manca la valutazione del comune"
    assert _events(cartella)[-1] == "cartella.trasferimento_respinto"
    # a returned request can be followed by a new one
    trasferimento_request(cartella=cartella, motivo="di nuovo", by=worker)


def test_a_non_resident_case_never_reaches_the_ambito(ambito, comune, worker):
    elsewhere = ComuneEnteFactory().comune  # a comune of another ambito
    person = register_person(comune, cognome="Fiore", nome="Sara", comune_residenza=elsewhere)
    manager = worker
    cartella = cartella_open(assistito=person, by=manager)
    before = (RichiestaTrasferimento.objects.count(), VoceDiario.objects.count(), OutboxEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        trasferimento_request(cartella=cartella, motivo="complesso", by=manager)
    assert "fuori dai comuni dell'ambito" in exc.value.messages[0]
    assert (RichiestaTrasferimento.objects.count(), VoceDiario.objects.count(), OutboxEvent.objects.count()) == before
    # and the low-level move refuses it as well
    from cse.cartella.actions.cartella import cartella_move_ownership

    with pytest.raises(ValidationError):
        cartella_move_ownership(cartella=cartella, to_ente=ambito, by=manager, reason="x")


def test_only_the_ufficio_di_piano_of_that_ambito_accepts(ambito, comune, worker, case):
    cartella = case
    richiesta = trasferimento_request(cartella=cartella, motivo="complesso", by=worker)
    for user in (
        OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm"),
        OperatoreFactory(ente=ambito, ruolo="assistente_sociale"),
        OperatoreFactory(ente=comune, ruolo="responsabile"),
        OperatoreFactory(ente=AmbitoEnteFactory(), ruolo="ufficio_di_piano"),  # another ambito's
    ):
        with pytest.raises(ValidationError) as exc:
            trasferimento_accept(richiesta=richiesta, by=user)
        assert exc.value.messages == ["Solo l'Ufficio di Piano dell'ambito può accettare il trasferimento."]
    cartella.refresh_from_db()
    richiesta.refresh_from_db()
    assert cartella.owner_ente == comune and richiesta.stato == StatoTrasferimento.RICHIESTO


def test_refusals_of_the_request_itself(ambito, comune, worker, case):
    cartella = case
    neighbour_worker = OperatoreFactory(ente=ComuneEnteFactory(ambito=ambito), ruolo="assistente_sociale")
    with pytest.raises(ValidationError, match="Solo il servizio sociale del comune"):
        trasferimento_request(cartella=cartella, motivo="x", by=neighbour_worker)
    with pytest.raises(ValidationError, match="Solo il servizio sociale del comune"):
        trasferimento_request(cartella=cartella, motivo="x", by=OperatoreFactory(ente=comune, ruolo="segretariato"))
    with pytest.raises(ValidationError):
        trasferimento_request(cartella=cartella, motivo="  ", by=worker)
    trasferimento_request(cartella=cartella, motivo="x", by=worker)
    with pytest.raises(ValidationError, match="già una richiesta"):
        trasferimento_request(cartella=cartella, motivo="y", by=worker)
    with pytest.raises(ValidationError, match="già in titolarità"):
        trasferimento_request(cartella=ambito_case(case.assistito, by=worker), motivo="y", by=worker)


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


def test_a_case_closed_after_the_request_cannot_be_accepted_and_nothing_is_written(comune, worker, case, udp):
    manager = worker
    richiesta = trasferimento_request(cartella=case, motivo="Caso complesso", by=manager)
    cartella = _close_after_access(case, by=manager)
    before = _written(cartella)
    with pytest.raises(ValidationError) as exc:
        trasferimento_accept(richiesta=richiesta, by=udp, nota="presa in carico")
    assert exc.value.messages[0].startswith("La cartella è stata chiusa dopo la richiesta")
    assert _written(cartella) == before
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RICHIESTO and cartella.owner_ente == comune
    # the Ufficio di Piano can still clear it by returning it to the comune
    trasferimento_reject(richiesta=richiesta, by=udp, motivo="Cartella chiusa dal comune")


def test_a_case_closed_and_reopened_at_the_ambito_is_handed_back_with_all_its_episodes(
    ambito, comune, worker, case, udp, client
):
    from cse.core.roles import TipoEnte

    manager = worker
    ambito_worker = OperatoreFactory(ente=ambito, ruolo="assistente_sociale")
    richiesta = trasferimento_request(cartella=case, motivo="Caso complesso", by=manager)
    trasferimento_accept(richiesta=richiesta, by=udp)
    closed = _close_after_access(Cartella.objects.get(pk=case.pk), by=ambito_worker)
    reopened = cartella_reopen(cartella=closed, by=ambito_worker)
    assert reopened.owner_ente == ambito

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
        assert episode.owner_ente == comune and episode.owner_ente.tipo == TipoEnte.COMUNE
        assert episode.pk in _visible(manager) and episode.pk not in _visible(udp)
        assert VoceDiario.objects.filter(cartella=episode, testo__startswith="Titolarità riconsegnata").exists()
    assert reopened.pk in _visible(manager, "manage_cartelle")
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RICONSEGNATO
    # a comune's episode inherits nothing: the comune may ask again for it
    assert t.open_transfer(reopened) is None
