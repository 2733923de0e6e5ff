"""The ambito pages refuse with reasons and write nothing: a non-resident's transfer, an acceptance by someone who is
not the Ufficio di Piano, a budget commitment above the residual; scale forms compute the score, never take it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cse.ambito import services
from cse.ambito.models import Impegno, LineaBudget, ValutazioneScala
from cse.cartella.actions.cartella import cartella_open
from cse.cartella.fasi import InterventoPianificato, VoceDiario, VoceNomenclatore
from cse.cartella.glossary import StatoTrasferimento
from cse.cartella.models import Cartella, RichiestaTrasferimento
from cse.core.models import OutboxEvent
from tests.support.factories import register_person


def _writes():
    return (
        RichiestaTrasferimento.objects.count(),
        VoceDiario.objects.count(),
        OutboxEvent.objects.count(),
        Impegno.objects.count(),
    )


def test_the_transfer_of_a_non_resident_is_refused_on_the_page(world, client):
    worker = world.user("A1", "assistente_sociale")
    person = register_person(world.enti["A1"], cognome="Fiore", nome="Sara", comune_residenza=world.enti["B1"].comune)
    case = cartella_open(assistito=person, by=worker)
    before = _writes()
    client.force_login(worker)
    response = client.post(reverse("locale:trasferimento", args=[case.pk]), {"motivo": "complesso"})
    assert response.status_code == 200
    assert "fuori dai comuni dell&#x27;ambito" in response.content.decode()
    assert _writes() == before
    assert Cartella.objects.get(pk=case.pk).owner_ente == world.enti["A1"]


@pytest.mark.parametrize(
    ("ente", "ruolo"), [("AMB_A", "coordinatore_uvm"), ("AMB_A", "assistente_sociale"), ("A2", "responsabile")]
)
def test_acceptance_by_someone_other_than_the_ufficio_di_piano_is_refused(world, client, ente, ruolo):
    richiesta = world.richieste["A2"]
    before = _writes()
    client.force_login(world.user(ente, ruolo))
    response = client.post(reverse("ambito:trasferimento", args=[richiesta.pk]), {"decisione": "accetta"})
    assert response.status_code == 200
    assert "Solo l&#x27;Ufficio di Piano dell&#x27;ambito può accettare il trasferimento." in response.content.decode()
    assert _writes() == before
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RICHIESTO
    assert richiesta.cartella.owner_ente == world.enti["A2"]


def test_returning_a_request_needs_a_reason(world, client):
    richiesta = world.richieste["A2"]
    client.force_login(world.user("AMB_A", "ufficio_di_piano"))
    response = client.post(reverse("ambito:trasferimento", args=[richiesta.pk]), {"decisione": "respingi"})
    assert "Indicare la motivazione." in response.content.decode()
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoTrasferimento.RICHIESTO


def test_committing_an_existing_intervention_above_the_residual_writes_nothing(world):
    udp = world.user("AMB_A", "ufficio_di_piano")
    case = world.cartelle["AMB_A"]
    intervento = InterventoPianificato.objects.create(
        cartella=case, voce=VoceNomenclatore.objects.get(codice="A2.07"), importo_previsto=Decimal("15000")
    )
    linea = LineaBudget.objects.get(ambito=world.enti["AMB_A"])
    before = _writes()
    with pytest.raises(Exception, match="restano € 10.000,00, l'impegno richiesto è di € 15.000,00"):
        services.budget_commit(intervento=intervento, linea=linea, importo=Decimal("15000"), by=udp)
    assert _writes() == before
    services.budget_commit(intervento=intervento, linea=linea, importo=Decimal("9999.99"), by=udp)
    assert linea.residuo() == Decimal("0.01")


def test_the_scale_page_has_no_score_field_and_computes_it(world, client):
    sessione = world.sessioni["AMB_A"]
    client.force_login(world.user("AMB_A", "coordinatore_uvm"))
    url = reverse("ambito:uvm_scala", args=[sessione.pk, "vulnerabilita_sociale"])
    assert 'name="punteggio"' not in client.get(url).content.decode()
    answers = {"rete": "2", "abitazione": "1", "reddito": "2", "isolamento": "0", "carico_cura": "1"}
    client.post(url, answers | {"punteggio": "15"})
    valutazione = ValutazioneScala.objects.get(sessione=sessione)
    assert (valutazione.punteggio, valutazione.fascia) == (6, "Vulnerabilità media")
    # an unknown scale code is simply not found
    assert client.get(reverse("ambito:uvm_scala", args=[sessione.pk, "inventata"])).status_code == 404


def test_session_lists_show_only_what_the_user_may_open(world, client, monkeypatch):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    sessione = world.sessioni["AMB_A"]
    asl = get_user_model().objects.create_user("asl.neurologo")
    services.uvm_member_add(
        sessione=sessione,
        by=world.user("AMB_A", "coordinatore_uvm"),
        tipo="asl",
        user=asl,
        accesso_fino_al=timezone.now() + timedelta(hours=1),
    )
    link = reverse("ambito:uvm", args=[sessione.pk])
    for user, sees in (
        (world.user("AMB_A", "ufficio_di_piano"), True),
        (asl, True),
        (world.user("AMB_B", "coordinatore_uvm"), False),
        (world.user("A1", "assistente_sociale"), False),
    ):
        client.force_login(user)
        assert (link in client.get(reverse("ambito:uvm_list")).content.decode()) == sees, user
    client.force_login(asl)
    assert reverse("ambito:uvm_list") in client.get(reverse("home")).content.decode()
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert link not in client.get(reverse("ambito:uvm_list")).content.decode()
