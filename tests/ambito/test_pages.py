"""The ambito pages refuse with reasons and write nothing: a non-resident's transfer, an acceptance by someone who is
not the Ufficio di Piano, a budget commitment above the residual; scale forms compute the score, never take it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cse.ambito import services
from cse.ambito.models import Impegno, ValutazioneScala
from cse.cartella.actions.cartella import cartella_open
from cse.cartella.fasi import InterventoPianificato, VoceDiario, VoceNomenclatore
from cse.cartella.glossary import StatoTrasferimento
from cse.cartella.models import Cartella, RichiestaTrasferimento
from cse.core.models import OutboxEvent
from tests.support.ambito import ambito_case, sad_service
from tests.support.ambito_work import pending_transfer, uvm_session
from tests.support.factories import CartellaFactory, OperatoreFactory, register_person
from tests.support.places import foreign_ambito, foreign_comune, home_ambito, home_comune, neighbour_comune

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambito():
    return home_ambito()


@pytest.fixture
def comune(ambito):
    return home_comune()


@pytest.fixture
def worker(comune):
    """The comune's social worker, case manager of the person's cases."""
    return OperatoreFactory(ente=comune, ruolo="assistente_sociale")


@pytest.fixture
def case_at_ambito(comune, worker):
    """A case the comune handed to the ambito (its worker keeps équipe access)."""
    return ambito_case(CartellaFactory(assistito__ente=comune, by=worker).assistito, by=worker)


@pytest.fixture
def coordinator(ambito):
    return OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm")


@pytest.fixture
def udp(ambito):
    return OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")


@pytest.fixture
def neighbour_request(ambito):
    """A neighbour comune (same ambito) asked the ambito to take one of its cases: pending."""
    neighbour = neighbour_comune()
    neighbour_worker = OperatoreFactory(ente=neighbour, ruolo="assistente_sociale")
    return pending_transfer(CartellaFactory(assistito__ente=neighbour, by=neighbour_worker), by=neighbour_worker)


def _writes():
    return (
        RichiestaTrasferimento.objects.count(),
        VoceDiario.objects.count(),
        OutboxEvent.objects.count(),
        Impegno.objects.count(),
    )


def test_the_transfer_of_a_non_resident_is_refused_on_the_page(comune, worker, client):
    elsewhere = foreign_comune().comune  # a comune of another ambito
    person = register_person(comune, cognome="Fiore", nome="Sara", comune_residenza=elsewhere)
    case = cartella_open(assistito=person, by=worker)
    before = _writes()
    client.force_login(worker)
    response = client.post(reverse("locale:trasferimento", args=[case.pk]), {"motivo": "complesso"})
    assert response.status_code == 200
    assert "fuori dai comuni dell&#x27;ambito" in response.content.decode()
    assert _writes() == before
    assert Cartella.objects.get(pk=case.pk).owner_ente == comune


@pytest.mark.parametrize(
    ("ente", "ruolo"),
    [("ambito", "coordinatore_uvm"), ("ambito", "assistente_sociale"), ("neighbour_comune", "responsabile")],
)
def test_acceptance_by_someone_other_than_the_ufficio_di_piano_is_refused(
    ambito, neighbour_request, client, ente, ruolo
):
    richiesta = neighbour_request
    user = OperatoreFactory(ente=ambito if ente == "ambito" else richiesta.comune, ruolo=ruolo)
    before = _writes()
    client.force_login(user)
    response = client.post(reverse("ambito:trasferimento", args=[richiesta.pk]), {"decisione": "accetta"})
    assert response.status_code == 200
    assert "Solo l&#x27;Ufficio di Piano dell&#x27;ambito può accettare il trasferimento." in response.content.decode()
    assert _writes() == before
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RICHIESTO
    assert richiesta.cartella.owner_ente == richiesta.comune


def test_returning_a_request_needs_a_reason(neighbour_request, udp, client):
    richiesta = neighbour_request
    client.force_login(udp)
    response = client.post(reverse("ambito:trasferimento", args=[richiesta.pk]), {"decisione": "respingi"})
    assert "Indicare la motivazione." in response.content.decode()
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RICHIESTO


def test_returning_a_request_asks_for_confirmation_first_keeping_the_reason(neighbour_request, udp, client):
    richiesta = neighbour_request
    client.force_login(udp)
    url = reverse("ambito:trasferimento", args=[richiesta.pk])
    decision = {"decisione": "respingi", "motivo": "Manca la valutazione sociale del comune"}

    asked = client.post(url, decision)

    page = asked.content.decode()
    assert "Confermare l'operazione" in page and "resterà in titolarità del comune" in page
    assert "Manca la valutazione sociale del comune" in page  # the form is not lost
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RICHIESTO
    client.post(url, {**decision, "conferma": "1"})
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RESPINTO


def test_committing_an_existing_intervention_above_the_residual_writes_nothing(ambito, udp, case_at_ambito):
    case = case_at_ambito
    linea = sad_service(ambito).linea_budget  # 10.000 euro programmed
    intervento = InterventoPianificato.objects.create(
        cartella=case, voce=VoceNomenclatore.objects.get(codice="A2.07"), importo_previsto=Decimal("15000")
    )
    before = _writes()
    with pytest.raises(Exception, match="restano € 10.000,00, l'impegno richiesto è di € 15.000,00"):
        services.budget_commit(intervento=intervento, linea=linea, importo=Decimal("15000"), by=udp)
    assert _writes() == before
    services.budget_commit(intervento=intervento, linea=linea, importo=Decimal("9999.99"), by=udp)
    assert linea.residuo() == Decimal("0.01")


def test_the_scale_page_has_no_score_field_and_computes_it(case_at_ambito, coordinator, client):
    sessione = uvm_session(case_at_ambito, coordinator=coordinator)
    client.force_login(coordinator)
    url = reverse("ambito:uvm_scala", args=[sessione.pk, "vulnerabilita_sociale"])
    assert 'name="punteggio"' not in client.get(url).content.decode()
    answers = {"rete": "2", "abitazione": "1", "reddito": "2", "isolamento": "0", "carico_cura": "1"}
    client.post(url, answers | {"punteggio": "15"})
    valutazione = ValutazioneScala.objects.get(sessione=sessione)
    assert (valutazione.punteggio, valutazione.fascia) == (6, "Vulnerabilità media")
    # an unknown scale code is simply not found
    assert client.get(reverse("ambito:uvm_scala", args=[sessione.pk, "inventata"])).status_code == 404


def test_session_lists_show_only_what_the_user_may_open(worker, case_at_ambito, coordinator, udp, client, monkeypatch):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    sessione = uvm_session(case_at_ambito, coordinator=coordinator)
    asl = get_user_model().objects.create_user("asl.neurologo")
    services.uvm_member_add(
        sessione=sessione,
        by=coordinator,
        tipo="asl",
        user=asl,
        accesso_fino_al=timezone.now() + timedelta(hours=1),
    )
    link = reverse("ambito:uvm", args=[sessione.pk])
    for user, sees in (
        (udp, True),
        (asl, True),
        (OperatoreFactory(ente=foreign_ambito(), ruolo="coordinatore_uvm"), False),
        (worker, False),  # équipe access to the case, not a member of the session
    ):
        client.force_login(user)
        assert (link in client.get(reverse("ambito:uvm_list")).content.decode()) == sees, user
    client.force_login(asl)
    assert reverse("ambito:uvm_list") in client.get(reverse("home")).content.decode()
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert link not in client.get(reverse("ambito:uvm_list")).content.decode()
