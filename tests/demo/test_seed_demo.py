import pytest
from codicefiscale import codicefiscale
from django.core.management import call_command

from cse.bandi.models import Domanda, Provvedimento
from cse.cartella.consensi import Consenso
from cse.cartella.identity import codice_fiscale_problems
from cse.cartella.models import Assistito, Cartella, CartellaUserObjectPermission, RichiestaApprovazione
from cse.cartella.relay import RELAYED_AGGREGATE_TYPES
from cse.core.models import Ente, Incarico, OutboxEvent
from cse.core.roles import ROLES_BY_TIPO_ENTE, TipoEnte
from cse.regionale.models import PrestazioneSiuss, ValoreLeps
from interop.simulators.oidc import DEMO_CITIZEN

DEMO_CF = DEMO_CITIZEN["https://attributes.eid.gov.it/fiscal_number"].removeprefix("TINIT-")


@pytest.mark.django_db(databases=["default", "regionale"])
def test_seed_demo_builds_the_region_and_is_idempotent(capsys):
    call_command("seed_demo", "--scale", "120")
    first = capsys.readouterr().out
    assert "Demo-CSE-2026!" in first and "molfetta.assistente_sociale" in first
    counts = (Assistito.objects.count(), Cartella.objects.count(), Incarico.objects.count(), Ente.objects.count())
    call_command("seed_demo", "--scale", "120", "--quiet-logins")
    assert (
        Assistito.objects.count(),
        Cartella.objects.count(),
        Incarico.objects.count(),
        Ente.objects.count(),
    ) == counts
    # 120 synthetic people, the citizen the SPID/CIE simulator logs in, and the beneficiary of last year's contributo,
    # registered when their first instalment was paid (a contributo makes them a beneficiary of the service), and a
    # possible duplicate: one of them registered again without codice fiscale (cse/demo/doppioni.py)
    assert counts[0] == 123
    assert Ente.objects.filter(tipo=TipoEnte.AMBITO).count() == 2
    assert Ente.objects.filter(tipo=TipoEnte.COMUNE).count() == 8
    for tipo, roles in ROLES_BY_TIPO_ENTE.items():
        assert set(Incarico.objects.filter(ente__tipo=tipo).values_list("ruolo", flat=True)) == set(roles)
    assert Cartella.objects.filter(owner_ente__tipo=TipoEnte.AMBITO).count() == 1
    # the regional tier has something to show: delivered prestazioni relayed and derived, once
    delivered = OutboxEvent.objects.filter(event_type="cartella.prestazione_erogata").count()
    assert delivered > 10 and PrestazioneSiuss.objects.count() == delivered
    assert ValoreLeps.objects.filter(indicatore__codice="beneficiari").exists()
    # every event for the region is relayed (consent, approval and deadline events are local, never relayed)
    assert not OutboxEvent.objects.filter(sent_at__isnull=True, aggregate_type__in=RELAYED_AGGREGATE_TYPES).exists()
    # informativa and consents: the demo citizen's, and one case shared with a cooperative on consent
    assert Consenso.objects.filter(assistito__codice_fiscale=DEMO_CF, finalita="app_io", revocato_il=None).exists()
    assert CartellaUserObjectPermission.objects.filter(base_giuridica="consenso_terzo_settore").count() == 1
    # one open bando with domande at every step (its events stay local: cse/core/events.py)
    assert set(Domanda.objects.filter(bando__codice="DEMO-AFFITTO").values_list("stato", flat=True)) == {
        "bozza",
        "presentata",
        "in_istruttoria",
        "sospesa",
        "istruita",
        "ritirata",
    }
    # last year's bando decided: two funded, one not admitted, the not funded one back in istruttoria for a riesame
    decise = Domanda.objects.filter(bando__codice="DEMO-AFFITTO-PREC")
    assert sorted(decise.values_list("stato", flat=True)) == [
        "finanziata",
        "finanziata",
        "in_istruttoria",
        "non_ammessa",
    ]
    # a request held for approval (four eyes), waiting for Molfetta's responsabile; the comuni have the default rules
    waiting = RichiestaApprovazione.objects.get(stato="in_attesa")
    assert waiting.ente.comune.codice_istat == "072029" and waiting.ruolo_approvatore == "responsabile"
    assert Ente.objects.get(comune__codice_istat="072022").regole_approvazione.filter(attiva=True).count() == 4
    provvedimento = Provvedimento.objects.get(bando__codice="DEMO-AFFITTO-PREC")
    assert provvedimento.stato == "approvato" and provvedimento.approvato_da_id != provvedimento.redatto_da_id
    assert provvedimento.notifiche.count() == 4 and decise.get(stato="in_istruttoria").riesame_chiesto_il


