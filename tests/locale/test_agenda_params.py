"""The front-office agenda reads the day from the address bar: any value there gets a page or an Italian 400,
never a 500 (9999-12-31 in the week view once overflowed the date arithmetic)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.support.factories import ComuneEnteFactory, OperatoreFactory, make_sportello


@pytest.fixture
def agenda_url(client):
    """The agenda of the comune's front office, as its front desk sees it."""
    comune = ComuneEnteFactory()
    client.force_login(OperatoreFactory(ente=comune, ruolo="segretariato"))
    return reverse("locale:agenda_sportello", kwargs={"pk": make_sportello(comune).pk})


@pytest.mark.django_db
@pytest.mark.parametrize("vista", ["giorno", "settimana"])
@pytest.mark.parametrize("giorno", ["9999-12-31", "0001-01-01", "2026-02-31", "domani", "2026-11-20\x00", "9" * 400])
def test_an_impossible_day_gets_an_italian_400(agenda_url, client, giorno, vista):
    response = client.get(agenda_url, {"giorno": giorno, "vista": vista})
    assert response.status_code == 400
    assert "Il parametro 'giorno' deve essere una data" in html.unescape(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("vista", ["giorno", "settimana"])
def test_a_plausible_day_and_no_day_show_the_agenda(agenda_url, client, vista):
    assert client.get(agenda_url, {"giorno": "2026-11-20", "vista": vista}).status_code == 200
    assert client.get(agenda_url, {"giorno": "2100-12-31", "vista": vista}).status_code == 200
    assert client.get(agenda_url).status_code == 200
