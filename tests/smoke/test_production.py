"""End-to-end smoke test of the production topology (`python3 dev.py prod --smoke`, run by CI).

Runs against the live processes over HTTPS — uvicorn workers with `cse.settings.prod`, PostgreSQL, Redis, the outbox
relay and the task-queue worker — never in-process: a front-office operator logs in with password and TOTP, watches
the agenda over a websocket while an anonymous citizen books (the push crosses worker processes through Redis, the
confirmation e-mail is sent by the task worker), registers a person and opens a case (the relay delivers the event to
the regional database). The test reads the production databases only to set up the operator's TOTP device and to
check what the background workers did.
"""

from __future__ import annotations

import json
import os
import random
import re
import ssl
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from cse.core.submission import FIELD
from tests.support.submission import fetch_submission_token

URL = os.environ.get("CSE_SMOKE_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="solo contro la topologia di produzione: python3 dev.py prod --smoke")

PASSWORD = "Demo-CSE-2026!"  # the synthetic data's operators (seed_demo); production still asks the second factor
OPERATOR = "molfetta.segretariato"


def wait_for(check, timeout: float = 30, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    return check()


@pytest.fixture(scope="module")
def orm(django_db_blocker):
    """Direct reads of the production databases (no test database is created by this module)."""
    with django_db_blocker.unblock():
        yield


def new_client() -> httpx.Client:
    return httpx.Client(base_url=URL, verify=False, timeout=20, headers={"Referer": f"{URL}/"})  # noqa: S501


def post(client: httpx.Client, path: str, data: dict, form_page: str | None = None) -> httpx.Response:
    """Post as the page does: CSRF token, and for a create form the one-time token of its page `form_page`."""
    if form_page is not None:
        data = {**data, FIELD: fetch_submission_token(client, form_page)}
    if "csrftoken" not in client.cookies:
        client.get(path)
    return client.post(path, data={"csrfmiddlewaretoken": client.cookies["csrftoken"], **data})


@pytest.fixture(scope="module")
def operator(orm) -> httpx.Client:
    """The front-office operator, logged in with password and a TOTP code (device set up once, key kept here)."""
    from django.contrib.auth import get_user_model
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=OPERATOR)
    device = TOTPDevice.objects.filter(user=user, confirmed=True, name="smoke").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=True, name="smoke")
    client = new_client()
    answer = post(client, "/operatore/accesso/", {"username": OPERATOR, "password": PASSWORD, "next": "/operatore/"})
    assert answer.status_code == 302, answer.text[:500]
    assert "/secondo-fattore/" in client.get("/operatore/").headers["location"]  # no way around the second factor
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    device.refresh_from_db()
    if device.last_t >= totp.t():  # a code is accepted once: wait for the next time step
        time.sleep(device.step - time.time() % device.step + 0.5)
    answer = post(client, "/operatore/accesso/secondo-fattore/", {"token": f"{totp.token():06d}"})
    assert answer.status_code == 302, answer.text[:500]
    assert client.get("/operatore/").status_code == 200
    return client


def test_the_probe_sees_every_backing_service():
    answer = new_client().get("/salute/")
    assert answer.status_code == 200
    assert answer.json() == {
        "stato": "ok",
        "componenti": {"database": "ok", "database_regionale": "ok", "channel_layer": "ok"},
    }


def test_production_settings_are_in_force():
    client = new_client()
    home = client.get("/")
    assert home.status_code == 200
    assert home.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "nonce-" in home.headers["content-security-policy"]
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home.text)
    assert stylesheet, "fogli di stile senza hash: ManifestStaticFilesStorage non attivo"
    css = client.get(stylesheet.group(1))
    assert css.status_code == 200 and "max-age=315360000" in css.headers["cache-control"]
    missing = client.get("/locale/assistiti/999999999/")
    assert missing.status_code in (302, 404) and "Traceback" not in missing.text  # DEBUG off


