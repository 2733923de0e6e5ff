"""Export of the regional tier to the DSS (contract docs/interop/dss.md) against the simulator: batches with ids
derived from their content range, resent identically after a failure, each recorded with its outcome; nothing that
identifies a person leaves (no codice fiscale, no name)."""

from __future__ import annotations

import json

import httpx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cse.cartella.models import Assistito
from cse.cartella.relay import relay_outbox
from cse.core.middleware import RECENT_AUTH_KEY
from cse.regionale.dss import dss_export, id_lotto_for
from cse.regionale.ingest import ingest_event
from cse.regionale.models import EventoRegionale, LottoDss, StatoLotto
from interop.http import CallContext
from interop.models import ChiamataInterop
from interop.regionali import client as regionali

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


@pytest.fixture
def events(world):
    relay_outbox(sender=ingest_event)
    n = EventoRegionale.objects.using("regionale").count()
    assert n >= 7
    return n


@pytest.fixture
def sent(monkeypatch):
    """Every body posted to the DSS, as bytes, and a switch to make the DSS answer with a scenario."""
    bodies, state = [], {"scenario": ""}
    original = httpx.Client.send

    def send(self, request, **kwargs):
        if request.url.path == "/v1/lotti":
            bodies.append(request.content)
            if state["scenario"]:
                request.headers["X-Simulatore-Scenario"] = state["scenario"]
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)
    return bodies, state


def _identifying(world) -> set[str]:
    values = set()
    for a in Assistito.objects.all():
        values |= {a.codice_fiscale, a.cognome, a.nome}
    return {v for v in values if v}


