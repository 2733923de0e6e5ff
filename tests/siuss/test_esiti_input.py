"""What INPS may post to /esiti that is not a real outcome: a body nested thousands of levels deep (once a
RecursionError, a 500) and a calendar date that does not exist. Both get problem+json 400 and nothing is stored."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cse.siuss.models import EsitoRicevuto, Flusso
from cse.siuss.services import flussi_expose, flussi_prepare
from tests.support.siuss import TODAY, dati, prestazione
from tests.support.waas import ISSUER, esito_for, voucher_headers


@pytest.fixture
def exposed(comune, case, a1, settings):
    from django.core.cache import cache

    cache.clear()
    settings.SIUSS_PDND_JWKS = ISSUER.jwks()
    dati(prestazione(case, importo="300.00"))
    flussi_prepare(ente=comune, today=TODAY)
    flussi_expose(ente=comune)
    return Flusso.objects.get(ente=comune, stato="esposto")


def _post(client, eservice, body: str):
    url = reverse("siuss:waas_esiti", kwargs={"codice": eservice.ente.codice})
    return client.post(url, data=body, content_type="application/json", **voucher_headers(eservice))


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [40, 5_000, 100_000])
def test_a_deeply_nested_body_gets_400(a1, exposed, client, depth):
    body = '{"elenco_esiti": ' + "[" * depth + "]" * depth + "}"
    response = _post(client, a1, body)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert "annidamento" in response.json()["detail"]
    assert EsitoRicevuto.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["ts_flusso", "ts_acquisizione"])
def test_the_31st_of_february_is_not_a_date(a1, exposed, client, field):
    esito = esito_for(exposed, "OK", id_acquisizione_siuss="1", **{field: "2026-02-31T10:00:00.000Z"})
    response = _post(client, a1, json.dumps({"elenco_esiti": [esito]}))
    assert response.status_code == 400 and f"'{field}' non è una data-ora" in response.json()["detail"]
    assert EsitoRicevuto.objects.count() == 0
    # the same outcome with a real date is accepted: the refusal above is about the date only
    assert _post(client, a1, json.dumps({"elenco_esiti": [esito_for(exposed, "OK")]})).status_code == 204
