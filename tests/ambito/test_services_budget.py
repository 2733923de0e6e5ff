"""Ambito services and piano di zona budgets: capacity, priority, commitments computed from the cartelle, and an
over-commitment refused with a clear message and nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from cse.ambito import services
from cse.ambito.models import Assegnazione, DomandaServizio, Impegno, LineaBudget
from cse.cartella.actions.cartella import cartella_move_ownership, cartella_open
from cse.cartella.fasi import InterventoPianificato, Prestazione, VoceDiario
from cse.cartella.glossary import StatoCartella
from cse.cartella.models import Cartella
from cse.core.models import OutboxEvent
from tests.support.factories import register_person


def _ambito_case(world, cognome: str) -> Cartella:
    """Another Molfetta resident's case, owned by ambito A and at the project phase."""
    worker = world.user("A1", "assistente_sociale")
    person = register_person(world.enti["A1"], cognome=cognome, nome="Rosa", comune_residenza=world.enti["A1"].comune)
    case = cartella_open(assistito=person, by=worker)
    Cartella.objects.filter(pk=case.pk).update(stato=StatoCartella.PROGETTO)
    return cartella_move_ownership(cartella=case, to_ente=world.enti["AMB_A"], by=worker, reason="UVM")


def _counts():
    return (
        InterventoPianificato.objects.count(),
        Impegno.objects.count(),
        Assegnazione.objects.count(),
        VoceDiario.objects.count(),
        OutboxEvent.objects.count(),
        DomandaServizio.objects.filter(stato="in_attesa").count(),
    )


@pytest.fixture
def udp(world):
    return world.user("AMB_A", "ufficio_di_piano")


def test_over_commitment_is_refused_with_a_message_and_nothing_is_written(world, udp, client):
    servizio = world.servizi["AMB_A"]
    case = _ambito_case(world, "Amato")
    domanda = services.servizio_waitlist_add(servizio=servizio, cartella=case, priorita=2, motivazione="", by=udp)
    erogatore = servizio.erogatori.get()
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.servizio_assign(
            domanda=domanda, erogatore=erogatore, dal=date(2026, 3, 1), importo=Decimal("12000"), by=udp
        )
    assert exc.value.messages == [
        "Impegno rifiutato: sulla linea «Assistenza domiciliare — Fondo non autosufficienze (FNA) 2026» restano "
        "€ 10.000,00, l'impegno richiesto è di € 12.000,00. Nessun dato è stato registrato."
    ]
    assert _counts() == before
    # the same through the page: the message on the form, still nothing written
    client.force_login(udp)
    response = client.post(
        reverse("ambito:domanda_assegna", args=[domanda.pk]),
        {"erogatore": erogatore.pk, "dal": "2026-03-01", "importo": "12000"},
    )
    assert response.status_code == 200 and "Impegno rifiutato" in response.content.decode()
    assert _counts() == before
    # within the residual it goes through
    services.servizio_assign(
        domanda=domanda, erogatore=erogatore, dal=date(2026, 3, 1), importo=Decimal("10000"), by=udp
    )
    assert servizio.linea_budget.residuo() == Decimal("0")


def test_committed_and_liquidated_follow_the_cartelle(world, udp):
    servizio = world.servizi["AMB_A"]
    linea = servizio.linea_budget
    case = _ambito_case(world, "Bruno")
    domanda = services.servizio_waitlist_add(servizio=servizio, cartella=case, priorita=3, motivazione="", by=udp)
    assegnazione = services.servizio_assign(
        domanda=domanda, erogatore=servizio.erogatori.get(), dal=date(2026, 2, 1), importo=Decimal("2400"), by=udp
    )
    assert (linea.impegnato(), linea.liquidato(), linea.residuo()) == (Decimal("2400"), Decimal("0"), Decimal("7600"))
    # a prestazione paid in the cartella against that intervention is liquidated on the line
    Prestazione.objects.create(
        cartella=case,
        intervento=assegnazione.intervento,
        voce=assegnazione.intervento.voce,
        carattere=1,
        data_inizio=date(2026, 2, 1),
        quantita=20,
        unita="ore",
        importo=Decimal("450.50"),
        fonte="fna",
        erogatore="Cooperativa AMB_A",
    )
    assert linea.liquidato() == Decimal("450.50")
    # another ambito's line is untouched
    assert world.servizi["AMB_B"].linea_budget.impegnato() == Decimal("0")