def test_batches_carry_no_codice_fiscale_or_name_and_are_recorded(simulators, world, events, sent):
    bodies, _ = sent
    esito = dss_export(ente=world.enti["REG"], operatore=world.user("REG", "analista_regionale"), dimensione=3)
    assert not esito.errore
    assert esito.eventi == events and len(esito.inviati) == -(-events // 3)
    lotti = list(LottoDss.objects.using("regionale").order_by("primo_evento"))
    assert [lotto.stato for lotto in lotti] == [StatoLotto.INVIATO] * len(lotti)
    assert sum(lotto.ricevuti for lotto in lotti) == events
    assert all(lotto.id_lotto == id_lotto_for(lotto.primo_evento, lotto.ultimo_evento) for lotto in lotti)
    assert lotti[0].operatore == "reg.analista_regionale"
    # what went out: every event, pseudonymised, and no identifying value anywhere in the bytes
    assert len(bodies) == len(lotti)
    payloads = [json.loads(b) for b in bodies]
    assert sum(len(p["eventi"]) for p in payloads) == events
    text = b"".join(bodies).decode().casefold()
    secrets = _identifying(world)
    assert secrets and "quaranta" in {s.casefold() for s in secrets}
    for value in secrets:
        assert value.casefold() not in text, value
    assert all(len(e["pseudonimo"]) == 64 for p in payloads for e in p["eventi"])
    # nothing new: nothing sent
    again = dss_export(ente=world.enti["REG"], operatore=None, dimensione=3)
    assert again.messaggio == "Nessun nuovo evento da inviare al DSS." and len(bodies) == len(lotti)
    assert ChiamataInterop.objects.filter(e_service="dss", esito="ok").count() == len(lotti)


def test_a_failed_batch_is_resent_identically_and_acknowledged_once(simulators, world, events, sent):
    bodies, state = sent
    state["scenario"] = "offline"
    esito = dss_export(ente=world.enti["REG"], operatore=None, dimensione=4)
    assert esito.errore.startswith("Lotto CSE-DSS-") and "non risponde" in esito.errore
    lotto = LottoDss.objects.using("regionale").get()
    assert (lotto.stato, lotto.tentativi, lotto.codice_errore) == (StatoLotto.NON_INVIATO, 1, "http_503")
    failed_body = bodies[-1]
    # new events meanwhile must not change the batch being retried
    state["scenario"] = ""
    esito = dss_export(ente=world.enti["REG"], operatore=None, dimensione=4, max_lotti=1)
    assert esito.inviati == [lotto.id_lotto]
    assert json.loads(bodies[-1])["eventi"] == json.loads(failed_body)["eventi"]
    lotto.refresh_from_db(using="regionale")
    assert (lotto.stato, lotto.tentativi, lotto.ricevuti) == (StatoLotto.INVIATO, 2, 4)


def test_a_batch_the_dss_already_has_is_acknowledged_not_duplicated(simulators, world, events, sent):
    first = EventoRegionale.objects.using("regionale").order_by("pk").values_list("pk", flat=True)[:2]
    ctx = CallContext(ente=world.enti["REG"])
    # an earlier send whose answer was lost: the DSS has the batch already
    regionali.dss_invia_lotto(id_lotto_for(first[0], first[1]), [{"tipo": "x", "pseudonimo": "p"}] * 2, ctx)
    esito = dss_export(ente=world.enti["REG"], operatore=None, dimensione=2, max_lotti=1)
    assert esito.inviati == [id_lotto_for(first[0], first[1])]
    assert LottoDss.objects.using("regionale").get().ricevuti == 2


def test_an_event_outside_the_allow_list_is_never_sent(simulators, world, events, sent):
    bodies, _ = sent
    evento = EventoRegionale.objects.using("regionale").order_by("pk").first()
    payload = dict(evento.payload, data={**evento.payload["data"], "cognome": "Quaranta"})
    EventoRegionale.objects.using("regionale").filter(pk=evento.pk).update(payload=payload)
    esito = dss_export(ente=world.enti["REG"], operatore=None, dimensione=3)
    assert "fuori dallo schema consentito" in esito.errore
    assert bodies == []
    assert LottoDss.objects.using("regionale").get().codice_errore == "evento_non_conforme"


def test_the_dss_refusing_a_batch_is_recorded(simulators, world, events, sent):
    _, state = sent
    state["scenario"] = "richiesta_invalida"
    esito = dss_export(ente=world.enti["REG"], operatore=None, dimensione=3)
    assert "rifiutato dal DSS" in esito.errore
    assert LottoDss.objects.using("regionale").get().stato == StatoLotto.RIFIUTATO


def test_analyst_page_and_button_behind_the_reauth(simulators, world, events, client):
    analyst = world.user("REG", "analista_regionale")
    client.force_login(analyst)
    page = client.get(reverse("regionale:dss"))
    assert page.status_code == 200 and f"<strong>{events}</strong> eventi non ancora inviati" in page.content.decode()
    session = client.session
    session[RECENT_AUTH_KEY] = 0
    session.save()
    response = client.post(reverse("regionale:dss_invio"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))
    assert not LottoDss.objects.using("regionale").exists()
    client.force_login(analyst)  # logging in counts as entering the password
    response = client.post(reverse("regionale:dss_invio"), follow=True)
    text = response.content.decode()
    assert f"Lotti ricevuti dal DSS: 1 ({events} eventi)." in text
    assert "Ricevuto dal DSS" in text


def test_the_dss_down_is_an_italian_message_not_a_500(simulators, world, events, client, sent):
    _, state = sent
    state["scenario"] = "timeout"
    client.force_login(world.user("REG", "analista_regionale"))
    response = client.post(reverse("regionale:dss_invio"), follow=True)
    assert response.status_code == 200
    assert "non inviato: Il DSS regionale non risponde in questo momento" in response.content.decode()


def test_others_get_404(simulators, world, events, client):
    for user in (world.user("A1", "responsabile"), world.user("AMB_A", "ufficio_di_piano")):
        client.force_login(user)
        assert client.get(reverse("regionale:dss")).status_code == 404
        assert client.post(reverse("regionale:dss_invio")).status_code == 404
    assert not LottoDss.objects.using("regionale").exists()


def test_command(simulators, world, events, capsys, sent):
    _, state = sent
    call_command("dss_export", dimensione=5, max_lotti=1)
    assert "Lotti ricevuti dal DSS: 1 (5 eventi)." in capsys.readouterr().out
    state["scenario"] = "offline"
    with pytest.raises(CommandError, match="non inviato"):
        call_command("dss_export")
