"""The liquidazione pages: the manager pays an instalment with its mandato on the beneficiary's page, a wrong IBAN is
refused with its reason on the form, the citizen enters their IBAN and sees their instalments, and the beneficiaries
page shows the bando's money."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cse.bandi.liquidazione import actions
from cse.bandi.models import Rata
from tests.support.bandi import IBAN_BAD_CHECK, IBAN_OK, funded
from tests.support.factories import ComuneEnteFactory, OperatoreFactory

pytestmark = pytest.mark.django_db


def test_the_manager_registers_the_iban_plans_and_pays_on_the_page(comune, responsabile, client):
    bando, (first, _) = funded(comune, responsabile)
    client.force_login(responsabile)
    url = reverse("bandi:liquidazione", args=[first.pk])
    refused = client.post(url, {"azione": "iban", "iban": IBAN_BAD_CHECK, "intestatario": "beneficiario"})
    assert refused.status_code == 400 and "Le cifre di controllo dell&#x27;IBAN" in refused.content.decode()
    client.post(url, {"azione": "iban", "iban": IBAN_OK, "intestatario": "beneficiario"})
    client.post(url, {"azione": "piano", "numero_rate": 2, "dal": "2026-01-01", "mesi": 6})
    rata = Rata.objects.get(numero=1)
    today = date.today().isoformat()
    paid = client.post(url, {"azione": "liquida", "rata": rata.pk, "mandato_numero": "M-9", "mandato_data": today})
    assert paid.status_code == 302
    rata.refresh_from_db()
    assert rata.stato == "liquidata" and rata.prestazione is not None
    page = client.get(reverse("bandi:beneficiari", args=[bando.pk])).content.decode()
    assert "€ 200,00" in page and "1: liquidata" in page


def test_the_citizen_enters_their_iban_and_sees_their_instalments(comune, responsabile, client):
    _, (first, _) = funded(comune, responsabile)
    client.force_login(first.creata_da)
    response = client.post(
        reverse("cittadino:domanda_iban", args=[first.pk]), {"iban": IBAN_OK, "intestatario": "beneficiario"}
    )
    assert response.status_code == 302
    actions.rate_plan(domanda=first, by=responsabile, numero_rate=2, dal=date(2026, 1, 1))
    page = client.get(reverse("cittadino:domanda", args=[first.pk])).content.decode()
    assert "IT60X0542811101000000123456" in page and "Le rate del contributo" in page and "€ 200,00" in page


def test_an_operator_of_another_ente_finds_no_such_page(comune, responsabile, client):
    _, (first, _) = funded(comune, responsabile)
    client.force_login(OperatoreFactory(ente=ComuneEnteFactory(), ruolo="responsabile"))
    assert client.get(reverse("bandi:liquidazione", args=[first.pk])).status_code == 404
