"""Export of the regional tier to the DSS (contract docs/interop/dss.md) against the simulator: batches with ids
derived from their first and last event, resent identically after a failure, each recorded with its outcome; an
event that becomes visible late (lower id, later commit) goes into the next batch, never lost and never in two
batches; nothing that identifies a person leaves (no codice fiscale, no name)."""

from __future__ import annotations

import importlib
import json
import threading
import uuid
from collections import Counter
from types import SimpleNamespace

import httpx
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connections, transaction
from django.urls import reverse

from cse.cartella.models import Assistito
from cse.cartella.relay import relay_outbox
from cse.core.external import CallContext
from cse.core.middleware import RECENT_AUTH_KEY
from cse.regionale.dss import dss_export, id_lotto_for
from cse.regionale.ingest import ingest_event
from cse.regionale.models import EventoRegionale, LottoDss, StatoLotto
from interop.models import ChiamataInterop
from interop.regionali import client as regionali
from tests.support.factories import CartellaFactory, OperatoreFactory, add_case_content, ensure_reference_data
from tests.support.places import foreign_comune, home_ambito, home_comune, neighbour_comune, regione, resident

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


@pytest.fixture
def region(db):
    return regione()


@pytest.fixture
def analyst(region):
    return OperatoreFactory(ente=region, ruolo="analista_regionale", username="reg.analista_regionale")


def casework() -> None:
    """Three comuni's casework, a case each with a note, a document and a prestazione: the events of three cases."""
    ensure_reference_data()  # a transactional test before this one may have flushed the nomenclatore
    people = (
        (home_comune(), {"cognome": "Quaranta", "nome": "Luca", "sesso": "M"}),
        (neighbour_comune(), {}),
        (foreign_comune(), {}),
    )
    for comune, name in people:
        worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
        add_case_content(CartellaFactory(assistito=resident(comune, **name), by=worker), by=worker)


@pytest.fixture
def events(region):
    casework()
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


def _sent_by_batch(bodies) -> dict[str, list[str]]:
    """idLotto → the event_ids in it, over every body posted (a resend posts the same idLotto again)."""
    batches: dict[str, list[str]] = {}
    for body in bodies:
        payload = json.loads(body)
        ids = [e["evento"]["event_id"] for e in payload["eventi"]]
        assert batches.setdefault(payload["idLotto"], ids) == ids, "a batch resent with other events"
    return batches


def _stored_ids() -> set[str]:
    return {str(i) for i in EventoRegionale.objects.using("regionale").values_list("event_id", flat=True)}


def _hide(pk: int) -> dict:
    """Make a stored event invisible, as if its ingestion transaction had not committed yet; returns its row."""
    evento = EventoRegionale.objects.using("regionale").get(pk=pk)
    row = {f.attname: getattr(evento, f.attname) for f in EventoRegionale._meta.concrete_fields}
    evento.delete(using="regionale")
    return row


def _identifying() -> set[str]:
    values = set()
    for a in Assistito.objects.all():
        values |= {a.codice_fiscale, a.cognome, a.nome}
    return {v for v in values if v}


def test_batches_carry_no_codice_fiscale_or_name_and_are_recorded(simulators, analyst, region, events, sent):
    bodies, _ = sent
    esito = dss_export(ente=region, operatore=analyst, dimensione=3)
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
    secrets = _identifying()
    assert secrets and "quaranta" in {s.casefold() for s in secrets}
    for value in secrets:
        assert value.casefold() not in text, value
    assert all(len(e["pseudonimo"]) == 64 for p in payloads for e in p["eventi"])
    # nothing new: nothing sent
    again = dss_export(ente=region, operatore=None, dimensione=3)
    assert again.messaggio == "Nessun nuovo evento da inviare al DSS." and len(bodies) == len(lotti)
    assert ChiamataInterop.objects.filter(e_service="dss", esito="ok").count() == len(lotti)


