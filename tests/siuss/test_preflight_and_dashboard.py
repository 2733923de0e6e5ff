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
from tests.support.siuss import TODAY, dati, minor_case, prestazione


@pytest.mark.django_db
def test_every_missing_or_inconsistent_field_is_listed_in_the_worklist(world, a1, client):
    Isee = world.assistiti["A1"].isee.model
    Isee.objects.filter(assistito=world.assistiti["A1"]).update(protocollo_dsu="")
    p = prestazione(world.cartelle["A1"], codice="A2.07", carattere=1, inizio=date(2026, 2, 1), importo="0")
    dati(
        p, protocollo_domanda="", importo_mensile=Decimal("400"), quota_ente=Decimal("300"), quota_utente=Decimal("50")
    )
    child_case = minor_case(world)
    child_case.scheda_sinba.delete()
    prestazione(child_case, codice="A2.02")
    result = flussi_prepare(ente=world.enti["A1"], today=TODAY)
    problems = VerificaSiuss.objects.get(prestazione=p).problemi
    assert "manca il protocollo DSU" in problems
    assert "manca il protocollo della domanda" in problems
    assert "le quote (ente 300,00 + utente 50,00 + SSN 0,00) non sommano all'importo mensile (400,00)" in problems
    assert not Flusso.objects.filter(prestazione=p).exists()
    assert result.with_problems >= 3  # incl. the world's prestazione without SIUSS data and the child without SINBA
    client.force_login(world.user("A1", "assistente_sociale"))
    page = client.get(reverse("locale:lavoro")).content.decode()
    assert "manca il protocollo DSU" in page and "manca la scheda SINBA del minore" in page
    assert "mancano i dati SIUSS della prestazione" in page
    # another comune's operator sees none of it
    client.force_login(world.user("B1", "assistente_sociale"))
    assert "manca il protocollo DSU" not in client.get(reverse("locale:lavoro")).content.decode()


@pytest.mark.django_db
def test_fixing_the_data_through_the_page_makes_the_prestazione_ready(world, a1, client):
    p = prestazione(world.cartelle["A1"], importo="300.00")
    flussi_prepare(ente=world.enti["A1"], today=TODAY)
    assert VerificaSiuss.objects.get(prestazione=p).ha_problemi
    client.force_login(world.user("A1", "assistente_sociale"))
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
            "ente_erogatore": world.enti["A1"].pk,
        },
    )
    assert response.status_code == 302
    flussi_prepare(ente=world.enti["A1"], today=TODAY)
    assert not VerificaSiuss.objects.get(prestazione=p).ha_problemi
    assert Flusso.objects.filter(prestazione=p).count() == 1


@pytest.mark.django_db
def test_ente_erogatore_defaults_by_potesta_concessoria_and_changes_only_with_a_reason(world, a1):
    cartella = world.cartelle["A1"]
    sad = VoceNomenclatore.objects.get(codice="A2.07")
    assert ente_erogatore_default(cartella=cartella, voce=sad, on=TODAY) == world.enti["A1"]
    PotestaConcessoria.objects.create(
        ente=world.enti["AMB_A"], codice_voce="A2", atto="Convenzione SAD", valido_dal=date(2025, 1, 1)
    )
    assert ente_erogatore_default(cartella=cartella, voce=sad, on=TODAY) == world.enti["AMB_A"]
    PotestaConcessoria.objects.create(
        ente=world.enti["REG"], codice_voce="A2.07", atto="DGR", valido_dal=date(2025, 1, 1)
    )
    assert ente_erogatore_default(cartella=cartella, voce=sad, on=TODAY) == world.enti["REG"]
    assert (
        ente_erogatore_default(
            cartella=world.cartelle["AMB_A"], voce=VoceNomenclatore.objects.get(codice="A1.04"), on=TODAY
        )
        == world.enti["AMB_A"]
    )
    p = prestazione(cartella)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ente_erogatore_change(record=p, ente=world.enti["AMB_A"], reason=" ", by=world.user("A1", "assistente_sociale"))
    with pytest.raises(ValidationError):  # not this comune's ambito
        ente_erogatore_change(
            record=p, ente=world.enti["AMB_B"], reason="errore", by=world.user("A1", "assistente_sociale")
        )
    ente_erogatore_change(
        record=p, ente=world.enti["AMB_A"], reason="determina UdP 12/2026", by=world.user("A1", "assistente_sociale")
    )
    p.refresh_from_db()
    assert p.ente_erogatore == world.enti["AMB_A"]
    assert "determina UdP 12/2026" in p.history.first().history_change_reason


@pytest.mark.django_db
def test_dashboard_counts_and_csv_for_the_ente_only_with_the_capability(world, a1, client):
    p = prestazione(world.cartelle["A1"])
    dati(p)
    call_command("siuss_flussi", "--ente", "F284", stdout=__import__("io").StringIO())
    flusso = Flusso.objects.get(prestazione=p)
    assert flusso.stato == "esposto"
    client.force_login(world.user("A1", "responsabile"))
    page = client.get(reverse("siuss:dashboard", kwargs={"pk": world.enti["A1"].pk}))
    assert page.status_code == 200 and flusso.id_flusso in page.content.decode()
    assert page.context["counts"]["esposto"] == 1 and page.context["counts"]["incomplete"] == 1
    csv = client.get(reverse("siuss:dashboard_csv", kwargs={"pk": world.enti["A1"].pk})).content.decode()
    assert flusso.id_flusso in csv and world.assistiti["A1"].cognome not in csv
    client.force_login(world.user("A1", "assistente_sociale"))  # no TRANSMIT_SIUSS
    assert client.get(reverse("siuss:dashboard", kwargs={"pk": world.enti["A1"].pk})).status_code == 404
    client.force_login(world.user("B1", "responsabile"))
    assert client.get(reverse("siuss:dashboard", kwargs={"pk": world.enti["A1"].pk})).status_code == 404


@pytest.mark.django_db
def test_the_sinba_record_is_filled_from_its_page_and_the_minor_becomes_ready(world, a1, client):
    child_case = minor_case(world)
    child_case.scheda_sinba.delete()
    p = prestazione(child_case, codice="A2.02")
    dati(p, presenza_prova_mezzi="4")
    flussi_prepare(ente=world.enti["A1"], today=TODAY)
    assert "manca la scheda SINBA del minore" in VerificaSiuss.objects.get(prestazione=p).problemi
    client.force_login(world.user("A1", "assistente_sociale"))
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
    flussi_prepare(ente=world.enti["A1"], today=TODAY)
    assert not VerificaSiuss.objects.get(prestazione=p).ha_problemi
    assert Flusso.objects.filter(prestazione=p, tipo="SINBA").count() == 1
    client.force_login(world.user("B1", "assistente_sociale"))
    assert client.get(url).status_code == 404
