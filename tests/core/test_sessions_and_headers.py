"""Sessions and headers: a new session key at login, logout deletes the session server-side, idle and absolute
timeouts, password re-entry before exports and transfers, CSP and the other security headers, and production
settings that pass `manage.py check --deploy` with no warning."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.support.ambito_work import pending_transfer
from tests.support.factories import PASSWORD, CartellaFactory, OperatoreFactory
from tests.support.places import home_ambito, neighbour_comune, regione, resident
from tests.support.submission import TokenClient

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


def _login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _later(monkeypatch, seconds: float) -> None:
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


# --- session lifecycle ------------------------------------------------------------------------------------------------


def test_login_gives_a_new_session_key_and_the_pre_login_one_is_gone(worker, client):
    before = client.session
    before["visitato"] = True
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    after = _login(client, worker)
    assert after != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()


def test_logout_deletes_the_session_row_and_the_old_cookie_opens_nothing(worker, client):
    key = _login(client, worker)
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    replay = TokenClient()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    response = replay.get(reverse("locale:assistiti_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"])


def test_requests_renew_the_idle_window_at_most_once_a_minute(worker, client, monkeypatch, settings):
    from cse.settings import base

    assert base.SESSION_COOKIE_AGE == 1800 and base.CSE_SESSION_RENEW_SECONDS == 60
    assert base.SESSION_EXPIRE_AT_BROWSER_CLOSE and base.SESSION_COOKIE_HTTPONLY
    settings.CSE_SESSION_RENEW_SECONDS = base.CSE_SESSION_RENEW_SECONDS
    key = _login(client, worker)
    url = reverse("locale:assistiti_list")
    expiry = Session.objects.get(session_key=key).expire_date  # the login renewed it
    assert _session_writes(client, url) == 0  # a page right after another: no write
    assert Session.objects.get(session_key=key).expire_date == expiry
    _later(monkeypatch, 61)
    assert _session_writes(client, url) == 1  # a minute later the window moves forward
    assert Session.objects.get(session_key=key).expire_date > expiry


def test_a_session_left_idle_for_the_window_ends(worker, client):
    key = _login(client, worker)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("locale:assistiti_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_active_session_still_ends_ten_hours_after_login(worker, client, monkeypatch):
    assert settings.CSE_SESSION_ABSOLUTE_SECONDS == 10 * 3600
    key = _login(client, worker)
    _later(monkeypatch, 9 * 3600)
    assert client.get(reverse("locale:assistiti_list")).status_code == 200
    _later(monkeypatch, 10 * 3600 + 60)
    response = client.get(reverse("locale:assistiti_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key).exists()


# --- re-authentication ------------------------------------------------------------------------------------------------


def test_an_export_needs_the_password_again_after_ten_minutes_and_returns_to_it(comune, client, monkeypatch):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    assert settings.CSE_REAUTH_MINUTES == 10
    _login(client, responsabile)
    export = reverse("siuss:dashboard_csv", kwargs={"pk": comune.pk})
    assert client.get(export).status_code == 200  # logging in counts as entering the password
    _later(monkeypatch, 11 * 60)
    response = client.get(export)
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))
    page = client.get(response["Location"])
    assert "Conferma la tua password" in page.content.decode()
    wrong = client.post(response["Location"], {"password": "sbagliata-davvero", "next": export})
    assert wrong.status_code == 200 and "Password non corretta." in wrong.content.decode()
    right = client.post(response["Location"], {"password": PASSWORD, "next": export})
    assert right.status_code == 302 and right["Location"] == export
    assert client.get(export).status_code == 200


def test_the_confirmation_never_sends_to_another_site(comune, client):
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    _login(client, responsabile)
    response = client.post(reverse("reauth"), {"password": PASSWORD, "next": "https://evil.example.invalid/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_an_operator_with_a_second_factor_confirms_with_the_code_too(comune, client, monkeypatch):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    user = responsabile
    device = TOTPDevice.objects.create(user=user, name="telefono", confirmed=True)
    _login(client, user)
    export = reverse("siuss:dashboard_csv", kwargs={"pk": comune.pk})
    _later(monkeypatch, 11 * 60)
    url = client.get(export)["Location"]
    page = client.get(url).content.decode()
    assert 'name="token"' in page and "e il codice dell'app di autenticazione" in page
    password_only = client.post(url, {"password": PASSWORD, "next": export})
    assert password_only.status_code == 200 and "Questo campo è obbligatorio." in password_only.content.decode()

    def current_code() -> int:  # on the clock the device reads (time.time, moved on by _later)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        return totp.token()

    wrong_code = f"{(current_code() + 1) % 1_000_000:06d}"
    wrong = client.post(url, {"password": PASSWORD, "token": wrong_code, "next": export})
    assert wrong.status_code == 200 and "Codice non valido o scaduto." in wrong.content.decode()
    assert client.get(export).status_code == 302  # still not confirmed
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a wrong code counts towards django-otp's throttling
    device.throttle_reset()  # the operator waits out the throttle (1 s after one failure)
    code = f"{current_code():06d}"
    right = client.post(url, {"password": PASSWORD, "token": code, "next": export})
    assert right.status_code == 302 and right["Location"] == export
    assert client.get(export).status_code == 200


def test_transfers_and_regional_exports_need_a_recent_password_too(worker, case, client, monkeypatch):
    neighbour = neighbour_comune()
    neighbour_worker = OperatoreFactory(ente=neighbour, ruolo="assistente_sociale")
    request = pending_transfer(CartellaFactory(assistito=resident(neighbour), by=neighbour_worker), by=neighbour_worker)
    planner = OperatoreFactory(ente=home_ambito(), ruolo="ufficio_di_piano")
    analyst = OperatoreFactory(ente=regione(), ruolo="analista_regionale")
    _login(client, worker)
    _later(monkeypatch, 11 * 60)
    request_page = client.get(reverse("locale:trasferimento", kwargs={"pk": case.pk}))
    assert request_page.status_code == 302 and request_page["Location"].startswith(reverse("reauth"))

    client.logout()
    monkeypatch.undo()
    _login(client, planner)
    _later(monkeypatch, 11 * 60)
    decision = reverse("ambito:trasferimento", kwargs={"pk": request.pk})
    assert client.get(decision).status_code == 200  # reading the request needs nothing more
    response = client.post(decision, {"decisione": "accetta", "motivo": "ok"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))
    request.refresh_from_db()
    assert request.stato == "richiesto"

    client.logout()
    monkeypatch.undo()
    _login(client, analyst)
    _later(monkeypatch, 11 * 60)
    response = client.get(reverse("regionale:cruscotto"), {"formato": "csv"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))


# --- headers ----------------------------------------------------------------------------------------------------------


def test_pages_carry_csp_with_a_fresh_nonce_and_the_security_headers(client):
    first, second = client.get(reverse("login")), client.get(reverse("login"))
    csp = first["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in first.content.decode()
    assert nonce not in second["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert first["X-Frame-Options"] == "DENY"
    assert first["X-Content-Type-Options"] == "nosniff"
    assert first["Referrer-Policy"] == "same-origin"
    assert "camera=()" in first["Permissions-Policy"]


def test_wagtail_admin_keeps_same_origin_framing_for_its_previews(client):
    response = client.get("/cms/login/")
    assert response["X-Frame-Options"] == "SAMEORIGIN" and "Content-Security-Policy" not in response


def test_no_template_has_an_inline_script_without_nonce_or_an_inline_event_handler():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag:
                offenders.append((path.name, tag))
        offenders += [(path.name, m) for m in re.findall(r"\son[a-z]+=\"", text)]
    assert offenders == []


# --- production settings ----------------------------------------------------------------------------------------------


def test_production_settings_pass_check_deploy_without_warnings():
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CSE_PSEUDONYM_KEY", "CSE_DEMO", "DEBUG"}}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "cse.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CSE_PSEUDONYM_KEY": secrets.token_urlsafe(40),
        "WAGTAILADMIN_BASE_URL": "https://cse.example.it",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_shows_no_stack_trace(client, settings):
    settings.DEBUG = False
    response = client.get("/operatore/non-esiste/")
    assert response.status_code == 404 and "Traceback" not in response.content.decode()
    assert "settings.py" not in response.content.decode()
