"""Pre-flight problems reach the worklist in Italian; the dashboard is the ente's own, with its CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from cse.cartella.actions.fasi import ente_erogatore_change
from cse.cartella.erogatore import PotestaConcessoria, ente_erogatore_default
from cse.cartella.fasi import VoceNomenclatore
from cse.siuss.models import Flusso, VerificaSiuss
from cse.siuss.services import flussi_prepare
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import case_moved_to_ambito, foreign_ambito, foreign_comune, home_ambito, regione, resident
from tests.support.siuss import TODAY, dati, minor_case_in, prestazione


@pytest.mark.django_db
def test_every_missing_or_inconsistent_field_is_listed_in_the_worklist(comune, worker, person, case, a1, client):
    Isee = person.isee.model
    Isee.objects.filter(assistito=person).update(protocollo_dsu="")
    prestazione(case)  # delivered, no SIUSS data yet
    p = prestazione(case, codice="A2.07", carattere=1, inizio=date(2026, 2, 1), importo="0")
    dati(
        p, protocollo_domanda="", importo_mensile=Decimal("400"), quota_ente=Decimal("300"), quota_utente=Decimal("50")
    )
    child_case = minor_case_in(comune, by=worker)
    child_case.scheda_sinba.delete()
    prestazione(child_case, codice="A2.02")
    result = flussi_prepare(ente=comune, today=TODAY)
    problems = VerificaSiuss.objects.get(prestazione=p).problemi
    assert "manca il protocollo DSU" in problems
    assert "manca il protocollo della domanda" in problems
    assert "le quote (ente 300,00 + utente 50,00 + SSN 0,00) non sommano all'importo mensile (400,00)" in problems
    assert not Flusso.objects.filter(prestazione=p).exists()
    assert result.with_problems >= 3  # incl. the prestazione without SIUSS data and the child without SINBA
    client.force_login(worker)
    page = client.get(reverse("locale:lavoro")).content.decode()
    assert "manca il protocollo DSU" in page and "manca la scheda SINBA del minore" in page
    assert "mancano i dati SIUSS della prestazione" in page
    # another comune's operator sees none of it
    client.force_login(OperatoreFactory(ente=foreign_comune(), ruolo="assistente_sociale"))
    assert "manca il protocollo DSU" not in client.get(reverse("locale:lavoro")).content.decode()


@pytest.mark.django_db
def test_fixing_the_data_through_the_page_makes_the_prestazione_ready(comune, worker, case, a1, client):
    p = prestazione(case, importo="300.00")
    flussi_prepare(ente=comune, today=TODAY)
    assert VerificaSiuss.objects.get(prestazione=p).ha_problemi
    client.force_login(worker)
    url = reverse("siuss:dati_prestazione", kwargs={"pk": p.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "protocollo_domanda": "PROT-1",
            "presenza_prova_mezzi": "1",
            "quota_ente": "300",
            "quota_utente": "0",
            "quota_ssn": "0",
            "ente_erogatore": comune.pk,
        },
    )
    assert response.status_code == 302
    flussi_prepare(ente=comune, today=TODAY)
    assert not VerificaSiuss.objects.get(prestazione=p).ha_problemi
    assert Flusso.objects.filter(prestazione=p).count() == 1


@pytest.mark.django_db
def test_ente_erogatore_defaults_by_potesta_concessoria_and_changes_only_with_a_reason(comune, worker, case, a1):
    ambito, region = home_ambito(), regione()
    ambito_case = case_moved_to_ambito(CartellaFactory(assistito=resident(comune), by=worker), by=worker)
    sad = VoceNomenclatore.objects.get(codice="A2.07")
    assert ente_erogatore_default(cartella=case, voce=sad, on=TODAY) == comune
    PotestaConcessoria.objects.create(
        ente=ambito, codice_voce="A2", atto="Convenzione SAD", valido_dal=date(2025, 1, 1)
    )
    assert ente_erogatore_default(cartella=case, voce=sad, on=TODAY) == ambito
    PotestaConcessoria.objects.create(ente=region, codice_voce="A2.07", atto="DGR", valido_dal=date(2025, 1, 1))
    assert ente_erogatore_default(cartella=case, voce=sad, on=TODAY) == region
    assert (
        ente_erogatore_default(cartella=ambito_case, voce=VoceNomenclatore.objects.get(codice="A1.04"), on=TODAY)
        == ambito
    )
    p = prestazione(case)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ente_erogatore_change(record=p, ente=ambito, reason=" ", by=worker)
    with pytest.raises(ValidationError):  # not this comune's ambito
        ente_erogatore_change(record=p, ente=foreign_ambito(), reason="errore", by=worker)
    ente_erogatore_change(record=p, ente=ambito, reason="determina UdP 12/2026", by=worker)
    p.refresh_from_db()
    assert p.ente_erogatore == ambito
    assert "determina UdP 12/2026" in p.history.first().history_change_reason


@pytest.mark.django_db
def test_dashboard_counts_and_csv_for_the_ente_only_with_the_capability(comune, worker, person, case, a1, client):
    prestazione(case)  # delivered, no SIUSS data yet: the one incomplete
    p = prestazione(case)
    dati(p)
    call_command("siuss_flussi", "--ente", "F284", stdout=__import__("io").StringIO())
    flusso = Flusso.objects.get(prestazione=p)
    assert flusso.stato == "esposto"
    client.force_login(OperatoreFactory(ente=comune, ruolo="responsabile"))
    page = client.get(reverse("siuss:dashboard", kwargs={"pk": comune.pk}))
    assert page.status_code == 200 and flusso.id_flusso in page.content.decode()
    assert page.context["counts"]["esposto"] == 1 and page.context["counts"]["incomplete"] == 1
    csv = client.get(reverse("siuss:dashboard_csv", kwargs={"pk": comune.pk})).content.decode()
    assert flusso.id_flusso in csv and person.cognome not in csv
    client.force_login(worker)  # no TRANSMIT_SIUSS
    assert client.get(reverse("siuss:dashboard", kwargs={"pk": comune.pk})).status_code == 404
    client.force_login(OperatoreFactory(ente=foreign_comune(), ruolo="responsabile"))
    assert client.get(reverse("siuss:dashboard", kwargs={"pk": comune.pk})).status_code == 404


@pytest.mark.django_db
def test_the_sinba_record_is_filled_from_its_page_and_the_minor_becomes_ready(comune, worker, a1, client):
    child_case = minor_case_in(comune, by=worker)
    child_case.scheda_sinba.delete()
    p = prestazione(child_case, codice="A2.02")
    dati(p, presenza_prova_mezzi="4")
    flussi_prepare(ente=comune, today=TODAY)
    assert "manca la scheda SINBA del minore" in VerificaSiuss.objects.get(prestazione=p).problemi
    client.force_login(worker)
    url = reverse("siuss:sinba", kwargs={"pk": child_case.pk})
    assert client.get(url).status_code == 200
    form = {
        "minore_straniero_non_accompagnato": "2",
        "condizione_minore": "1",
        "luogo_vita": "1",
        "scuola_frequentata": "5",
        "condizione_lavoro": "1",
        "disabilita": "2",
        "data_prima_segnalazione": "2025-09-01",
        "fonte_segnalazione": "13",
        "valutazione_minore": "2",
        "valutazione_famiglia": "12",
        "composizione_famiglia": ["1", "2"],
    }
    assert client.post(url, form).status_code == 302
    flussi_prepare(ente=comune, today=TODAY)
    assert not VerificaSiuss.objects.get(prestazione=p).ha_problemi
    assert Flusso.objects.filter(prestazione=p, tipo="SINBA").count() == 1
    client.force_login(OperatoreFactory(ente=foreign_comune(), ruolo="assistente_sociale"))
    assert client.get(url).status_code == 404
