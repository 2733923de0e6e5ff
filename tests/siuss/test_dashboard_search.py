"""The SIUSS dashboard's flow list: searched by case number, flow id or nomenclatore code (the page shows no names),
combined with the state filter, both kept in the pager links and in the CSV link."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cse.siuss.models import Flusso
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.siuss import dati, prestazione, take_in_charge

pytestmark = pytest.mark.django_db


def test_flows_are_found_by_case_number_flow_id_or_code(comune, worker, person, case, a1, client):
    other_case = CartellaFactory(assistito=person, by=worker)
    take_in_charge(other_case)
    mine = prestazione(case)
    dati(mine)
    dati(prestazione(other_case, codice="A1.05"))
    call_command("siuss_flussi", "--ente", "F284", stdout=io.StringIO())
    flusso = Flusso.objects.get(prestazione=mine)
    client.force_login(OperatoreFactory(ente=comune, ruolo="responsabile"))
    url = reverse("siuss:dashboard", kwargs={"pk": comune.pk})

    by_number = client.get(url, {"q": case.numero.replace("/0000", "/")})
    assert [f.pk for f in by_number.context["page"]] == [flusso.pk]
    assert [f.pk for f in client.get(url, {"q": flusso.id_flusso}).context["page"]] == [flusso.pk]
    assert [f.pk for f in client.get(url, {"q": "a1.04"}).context["page"]] == [flusso.pk]
    assert client.get(url).context["page"].paginator.count == 2
    combined = client.get(url, {"q": flusso.id_flusso, "stato": "errore"}).content.decode()
    assert "Nessun risultato." in combined
    assert f"?stato=errore&amp;q={flusso.id_flusso}" in combined  # the CSV link downloads the filtered rows
    assert client.get(url, {"q": person.cognome}).context["page"].paginator.count == 0  # no names here