def test_capacity_and_priority_of_the_waiting_list(world, udp):
    servizio = world.servizi["AMB_A"]  # 2 places, 10 000 €
    cases = [_ambito_case(world, name) for name in ("Carli", "Dota", "Esposito")]
    ordinary = services.servizio_waitlist_add(servizio=servizio, cartella=cases[0], priorita=3, motivazione="", by=udp)
    urgent = services.servizio_waitlist_add(servizio=servizio, cartella=cases[1], priorita=1, motivazione="", by=udp)
    third = services.servizio_waitlist_add(servizio=servizio, cartella=cases[2], priorita=2, motivazione="", by=udp)
    waiting = list(servizio.domande.filter(stato="in_attesa", cartella__in=cases))
    assert waiting == [urgent, third, ordinary]
    erogatore = servizio.erogatori.get()
    for domanda in (urgent, third):
        services.servizio_assign(
            domanda=domanda, erogatore=erogatore, dal=date(2026, 1, 1), importo=Decimal(100), by=udp
        )
    with pytest.raises(ValidationError, match="al completo \\(2 posti su 2\\)"):
        services.servizio_assign(
            domanda=ordinary, erogatore=erogatore, dal=date(2026, 1, 1), importo=Decimal(1), by=udp
        )
    with pytest.raises(ValidationError, match="già in lista d'attesa"):
        services.servizio_waitlist_add(servizio=servizio, cartella=cases[0], priorita=1, motivazione="", by=udp)


def test_only_the_ufficio_di_piano_of_the_ambito_manages_services_and_budget(world):
    servizio = world.servizi["AMB_A"]
    for user in (world.user("AMB_A", "coordinatore_uvm"), world.user("AMB_B", "ufficio_di_piano")):
        with pytest.raises(ValidationError):
            services.servizio_waitlist_add(
                servizio=servizio, cartella=world.cartelle["AMB_A"], priorita=1, motivazione="", by=user
            )
        with pytest.raises(ValidationError):
            services.budget_line_create(
                ambito=world.enti["AMB_A"], anno=2026, fonte="fnps", intervento_pdz="x", programmato=1, by=user
            )
    assert LineaBudget.objects.filter(ambito=world.enti["AMB_A"]).count() == 1


def test_budget_dashboard_shows_only_the_own_ambito_with_a_chart(world, client):
    client.force_login(world.user("AMB_B", "ufficio_di_piano"))
    LineaBudget.objects.create(
        ambito=world.enti["AMB_B"], anno=2026, fonte="pnrr", intervento_pdz="Housing first", programmato=5000
    )
    page = client.get(reverse("ambito:budget")).content.decode()
    assert "Housing first" in page and "<svg" in page and page.count("<rect") == 3 * 2
    assert page.count("Assistenza domiciliare") == 1  # its own FNA line only, not ambito A's


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_commitments_cannot_both_pass_the_residual_check(world, monkeypatch):
    """Each commitment reads the residual, then (slowly) writes; the row lock on the line makes the second wait and
    see the first one's commitment. Without select_for_update both would pass and over-commit the line."""
    import threading
    import time

    from django.db import connections

    from cse.cartella.fasi import VoceNomenclatore

    udp = world.user("AMB_A", "ufficio_di_piano")
    linea = world.servizi["AMB_A"].linea_budget  # 10 000 €
    interventi = [
        InterventoPianificato.objects.create(
            cartella=world.cartelle["AMB_A"], voce=VoceNomenclatore.objects.get(codice="A2.07")
        )
        for _ in range(2)
    ]
    original = LineaBudget.residuo

    def slow_residuo(self):
        value = original(self)
        time.sleep(0.5)  # widen the window between the check and the write
        return value

    monkeypatch.setattr(LineaBudget, "residuo", slow_residuo)
    outcomes = []
    barrier = threading.Barrier(2)

    def commit(intervento):
        barrier.wait()
        try:
            services.budget_commit(intervento=intervento, linea=linea, importo=Decimal("6000"), by=udp)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=(i,)) for i in interventi]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[-1] == "ok" and sorted(outcomes)[0].startswith("Impegno rifiutato: sulla linea")
    assert Impegno.objects.filter(linea=linea).count() == 1
    assert original(LineaBudget.objects.get(pk=linea.pk)) == Decimal("4000")


def test_a_service_that_realises_a_leps_tags_the_intervention_it_creates(world, udp):
    servizio = world.servizi["AMB_A"]
    type(servizio).objects.filter(pk=servizio.pk).update(tipo="pronto_intervento")
    servizio.refresh_from_db()
    case = _ambito_case(world, "Ferrante")
    domanda = services.servizio_waitlist_add(servizio=servizio, cartella=case, priorita=1, motivazione="", by=udp)
    assegnazione = services.servizio_assign(
        domanda=domanda, erogatore=servizio.erogatori.get(), dal=date(2026, 2, 1), importo=Decimal("100"), by=udp
    )
    assert assegnazione.intervento.modulo_leps == "A1"  # pronto intervento sociale: SIOSS module A1
    event = OutboxEvent.objects.filter(event_type="cartella.intervento_pianificato").latest("id")
    assert event.payload["modulo_leps"] == "A1"
