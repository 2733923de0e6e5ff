"""Edotto, Ministero del Lavoro and Puglia Sociale reachable from the person page: consulted on request, shown,
each failure an Italian message (the operator continues by hand), foreign people 404 (isolation matrix)."""

from __future__ import annotations

import httpx
from django.urls import reverse

from cse.core.models import AccessLog
from interop.models import ChiamataInterop
from interop.simulators.data import PERSONE
from tests.support.factories import OperatoreFactory, register_person
from tests.support.places import foreign_comune


def test_operator_consults_the_regional_systems_for_a_person(simulators, comune, worker, client_for):
    g = PERSONE[3]
    person = register_person(
        comune,
        cognome=g.cognome,
        nome=g.nome,
        sesso=g.sesso,
        data_nascita=g.data_nascita,
        luogo=g.luogo_catastale,
    )
    assert person.codice_fiscale == g.codice_fiscale
    client = client_for(worker)
    url = reverse("locale:sistemi_regionali", kwargs={"pk": person.pk})
    assert url in client.get(reverse("locale:assistito_detail", kwargs={"pk": person.pk})).content.decode()
    assert client.get(url).status_code == 200
    assert not ChiamataInterop.objects.exists()  # nothing is asked until the operator asks
    text = client.post(url).content.decode()
    assert "Ospedale Don Tonino Bello - Molfetta" in text  # Edotto
    assert "Nessun dato trovato." in text  # the Ministero del Lavoro has nothing for her
    assert "Buoni servizio per anziani" in text  # Puglia Sociale
    calls = ChiamataInterop.objects.filter(assistito_id=person.pk, ente=comune)
    assert {c.e_service for c in calls} - {"pdnd"} == {"edotto", "lavoro", "puglia_sociale"}  # + the voucher
    assert AccessLog.objects.filter(assistito_id=person.pk, finalita="consultazione sistemi regionali").exists()


def test_systems_down_give_messages_not_a_500(simulators, worker, person, client_for, monkeypatch):
    original = httpx.Client.send

    def send(self, request, **kwargs):
        if "token.oauth2" not in str(request.url):
            request.headers["X-Simulatore-Scenario"] = "offline"
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)
    client = client_for(worker)
    response = client.post(reverse("locale:sistemi_regionali", kwargs={"pk": person.pk}))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Edotto (sistema sanitario regionale) non risponde in questo momento" in text
    assert "Puglia Sociale non risponde in questo momento" in text


def test_foreign_person_is_404(simulators, person, client_for):
    other_comune = foreign_comune()
    foreign_worker = OperatoreFactory(ente=other_comune, ruolo="assistente_sociale")
    client = client_for(foreign_worker)
    url = reverse("locale:sistemi_regionali", kwargs={"pk": person.pk})
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    assert not ChiamataInterop.objects.exists()