def test_a_failed_batch_is_resent_identically_and_acknowledged_once(simulators, region, events, sent):
    bodies, state = sent
    state["scenario"] = "offline"
    esito = dss_export(ente=region, operatore=None, dimensione=4)
    assert esito.errore.startswith("Lotto CSE-DSS-") and "non risponde" in esito.errore
    lotto = LottoDss.objects.using("regionale").get()
    assert (lotto.stato, lotto.tentativi, lotto.codice_errore) == (StatoLotto.NON_INVIATO, 1, "http_503")
    failed_body = bodies[-1]
    # new events meanwhile must not change the batch being retried
    state["scenario"] = ""
    esito = dss_export(ente=region, operatore=None, dimensione=4, max_lotti=1)
    assert esito.inviati == [lotto.id_lotto]
    assert json.loads(bodies[-1])["eventi"] == json.loads(failed_body)["eventi"]
    lotto.refresh_from_db(using="regionale")
    assert (lotto.stato, lotto.tentativi, lotto.ricevuti) == (StatoLotto.INVIATO, 2, 4)


def test_an_event_visible_after_a_later_batch_was_sent_goes_into_the_next_batch(simulators, region, events, sent):
    """Ids are taken at insert, visibility comes at commit: an ingestion that commits late shows an event whose id
    is lower than ids already sent. "The events after the last id sent" would skip it forever."""
    bodies, _ = sent
    ids = list(EventoRegionale.objects.using("regionale").order_by("pk").values_list("pk", flat=True))
    late = _hide(ids[1])
    first = dss_export(ente=region, operatore=None, dimensione=3)
    assert not first.errore and first.eventi == events - 1
    assert str(late["event_id"]) not in {e for batch in _sent_by_batch(bodies).values() for e in batch}
    EventoRegionale.objects.using("regionale").create(**late)  # the slow transaction commits
    assert late["id"] < max(lotto.ultimo_evento for lotto in LottoDss.objects.using("regionale"))
    second = dss_export(ente=region, operatore=None, dimensione=3)
    assert second.inviati == [id_lotto_for(late["id"], late["id"])] and second.eventi == 1
    batches = _sent_by_batch(bodies)
    assert batches[second.inviati[0]] == [str(late["event_id"])]
    sent_ids = Counter(e for batch in batches.values() for e in batch)
    assert set(sent_ids) == _stored_ids() and set(sent_ids.values()) == {1}  # all sent, none in two batches
    assert dss_export(ente=region, operatore=None).messaggio == "Nessun nuovo evento da inviare al DSS."


def test_a_failed_batch_keeps_its_events_when_a_late_one_appears_in_its_range(simulators, region, events, sent):
    bodies, state = sent
    ids = list(EventoRegionale.objects.using("regionale").order_by("pk").values_list("pk", flat=True))
    late = _hide(ids[1])
    state["scenario"] = "offline"
    failed = dss_export(ente=region, operatore=None, dimensione=4)
    lotto = LottoDss.objects.using("regionale").get()
    assert failed.errore and (lotto.primo_evento, lotto.ultimo_evento) == (ids[0], ids[4])
    failed_body = json.loads(bodies[-1])
    EventoRegionale.objects.using("regionale").create(**late)  # visible now, inside the failed batch's range
    state["scenario"] = ""
    resent = dss_export(ente=region, operatore=None, dimensione=4, max_lotti=1)
    assert resent.inviati == [lotto.id_lotto]
    assert json.loads(bodies[-1]) == failed_body  # same id, same events: the DSS counts it once
    rest = dss_export(ente=region, operatore=None, dimensione=4)
    assert not rest.errore
    batches = _sent_by_batch(bodies)
    assert str(late["event_id"]) in batches[rest.inviati[0]]
    sent_ids = Counter(e for batch in batches.values() for e in batch)
    assert set(sent_ids) == _stored_ids() and set(sent_ids.values()) == {1}
    lotti = LottoDss.objects.using("regionale")
    assert sum(lotti.values_list("n_eventi", flat=True)) == events
    assert all(lotto.eventi.count() == lotto.n_eventi for lotto in lotti)


