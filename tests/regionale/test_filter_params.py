"""Filters typed in the address bar: a year or an id that str.isdigit() accepts but int() does not ('²²²²') once
gave a 500 on the regional dashboard, the ambito budget and the ente's access log; now it means "no filter"."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db(databases=["default", "regionale"])
@pytest.mark.parametrize("value", ["²²²²", "²", "9" * 40])
def test_an_implausible_filter_opens_the_page_unfiltered(world, client, value):
    pages = [
        (world.user("REG", "analista_regionale"), reverse("regionale:cruscotto"), "anno"),
        (world.user("REG", "analista_regionale"), reverse("regionale:sioss"), "anno"),
        (world.user("AMB_A", "ufficio_di_piano"), reverse("ambito:budget"), "anno"),
        (world.user("A1", "responsabile"), reverse("ente_accessi", kwargs={"pk": world.enti["A1"].pk}), "assistito"),
    ]
    for user, url, name in pages:
        client.force_login(user)
        assert client.get(url, {name: value}).status_code == 200, (url, name, value)
