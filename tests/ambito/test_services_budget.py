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
from tests.support.ambito import sad_service
from tests.support.factories import OperatoreFactory, register_person
from tests.support.places import foreign_ambito, home_ambito, home_comune


def _ambito_case(worker, cognome: str) -> Cartella:
    """Another Molfetta resident's case, opened by the comune's `worker`, owned by the ambito, at the project phase."""
    comune = home_comune()
    person = register_person(comune, cognome=cognome, nome="Rosa", comune_residenza=comune.comune)
    case = cartella_open(assistito=person, by=worker)
    Cartella.objects.filter(pk=case.pk).update(stato=StatoCartella.PROGETTO)
    return cartella_move_ownership(cartella=case, to_ente=home_ambito(), by=worker, reason="UVM")


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
def ambito(db):
    return home_ambito()


@pytest.fixture
def worker(ambito):
    """A social worker of Molfetta, a comune of the ambito, who opens the cases the ambito takes over."""
    return OperatoreFactory(ente=home_comune(), ruolo="assistente_sociale")


@pytest.fixture
def udp(ambito):
    return OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")


def test_over_commitment_is_refused_with_a_message_and_nothing_is_written(ambito, worker, udp, client):
    servizio = sad_service(ambito)
    case = _ambito_case(worker, "Amato")
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


def test_committed_and_liquidated_follow_the_cartelle(ambito, worker, udp):
    other_line = sad_service(foreign_ambito()).linea_budget
    servizio = sad_service(ambito)
    linea = servizio.linea_budget
    case = _ambito_case(worker, "Bruno")
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
    assert other_line.impegnato() == Decimal("0")


def test_capacity_and_priority_of_the_waiting_list(ambito, worker, udp):
    servizio = sad_service(ambito)  # 2 places, 10 000 €
    cases = [_ambito_case(worker, name) for name in ("Carli", "Dota", "Esposito")]
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


def test_only_the_ufficio_di_piano_of_the_ambito_manages_services_and_budget(ambito, worker):
    servizio = sad_service(ambito)
    case = _ambito_case(worker, "Galli")
    coordinator = OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm")
    other_udp = OperatoreFactory(ente=foreign_ambito(), ruolo="ufficio_di_piano")
    for user in (coordinator, other_udp):
        with pytest.raises(ValidationError):
            services.servizio_waitlist_add(servizio=servizio, cartella=case, priorita=1, motivazione="", by=user)
        with pytest.raises(ValidationError):
            services.budget_line_create(
                ambito=ambito, anno=2026, fonte="fnps", intervento_pdz="x", programmato=1, by=user
            )
    assert LineaBudget.objects.filter(ambito=ambito).count() == 1


def test_budget_dashboard_shows_only_the_own_ambito_with_a_chart(ambito, client):
    sad_service(ambito)  # the home ambito's FNA line, which the other ambito must not see
    other_ambito = foreign_ambito()
    sad_service(other_ambito)  # its own FNA line
    client.force_login(OperatoreFactory(ente=other_ambito, ruolo="ufficio_di_piano"))
    LineaBudget.objects.create(
        ambito=other_ambito, anno=2026, fonte="pnrr", intervento_pdz="Housing first", programmato=5000
    )
    page = client.get(reverse("ambito:budget")).content.decode()
    assert "Housing first" in page and '<svg role="img"' in page and page.count("<rect") == 3 * 2
    assert page.count("Assistenza domiciliare") == 1  # its own FNA line only, not the home ambito's


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_commitments_cannot_both_pass_the_residual_check(monkeypatch):
    """Each commitment reads the residual, then (slowly) writes; the row lock on the line makes the second wait and
    see the first one's commitment. Without select_for_update both would pass and over-commit the line."""
    import threading
    import time

    from django.db import connections

    from cse.cartella.fasi import VoceNomenclatore

    ambito = home_ambito()
    udp = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")
    linea = sad_service(ambito).linea_budget  # 10 000 €
    case = _ambito_case(OperatoreFactory(ente=home_comune(), ruolo="assistente_sociale"), "Gallo")
    interventi = [
        InterventoPianificato.objects.create(cartella=case, voce=VoceNomenclatore.objects.get(codice="A2.07"))
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


def test_a_service_that_realises_a_leps_tags_the_intervention_it_creates(ambito, worker, udp):
    servizio = sad_service(ambito)
    type(servizio).objects.filter(pk=servizio.pk).update(tipo="pronto_intervento")
    servizio.refresh_from_db()
    case = _ambito_case(worker, "Ferrante")
    domanda = services.servizio_waitlist_add(servizio=servizio, cartella=case, priorita=1, motivazione="", by=udp)
    assegnazione = services.servizio_assign(
        domanda=domanda, erogatore=servizio.erogatori.get(), dal=date(2026, 2, 1), importo=Decimal("100"), by=udp
    )
    assert assegnazione.intervento.modulo_leps == "A1"  # pronto intervento sociale: SIOSS module A1
    event = OutboxEvent.objects.filter(event_type="cartella.intervento_pianificato").latest("id")
    assert event.payload["modulo_leps"] == "A1"