def test_the_page_counts_events_in_no_batch_and_in_batches_to_resend(simulators, analyst, region, events, sent, client):
    _, state = sent
    ids = list(EventoRegionale.objects.using("regionale").order_by("pk").values_list("pk", flat=True))
    late = _hide(ids[1])
    assert not dss_export(ente=region, operatore=None).errore
    EventoRegionale.objects.using("regionale").create(**late)
    client.force_login(analyst)
    counted = "<strong>1</strong> eventi non ancora inviati"
    assert counted in client.get(reverse("regionale:dss")).content.decode()  # in no batch, below the last sent
    state["scenario"] = "offline"
    assert dss_export(ente=region, operatore=None).errore
    assert counted in client.get(reverse("regionale:dss")).content.decode()  # in a batch to resend


def test_the_migration_marks_the_events_of_the_batches_sent_before_it(events):
    """Batches made before 0008 were contiguous id ranges: their events are marked, the others are left unmarked."""
    db = EventoRegionale.objects.using("regionale")
    ids = list(db.order_by("pk").values_list("pk", flat=True))
    old = LottoDss.objects.using("regionale").create(
        id_lotto=id_lotto_for(ids[0], ids[2]), primo_evento=ids[0], ultimo_evento=ids[2], n_eventi=3
    )
    migration = importlib.import_module("cse.regionale.migrations.0008_evento_lotto_dss")
    migration.mark_events_of_existing_batches(apps, SimpleNamespace(connection=connections["regionale"]))
    assert set(old.eventi.values_list("pk", flat=True)) == set(ids[:3])
    assert set(db.filter(lotto_dss__isnull=True).values_list("pk", flat=True)) == set(ids[3:])


def test_a_batch_the_dss_already_has_is_acknowledged_not_duplicated(simulators, region, events, sent):
    first = EventoRegionale.objects.using("regionale").order_by("pk").values_list("pk", flat=True)[:2]
    ctx = CallContext(ente=region)
    # an earlier send whose answer was lost: the DSS has the batch already
    regionali.dss_invia_lotto(id_lotto_for(first[0], first[1]), [{"tipo": "x", "pseudonimo": "p"}] * 2, ctx)
    esito = dss_export(ente=region, operatore=None, dimensione=2, max_lotti=1)
    assert esito.inviati == [id_lotto_for(first[0], first[1])]
    assert LottoDss.objects.using("regionale").get().ricevuti == 2


def test_an_event_outside_the_allow_list_is_never_sent(simulators, region, events, sent):
    bodies, _ = sent
    evento = EventoRegionale.objects.using("regionale").order_by("pk").first()
    payload = dict(evento.payload, data={**evento.payload["data"], "cognome": "Quaranta"})
    EventoRegionale.objects.using("regionale").filter(pk=evento.pk).update(payload=payload)
    esito = dss_export(ente=region, operatore=None, dimensione=3)
    assert "fuori dallo schema consentito" in esito.errore
    assert bodies == []
    assert LottoDss.objects.using("regionale").get().codice_errore == "evento_non_conforme"


def test_the_dss_refusing_a_batch_is_recorded(simulators, region, events, sent):
    _, state = sent
    state["scenario"] = "richiesta_invalida"
    esito = dss_export(ente=region, operatore=None, dimensione=3)
    assert "rifiutato dal DSS" in esito.errore
    assert LottoDss.objects.using("regionale").get().stato == StatoLotto.RIFIUTATO


def test_analyst_page_and_button_behind_the_reauth(simulators, analyst, events, client):
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


def test_the_dss_down_is_an_italian_message_not_a_500(simulators, analyst, events, client, sent):
    _, state = sent
    state["scenario"] = "timeout"
    client.force_login(analyst)
    response = client.post(reverse("regionale:dss_invio"), follow=True)
    assert response.status_code == 200
    assert "non inviato: Il DSS regionale non risponde in questo momento" in response.content.decode()


def test_others_get_404(simulators, events, client):
    for user in (
        OperatoreFactory(ente=home_comune(), ruolo="responsabile"),
        OperatoreFactory(ente=home_ambito(), ruolo="ufficio_di_piano"),
    ):
        client.force_login(user)
        assert client.get(reverse("regionale:dss")).status_code == 404
        assert client.post(reverse("regionale:dss_invio")).status_code == 404
    assert not LottoDss.objects.using("regionale").exists()


