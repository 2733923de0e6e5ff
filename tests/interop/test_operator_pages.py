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

from cse.cartella.models import Assistito
from cse.core.middleware import RECENT_AUTH_KEY
from interop.anpr import client as anpr
from interop.http import breaker
from interop.models import ChiamataInterop
from interop.simulators.data import PERSONE
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune


def _call(ente, operatore, e_service, esito="ok", days_ago=0, **extra):
    c = ChiamataInterop.objects.create(
        operatore=operatore,
        ente=ente,
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
def calls(comune, worker, case):
    other_comune = foreign_comune()
    foreign_worker = OperatoreFactory(ente=other_comune, ruolo="assistente_sociale")
    return {
        "mine_anpr": _call(comune, worker, "anpr_C030", cartella_id=case.pk),
        "mine_isee": _call(comune, worker, "inps_isee", esito="non_disponibile", codice_errore="timeout", days_ago=10),
        "foreign": _call(other_comune, foreign_worker, "edotto", esito="non_trovato", codice_errore="B1-ONLY-CODE"),
    }


def _page(client, comune, **params):
    return client.get(reverse("ente_sistemi", kwargs={"pk": comune.pk}), params)


def test_responsabile_sees_own_calls_only_with_who_case_service_outcome_duration(comune, case, calls, client_for):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    client = client_for(responsabile)
    text = _page(client, comune).content.decode()
    assert f"cartella {case.pk}" in text
    assert "anpr_C030 · consulta" in text and "123 ms" in text
    assert "Sistema non disponibile (timeout)" in text
    assert "B1-ONLY-CODE" not in text and "edotto · consulta" not in text  # another ente's call
    for person in Assistito.objects.all():  # ids only, never who the case is about
        assert person.codice_fiscale not in text and person.cognome not in text


def test_filters_by_system_outcome_and_date(comune, calls, client_for):
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    client = client_for(admin)
    text = _page(client, comune, sistema="anpr").content.decode()
    assert "anpr_C030 · consulta" in text and "inps_isee · consulta" not in text
    text = _page(client, comune, esito="non_disponibile").content.decode()
    assert "inps_isee · consulta" in text and "anpr_C030 · consulta" not in text
    text = _page(client, comune, dal=(timezone.localdate() - timedelta(days=2)).isoformat()).content.decode()
    assert "anpr_C030 · consulta" in text and "inps_isee · consulta" not in text
    text = _page(client, comune, al=(timezone.localdate() - timedelta(days=5)).isoformat()).content.decode()
    assert "inps_isee · consulta" in text and "anpr_C030 · consulta" not in text
    text = _page(client, comune, dal="31/12/2026").content.decode()
    assert "Date non valide ignorate" in text and "anpr_C030 · consulta" in text


def test_circuit_state_and_last_outcome_per_e_service(simulators, comune, worker, calls, client_for, monkeypatch):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    for _ in range(settings.CSE_INTEROP_BREAKER_FAILURES):
        breaker("edotto").record(ok=False)
    client = client_for(responsabile)
    text = _page(client, comune).content.decode()
    edotto = text.split('data-circuito="edotto"')[1].split("</tr>")[0]
    assert "aperto (sistema non disponibile)" in edotto
    assert "Dati non trovati" not in edotto  # B1's last Edotto outcome is not A1's
    anpr_row = text.split('data-circuito="anpr_C030"')[1].split("</tr>")[0]
    assert "chiuso (funziona)" in anpr_row and "Riuscita" in anpr_row
    # a real call through the adapter lands in the log of the caller's ente
    from cse.core.external import CallContext

    ctx = CallContext(operatore=worker, ente=comune, motivo="BA-1")
    anpr.consulta(PERSONE[0].codice_fiscale, ctx)
    assert ChiamataInterop.objects.filter(ente=comune, e_service="anpr_C015", esito="ok").exists()
    assert "anpr_C015 · " in _page(client, comune).content.decode()


def test_csv_needs_a_recent_password_and_holds_the_filtered_own_rows(comune, case, calls, client_for):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    client = client_for(responsabile)
    url = reverse("ente_chiamate_csv", kwargs={"pk": comune.pk})
    session = client.session
    session[RECENT_AUTH_KEY] = 0
    session.save()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))
    client.force_login(responsabile)
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode()), delimiter=";"))
    assert rows[0][:3] == ["data_ora", "operatore", "e_service"]
    assert sorted(r[2] for r in rows[1:]) == ["anpr_C030", "inps_isee"]
    rows = list(csv.reader(io.StringIO(client.get(url, {"esito": "ok"}).content.decode()), delimiter=";"))
    assert [r[2] for r in rows[1:]] == ["anpr_C030"]
    assert rows[1][4] == str(case.pk)


def test_case_workers_and_other_enti_get_404(comune, worker, calls, client_for):
    other_comune = foreign_comune()
    foreign_responsabile = OperatoreFactory(ente=other_comune, ruolo="responsabile")
    client = client_for(worker)
    assert _page(client, comune).status_code == 404
    client = client_for(foreign_responsabile)
    assert _page(client, comune).status_code == 404
    url = reverse("ente_chiamate_csv", kwargs={"pk": comune.pk})
    assert client.get(url).status_code == 404


def test_home_links_to_the_page(comune, client_for):
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    client = client_for(admin)
    assert reverse("ente_sistemi", kwargs={"pk": comune.pk}) in client.get(reverse("home")).content.decode()
