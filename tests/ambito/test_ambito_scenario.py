"""The issue's scenario through the pages: the comune asks for a transfer → the Ufficio di Piano accepts → UVM with an
external ASL member → verbale PDF → progetto personalizzato → service assignment → the budget residual goes down →
ownership goes back to the comune. Then time passes and the ASL member's access has expired: 404 everywhere."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cse.ambito.models import Assegnazione, Impegno, MembroUVM, SessioneUVM
from cse.cartella.actions.cartella import cartella_open, cartella_transition
from cse.cartella.actions.fasi import phase_record_save
from cse.cartella.fasi import InterventoPianificato, VoceDiario
from cse.cartella.glossary import StatoCartella as S
from cse.cartella.models import Cartella
from cse.cartella.regional_events import build_regional_event
from cse.core.models import AccessLog, OutboxEvent
from tests.support.ambito import sad_service
from tests.support.factories import AssistitoFactory, OperatoreFactory
from tests.support.places import home_ambito, home_comune


def _in_valutazione(comune, worker) -> Cartella:
    """A case of Molfetta already taken into care by the comune (access done, assessment under way)."""
    case = cartella_open(assistito=AssistitoFactory(ente=comune), by=worker)
    phase_record_save(
        cartella=case,
        record="scheda_accesso",
        by=worker,
        version=None,
        data={"canale": "spontaneo", "richiesta": "Non riesce più a vivere da solo", "area": "anziani"},
    )
    phase_record_save(
        cartella=case, record="scheda_accesso", by=worker, version=None, data={"esito": "presa_in_carico"}
    )
    return cartella_transition(cartella=case, target=S.VALUTAZIONE, by=worker)


@pytest.fixture
def asl_doctor(db):
    """An ASL professional: a named account with no role in any ente (reaches only what a UVM grants)."""
    return get_user_model().objects.create_user("dr.asl.geriatra", first_name="Elena", last_name="Marzano")


def _as(client, user):
    client.force_login(user)
    return client


def test_transfer_uvm_project_service_budget_and_hand_back(client, asl_doctor, monkeypatch):
    ambito, comune = home_ambito(), home_comune()
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    udp = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")
    coordinatore = OperatoreFactory(ente=ambito, ruolo="coordinatore_uvm")
    servizio = sad_service(ambito, nome="SAD Molfetta")  # with a 10.000 euro budget line and one provider
    case = _in_valutazione(comune, worker)

    # 1. the comune's case manager asks for the transfer, with a reason
    page = _as(client, worker).get(reverse("locale:cartella_detail", args=[case.pk])).content.decode()
    assert "Chiedi il trasferimento all'ambito" in page
    response = client.post(reverse("locale:trasferimento", args=[case.pk]), {"motivo": "Serve la UVM con l'ASL"})
    assert response.status_code == 302
    richiesta = case.trasferimenti.get()

    # 2. the Ufficio di Piano sees it in its inbox and accepts
    assert case.numero in _as(client, udp).get(reverse("ambito:trasferimenti")).content.decode()
    response = client.post(reverse("ambito:trasferimento", args=[richiesta.pk]), {"decisione": "accetta", "motivo": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner_ente == ambito
    assert client.get(reverse("ambito:cartella_detail", args=[case.pk])).status_code == 200

    # 3. the coordinator convenes the UVM and adds the ASL geriatrician with access for two hours, and the family
    _as(client, coordinatore)
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("ambito:uvm_nuova", args=[case.pk]),
        {"data": when, "luogo": "", "link_video": "https://video.example.invalid/uvm-1", "ordine_del_giorno": "Caso"},
    )
    sessione = SessioneUVM.objects.get(cartella=case)
    assert response.status_code == 302 and response["Location"] == reverse("ambito:uvm", args=[sessione.pk])
    until = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("ambito:uvm_membro", args=[sessione.pk]),
        {"tipo": "asl", "utente": asl_doctor.username, "qualifica": "Geriatra, ASL BA", "accesso_fino_al": until},
    )
    client.post(reverse("ambito:uvm_membro", args=[sessione.pk]), {"tipo": "familiare", "nome": "Figlia (caregiver)"})
    assert sessione.membri.count() == 3
    external = sessione.membri.get(user=asl_doctor)
    assert external.accesso_fino_al is not None

    # the ASL member reaches the board and the case (read only), and records their own attendance
    _as(client, asl_doctor)
    assert client.get(reverse("ambito:uvm", args=[sessione.pk])).status_code == 200
    assert client.get(reverse("locale:cartella_detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("locale:valutazione", args=[case.pk])).status_code == 404  # no write access
    client.post(reverse("ambito:uvm_presenza", args=[external.pk]), {"presente": "1"})
    external.refresh_from_db()
    assert external.presente is True

    # 4. the assessment: answers in, scores computed (4 of 6 ADL independent; 2 of 8 IADL)
    _as(client, coordinatore)
    adl = {"bagno": "0", "vestirsi": "1", "toilette": "1", "spostamenti": "1", "continenza": "1", "alimentazione": "0"}
    client.post(reverse("ambito:uvm_scala", args=[sessione.pk, "katz_adl"]), adl)
    iadl = {"telefono": "1", "spesa": "4", "pasti": "4", "casa": "5", "bucato": "3", "trasporti": "5"}
    iadl |= {"farmaci": "2", "denaro": "2"}
    client.post(reverse("ambito:uvm_scala", args=[sessione.pk, "lawton_iadl"]), iadl)
    scores = {v.scala: (v.punteggio, v.fascia) for v in sessione.valutazioni.all()}
    assert scores == {
        "katz_adl": (4, "Compromissione funzionale moderata"),
        "lawton_iadl": (2, "Dipendenza grave nelle attività strumentali"),
    }
    client.post(
        reverse("ambito:uvm_verbale", args=[sessione.pk]),
        {"ordine_del_giorno": "Caso", "decisioni": "SAD 6 ore/settimana", "version": sessione.version},
    )

    # 5. the verbale as PDF, access-logged
    pdf = client.get(reverse("ambito:uvm_pdf", args=[sessione.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(user=coordinatore, azione=AccessLog.Azione.PDF, oggetto_id=sessione.pk).exists()

    # 6. the progetto personalizzato with its budget di progetto
    response = client.post(
        reverse("ambito:uvm_progetto", args=[sessione.pk]),
        {
            "obiettivi": "Permanenza a domicilio in sicurezza",
            "interventi": "SAD, sollievo al caregiver",
            "referente": "A.S. dell'ambito",
            "durata_mesi": "12",
            "data_verifica": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "budget-TOTAL_FORMS": "3",
            "budget-INITIAL_FORMS": "0",
            "budget-0-fonte": "fna",
            "budget-0-descrizione": "SAD",
            "budget-0-importo": "3000",
            "budget-1-fonte": "utente",
            "budget-1-descrizione": "Compartecipazione",
            "budget-1-importo": "400",
        },
    )
    assert response.status_code == 302
    assert sessione.progetto.budget_totale == Decimal("3400.00")

    # 7. the ambito works the case in the shared case workspace: assessment done, on to the project
    phase_record_save(
        cartella=case,
        record="valutazione",
        by=udp,
        version=None,
        data={"economica": 1, "abitativa": 1, "salute": 3, "familiare": 2, "lavoro": 0, "gravita": 3}
        | {"urgenza": "prioritaria", "giudizio": "Non autosufficienza, caregiver esausta"},
    )
    case.refresh_from_db()
    step = {"target": "progetto", "version": case.version}
    _as(client, udp).post(reverse("locale:transizione", args=[case.pk]), step)
    case.refresh_from_db()
    assert case.stato == S.PROGETTO

    # 8. waiting list and assignment: an intervention appears in the case, the budget residual goes down
    linea = servizio.linea_budget
    assert linea.residuo() == Decimal("10000")
    client.post(reverse("ambito:servizio", args=[servizio.pk]), {"cartella": case.pk, "priorita": "1"})
    domanda = servizio.domande.get(cartella=case)
    response = client.post(
        reverse("ambito:domanda_assegna", args=[domanda.pk]),
        {"erogatore": servizio.erogatori.get().pk, "dal": timezone.localdate().isoformat(), "importo": "3000"},
    )
    assert response.status_code == 302
    intervento = InterventoPianificato.objects.get(cartella=case)
    assert (intervento.voce.codice, intervento.importo_previsto, intervento.fonte) == ("A2.07", Decimal("3000"), "fna")
    assert Impegno.objects.get(intervento=intervento).linea == linea
    assert Assegnazione.objects.get(cartella=case).erogatore.denominazione == "Cooperativa SAD Molfetta"
    linea.refresh_from_db()
    assert linea.residuo() == Decimal("7000") and linea.impegnato() == Decimal("3000")
    assert "7.000,00" in client.get(reverse("ambito:budget")).content.decode()

    # 9. the complex phase is over: the ambito hands the case back to Molfetta
    richiesta.refresh_from_db()
    client.post(reverse("ambito:trasferimento", args=[richiesta.pk]), {"motivo": "Progetto avviato, torna al comune"})
    case.refresh_from_db()
    assert case.owner_ente == comune
    assert _as(client, worker).get(reverse("locale:valutazione", args=[case.pk])).status_code == 200
    diario = " | ".join(VoceDiario.objects.filter(cartella=case).values_list("testo", flat=True))
    for step in ("Chiesto il trasferimento", "accettato il trasferimento", "Convocata la UVM", "ADL", "Assegnata al"):
        assert step in diario
    assert "Titolarità riconsegnata" in diario
    events = set(OutboxEvent.objects.filter(aggregate_id=case.pk).values_list("event_type", flat=True))
    assert {"cartella.trasferimento_richiesto", "cartella.titolarita_trasferita", "cartella.uvm_convocata"} <= events
    # every event of the case passes the regional allow-list schema (no names, no free text leave the tier)
    for event in OutboxEvent.objects.filter(aggregate_type="cartella.cartella", aggregate_id=case.pk):
        regional = build_regional_event(event)
        assert "Serve la UVM" not in str(regional) and "Figlia" not in str(regional)

    # 10. three hours later the ASL member's access has expired: everything answers 404
    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    _as(client, asl_doctor)
    for url in (
        reverse("ambito:uvm", args=[sessione.pk]),
        reverse("ambito:uvm_pdf", args=[sessione.pk]),
        reverse("locale:cartella_detail", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("ambito:uvm_presenza", args=[external.pk]), {"presente": "0"}).status_code == 404
    assert MembroUVM.objects.get(pk=external.pk).presente is True
