"""Filters typed in the address bar: a year or an id that str.isdigit() accepts but int() does not ('²²²²') once
gave a 500 on the regional dashboard, the ambito budget and the ente's access log; now it means "no filter"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.factories import OperatoreFactory
from tests.support.places import home_ambito, regione


@pytest.mark.django_db(databases=["default", "regionale"])
@pytest.mark.parametrize("value", ["²²²²", "²", "9" * 40])
def test_an_implausible_filter_opens_the_page_unfiltered(comune, client, value):
    region = regione()
    ambito = home_ambito()
    analyst = OperatoreFactory(ente=region, ruolo="analista_regionale")
    ambito_planner = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    pages = [
        (analyst, reverse("regionale:cruscotto"), "anno"),
        (analyst, reverse("regionale:sioss"), "anno"),
        (ambito_planner, reverse("ambito:budget"), "anno"),
        (responsabile, reverse("ente_accessi", kwargs={"pk": comune.pk}), "assistito"),
    ]
    for user, url, name in pages:
        client.force_login(user)
        assert client.get(url, {name: value}).status_code == 200, (url, name, value)