def test_command(simulators, events, capsys, sent):
    _, state = sent
    call_command("dss_export", dimensione=5, max_lotti=1)
    assert "Lotti ricevuti dal DSS: 1 (5 eventi)." in capsys.readouterr().out
    state["scenario"] = "offline"
    with pytest.raises(CommandError, match="non inviato"):
        call_command("dss_export")


# --- PostgreSQL: real concurrent transactions (per-test transactions would hide the commit order) ---------------

on_postgres = pytest.mark.skipif(
    connections["regionale"].vendor != "postgresql", reason="transazioni concorrenti solo su PostgreSQL"
)
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"])


@pytest.fixture
def dss_calls(monkeypatch):
    """The DSS answering every batch, recording idLotto → event_ids (a resend must carry the same events)."""
    calls: dict[str, list[str]] = {}
    lock = threading.Lock()

    def invia(id_lotto, eventi, ctx):
        ids = [e["evento"]["event_id"] for e in eventi]
        with lock:
            assert calls.setdefault(id_lotto, ids) == ids
        return {"ricevuti": len(ids)}

    monkeypatch.setattr(regionali, "dss_invia_lotto", invia)
    return calls


def _fresh_event(case_key: str) -> dict:
    """A new valid event of an existing case (next sequence), copied from one of its stored events."""
    stored = EventoRegionale.objects.using("regionale").filter(case_key=case_key).order_by("-sequence").first()
    return dict(stored.payload, event_id=str(uuid.uuid4()), sequence=stored.sequence + 1)


@on_postgres
@committed
def test_an_ingestion_committing_after_a_batch_with_higher_ids_is_not_skipped(region, dss_calls):
    casework()
    relay_outbox(sender=ingest_event)
    cases = list(EventoRegionale.objects.using("regionale").values_list("case_key", flat=True).distinct()[:2])
    assert len(cases) == 2
    slow_event, quick_event = _fresh_event(cases[0]), _fresh_event(cases[1])
    inserted, release, failures = threading.Event(), threading.Event(), []

    def slow_ingestion():
        try:
            with transaction.atomic(using="regionale"):
                ingest_event(slow_event)  # takes its id now, becomes visible at commit
                inserted.set()
                assert release.wait(20)
        except Exception as exc:  # reported in the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_ingestion)
    thread.start()
    try:
        assert inserted.wait(20)
        ingest_event(quick_event)  # a higher id, committed first
        first = dss_export(ente=region, operatore=None, dimensione=4)
        assert not first.errore
    finally:
        release.set()
        thread.join()
    assert not failures
    slow = EventoRegionale.objects.using("regionale").get(event_id=slow_event["event_id"])
    quick = EventoRegionale.objects.using("regionale").get(event_id=quick_event["event_id"])
    assert slow.pk < quick.pk and quick.lotto_dss is not None and slow.lotto_dss is None
    second = dss_export(ente=region, operatore=None, dimensione=4)
    assert second.inviati == [id_lotto_for(slow.pk, slow.pk)]
    sent_ids = Counter(e for batch in dss_calls.values() for e in batch)
    assert set(sent_ids) == _stored_ids() and set(sent_ids.values()) == {1}


@on_postgres
@committed
def test_two_exports_at_once_never_put_an_event_in_two_batches(region, dss_calls):
    casework()
    relay_outbox(sender=ingest_event)
    barrier, failures = threading.Barrier(2), []

    def export():
        try:
            barrier.wait()
            esito = dss_export(ente=region, operatore=None, dimensione=2)
            assert not esito.errore, esito.errore
        except Exception as exc:  # reported in the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=export) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    sent_ids = Counter(e for batch in dss_calls.values() for e in batch)
    assert set(sent_ids) == _stored_ids() and set(sent_ids.values()) == {1}
    lotti = LottoDss.objects.using("regionale")
    assert set(lotti.values_list("stato", flat=True)) == {StatoLotto.INVIATO}
    assert all(lotto.eventi.count() == lotto.n_eventi for lotto in lotti)
