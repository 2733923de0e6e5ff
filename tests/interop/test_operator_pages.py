"""The ente's page of external systems: circuit state and last outcome per configured e-service, the call log of the
ente's own operators only (filters by system, outcome, date), never payloads, CSV behind the re-auth."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cse.core.middleware import RECENT_AUTH_KEY
from interop.anpr import client as anpr
from interop.http import breaker
from interop.models import ChiamataInterop
from interop.simulators.data import PERSONE


def _call(world, key, e_service, esito="ok", days_ago=0, **extra):
    c = ChiamataInterop.objects.create(
        operatore=world.user(key, "assistente_sociale"),
        ente=world.enti[key],
        e_service=e_service,
        operazione="consulta",
        esito=esito,
        durata_ms=123,
        **extra,
    )
    if days_ago:
        ChiamataInterop.objects.filter(pk=c.pk).update(creata_il=timezone.now() - timedelta(days=days_ago))
    return c


@pytest.fixture
def calls(world):
    return {
        "mine_anpr": _call(world, "A1", "anpr_C030", cartella_id=world.cartelle["A1"].pk),
        "mine_isee": _call(world, "A1", "inps_isee", esito="non_disponibile", codice_errore="timeout", days_ago=10),
        "foreign": _call(world, "B1", "edotto", esito="non_trovato", codice_errore="B1-ONLY-CODE"),
    }


def _page(client, world, **params):
    return client.get(reverse("ente_sistemi", kwargs={"pk": world.enti["A1"].pk}), params)


def test_responsabile_sees_own_calls_only_with_who_case_service_outcome_duration(world, calls, client_for):
    client = client_for(world.user("A1", "responsabile"))
    text = _page(client, world).content.decode()
    assert f"cartella {world.cartelle['A1'].pk}" in text
    assert "anpr_C030 · consulta" in text and "123 ms" in text
    assert "Sistema non disponibile (timeout)" in text
    assert "B1-ONLY-CODE" not in text and "edotto · consulta" not in text  # another ente's call
    for person in world.assistiti.values():  # ids only, never who the case is about
        assert person.codice_fiscale not in text and person.cognome not in text


def test_filters_by_system_outcome_and_date(world, calls, client_for):
    client = client_for(world.user("A1", "amministratore_ente"))
    text = _page(client, world, sistema="anpr").content.decode()
    assert "anpr_C030 · consulta" in text and "inps_isee · consulta" not in text
    text = _page(client, world, esito="non_disponibile").content.decode()
    assert "inps_isee · consulta" in text and "anpr_C030 · consulta" not in text
    text = _page(client, world, dal=(timezone.localdate() - timedelta(days=2)).isoformat()).content.decode()
    assert "anpr_C030 · consulta" in text and "inps_isee · consulta" not in text
    text = _page(client, world, al=(timezone.localdate() - timedelta(days=5)).isoformat()).content.decode()
    assert "inps_isee · consulta" in text and "anpr_C030 · consulta" not in text
    text = _page(client, world, dal="31/12/2026").content.decode()
    assert "Date non valide ignorate" in text and "anpr_C030 · consulta" in text


def test_circuit_state_and_last_outcome_per_e_service(simulators, world, calls, client_for, monkeypatch):
    for _ in range(settings.CSE_INTEROP_BREAKER_FAILURES):
        breaker("edotto").record(ok=False)
    client = client_for(world.user("A1", "responsabile"))
    text = _page(client, world).content.decode()
    edotto = text.split('data-circuito="edotto"')[1].split("</tr>")[0]
    assert "aperto (sistema non disponibile)" in edotto
    assert "Dati non trovati" not in edotto  # B1's last Edotto outcome is not A1's
    anpr_row = text.split('data-circuito="anpr_C030"')[1].split("</tr>")[0]
    assert "chiuso (funziona)" in anpr_row and "Riuscita" in anpr_row
    # a real call through the adapter lands in the log of the caller's ente
    from cse.core.external import CallContext

    ctx = CallContext(operatore=world.user("A1", "assistente_sociale"), ente=world.enti["A1"], motivo="BA-1")
    anpr.consulta(PERSONE[0].codice_fiscale, ctx)
    assert ChiamataInterop.objects.filter(ente=world.enti["A1"], e_service="anpr_C015", esito="ok").exists()
    assert "anpr_C015 · " in _page(client, world).content.decode()


def test_csv_needs_a_recent_password_and_holds_the_filtered_own_rows(world, calls, client_for):
    client = client_for(world.user("A1", "responsabile"))
    url = reverse("ente_chiamate_csv", kwargs={"pk": world.enti["A1"].pk})
    session = client.session
    session[RECENT_AUTH_KEY] = 0
    session.save()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))
    client.force_login(world.user("A1", "responsabile"))
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode()), delimiter=";"))
    assert rows[0][:3] == ["data_ora", "operatore", "e_service"]
    assert sorted(r[2] for r in rows[1:]) == ["anpr_C030", "inps_isee"]
    rows = list(csv.reader(io.StringIO(client.get(url, {"esito": "ok"}).content.decode()), delimiter=";"))
    assert [r[2] for r in rows[1:]] == ["anpr_C030"]
    assert rows[1][4] == str(world.cartelle["A1"].pk)


def test_case_workers_and_other_enti_get_404(world, calls, client_for):
    client = client_for(world.user("A1", "assistente_sociale"))
    assert _page(client, world).status_code == 404
    client = client_for(world.user("B1", "responsabile"))
    assert _page(client, world).status_code == 404
    url = reverse("ente_chiamate_csv", kwargs={"pk": world.enti["A1"].pk})
    assert client.get(url).status_code == 404


def test_home_links_to_the_page(world, client_for):
    client = client_for(world.user("A1", "amministratore_ente"))
    assert reverse("ente_sistemi", kwargs={"pk": world.enti["A1"].pk}) in client.get(reverse("home")).content.decode()