def test_a_booking_reaches_the_agenda_live_and_the_citizen_gets_the_email(operator, orm):
    from django_tasks_db.models import DBTaskResult
    from websockets.sync.client import connect

    from cse.cittadino.agenda import Prenotazione, Sportello
    from cse.cittadino.selectors import free_slots

    sportello = Sportello.objects.filter(ente__comune__nome="Molfetta", attivo=True).first()
    slot = free_slots(sportello).order_by("inizio").first()
    assert slot is not None, "nessuno slot libero: genera_slot non ha materializzato l'agenda"
    context = ssl._create_unverified_context()  # noqa: S323 - the topology's self-signed certificate
    ws_url = URL.replace("https://", "wss://") + f"/ws/agenda/{sportello.pk}/"
    cookies = "; ".join(f"{k}={v}" for k, v in operator.cookies.items())
    with connect(ws_url, ssl=context, additional_headers={"Cookie": cookies, "Origin": URL}, open_timeout=10) as ws:
        citizen = new_client()  # anonymous: no login, confirmation by e-mail
        query = f"?comune={sportello.ente.comune_id}&sportello={sportello.pk}&slot={slot.pk}"
        answer = post(
            citizen,
            f"/cittadino/prenota/{query}",
            form_page=f"/cittadino/prenota/{query}",
            data={
                "slot": slot.pk,
                "argomento": "altro",
                "motivo": "Informazioni sui servizi",
                "nome": "Prova",
                "cognome": "Fumo",
                "email": "fumo@example.invalid",
            },
        )
        assert answer.status_code == 302, answer.text[:800]
        codice = answer.headers["location"].rstrip("/").rsplit("/", 1)[1]
        pushed = json.loads(ws.recv(timeout=15))
    prenotazione = Prenotazione.objects.get(codice=codice)
    assert pushed == {"evento": "richiesta", "prenotazione": prenotazione.pk}

    def email_sent():
        return DBTaskResult.objects.filter(
            task_path="cse.cittadino.tasks.send_booking_email",
            args_kwargs__args__0=prenotazione.pk,
            status="SUCCESSFUL",
        ).exists()

    assert wait_for(email_sent), "il worker dei task non ha inviato l'e-mail della prenotazione"
    mails = Path(os.environ["EMAIL_FILE_PATH"]).glob("*.log")
    assert any(codice in m.read_text(errors="replace") for m in mails)


def test_a_new_case_reaches_the_region_through_the_relay(operator, orm):
    from cse.cartella.models import Cartella
    from cse.core.models import OutboxEvent
    from cse.demo.synthetic import generate_people
    from cse.regionale.models import EventoRegionale

    person = next(generate_people(1, birthplaces=["F284"], seed=random.SystemRandom().randrange(10**9)))
    ente = re.search(r'name="ente"[^>]*>\s*<option value="(\d+)"', operator.get("/locale/assistiti/nuovo/").text)
    answer = post(
        operator,
        "/locale/assistiti/nuovo/",
        form_page="/locale/assistiti/nuovo/",
        data={
            "ente": ente.group(1),
            "cognome": person.cognome,
            "nome": person.nome,
            "sesso": person.sesso,
            "data_nascita": person.data_nascita.isoformat(),
            "luogo_nascita": person.luogo_nascita,
            "codice_fiscale": person.codice_fiscale,
            "comune_residenza": "072029",
            "confirm_not_duplicate": "on",
        },
    )
    assert answer.status_code == 302, answer.text[:800]
    assistito = int(re.search(r"/assistiti/(\d+)/", answer.headers["location"]).group(1))
    regional_before = EventoRegionale.objects.count()
    answer = post(operator, f"/locale/assistiti/{assistito}/nuova-cartella/", {}, f"/locale/assistiti/{assistito}/")
    assert answer.status_code == 302, answer.text[:800]
    cartella = Cartella.objects.get(assistito_id=assistito)
    assert cartella.aperta_il == date.today()
    events = OutboxEvent.objects.filter(aggregate_type="cartella.cartella", aggregate_id=cartella.pk)
    assert events.exists()

    def relayed():
        pending = events.filter(sent_at__isnull=True).exists()
        return not pending and EventoRegionale.objects.count() > regional_before

    assert wait_for(relayed), "il relay non ha consegnato l'evento alla regione"
    assert operator.get(answer.headers["location"]).status_code == 200
    note = {"tipo": "colloquio", "data_evento": date.today().isoformat(), "testo": "Primo colloquio di prova."}
    diario = f"/locale/cartelle/{cartella.pk}/diario/"
    answer = post(operator, diario, note, form_page=diario)
    assert answer.status_code == 302, answer.text[:800]
    assert wait_for(relayed), "la voce di diario non è arrivata alla regione"