@pytest.mark.django_db(databases=["default", "regionale"])
def test_synthetic_people_have_valid_consistent_codici_fiscali():
    call_command("seed_demo", "--scale", "60", "--quiet-logins")
    # the demo's possible duplicate was registered without a codice fiscale, with a provisional identifier
    assert not Assistito.objects.filter(codice_fiscale="", identificativo_temporaneo="").exists()
    for a in Assistito.objects.exclude(codice_fiscale=""):
        assert codicefiscale.is_valid(a.codice_fiscale)
        assert (
            codice_fiscale_problems(
                a.codice_fiscale,
                cognome=a.cognome,
                nome=a.nome,
                sesso=a.sesso,
                data_nascita=a.data_nascita,
                luogo_nascita=a.luogo_nascita,
            )
            == []
        )
        assert a.history.earliest().history_type == "+"  # created with its history (bulk seed), then maybe updated


@pytest.mark.django_db(databases=["default", "regionale"])
def test_the_demo_ambito_user_sees_a_transferred_case_a_uvm_services_and_budgets(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from cse.ambito.models import SessioneUVM

    call_command("seed_demo", "--scale", "60", "--quiet-logins")
    udp = get_user_model().objects.get(username="ambito-ba01.ufficio_di_piano")
    client.force_login(udp)
    cartella = Cartella.objects.get(owner_ente__tipo=TipoEnte.AMBITO)
    assert cartella.numero in client.get(reverse("ambito:cartelle_list")).content.decode()
    inbox = client.get(reverse("ambito:trasferimenti")).content.decode()
    from cse.cartella.models import RichiestaTrasferimento

    pending = RichiestaTrasferimento.objects.get(stato="richiesto", comune__nome__icontains="Giovinazzo")
    assert f"/ambito/trasferimenti/{pending.pk}/" in inbox and pending.cartella.numero in inbox
    servizi = client.get(reverse("ambito:servizi")).content.decode()
    assert "Residenza fittizia" in servizi and "Vita indipendente" in servizi
    budget = client.get(reverse("ambito:budget")).content.decode()
    assert "Fondo povertà" in budget and "<svg" in budget
    sessione = SessioneUVM.objects.get(cartella=cartella)
    board = client.get(reverse("ambito:uvm", args=[sessione.pk])).content.decode()
    assert "Geriatra, ASL BA" in board and "ADL" in board
    client.force_login(get_user_model().objects.get(username="asl.geriatra"))
    assert client.get(reverse("ambito:uvm", args=[sessione.pk])).status_code == 200


@pytest.mark.django_db(databases=["default", "regionale"])
def test_seed_demo_builds_the_citizen_portal_with_bookable_offices(client):
    from cse.cittadino.agenda import Cittadino, Slot
    from cse.cittadino.pages.servizio import ServizioPage

    call_command("seed_demo", "--scale", "40", "--quiet-logins")
    call_command("seed_demo", "--scale", "40", "--quiet-logins")  # idempotent
    assert ServizioPage.objects.live().count() == 6
    assert Slot.objects.filter(attivo=True, sportello__ente__comune__nome="Molfetta").exists()
    citizen = Cittadino.objects.get()
    assert "Molfetta" in client.get("/").content.decode()
    client.force_login(citizen.user)
    assert "Molfetta" in client.get("/cittadino/prenota/").content.decode()
