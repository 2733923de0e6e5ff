"""The demo a newcomer walks in five minutes: what seed_demo prints and what each printed login finds.

Bookings on the next two open days (closed days skipped), a transfer waiting for the ambito, a UVM session in
progress, figures in the regional tier, and the citizen who logs in through the SPID/CIE simulator."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import requests
from codicefiscale import codicefiscale
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cse.ambito.glossary import StatoSessione
from cse.ambito.models import SessioneUVM
from cse.cartella.models import Assistito, RichiestaTrasferimento
from cse.cittadino.agenda import Cittadino, Prenotazione, Sportello
from cse.cittadino.slots import closed_days
from cse.core.models import Operatore
from cse.core.roles import Ruolo
from cse.demo.bookings import open_days
from cse.regionale.models import PrestazioneSiuss, ValoreLeps
from interop.simulators.oidc import DEMO_CITIZEN
from tests.support.portal import use_oidc_simulator

DB = ["default", "regionale"]
SIMULATOR_CF = DEMO_CITIZEN["https://attributes.eid.gov.it/fiscal_number"].removeprefix("TINIT-")


def booked_days(sportello: Sportello) -> set:
    return {
        timezone.localtime(p.slot.inizio).date()
        for p in Prenotazione.objects.filter(slot__sportello=sportello).select_related("slot")
    }


@pytest.mark.django_db(databases=DB)
def test_the_printed_logins_say_role_ente_password_totp_and_what_to_try_at_the_real_address(capsys):
    call_command("seed_demo", "--scale", "40", "--url", "http://0.0.0.0:8123/")
    out = capsys.readouterr().out
    assert "Demo-CSE-2026!" in out and "nessun secondo fattore (TOTP)" in out
    for operatore in Operatore.objects.select_related("user").prefetch_related("incarichi__ente"):
        incarico = operatore.incarichi.get()
        line = next(row for row in out.splitlines() if row.strip().startswith(operatore.user.username + " "))
        assert Ruolo(incarico.ruolo).label in line and incarico.ente.nome in line
    assert "http://0.0.0.0:8123/locale/agenda/" in out and "http://0.0.0.0:8123/ambito/trasferimenti/" in out
    assert "http://127.0.0.1:8000" not in out
    assert f"{SIMULATOR_CF}" in out and "simulatore SPID/CIE" in out and "asl.geriatra" in out


@pytest.mark.django_db(databases=DB)
def test_seeded_twice_the_walkthrough_has_everything_once(capsys):
    call_command("seed_demo", "--scale", "40", "--quiet-logins")
    counts = (Prenotazione.objects.count(), SessioneUVM.objects.count(), RichiestaTrasferimento.objects.count())
    call_command("seed_demo", "--scale", "40", "--quiet-logins")
    assert (Prenotazione.objects.count(), SessioneUVM.objects.count(), RichiestaTrasferimento.objects.count()) == (
        counts
    )
    # bookings on the next two open days of each demo comune's segretariato, none on a closed day
    for comune in ("Molfetta", "Giovinazzo"):
        sportello = Sportello.objects.get(ente__comune__nome=comune, nome="Segretariato sociale")
        days = open_days(sportello)
        assert len(days) == 2 and booked_days(sportello) == set(days)
        today = timezone.localdate()
        assert not set(days) & set(closed_days(sportello, today, today + timedelta(days=14)))
        assert not Prenotazione.objects.filter(slot__sportello=sportello).exclude(stato="confermata").exists()
    # the ambito has a transfer to accept and a UVM session in progress, today
    assert RichiestaTrasferimento.objects.filter(stato="richiesto").count() == 1
    sessione = SessioneUVM.objects.get()
    assert (
        sessione.stato == StatoSessione.CONVOCATA and timezone.localtime(sessione.data).date() == timezone.localdate()
    )
    # the regional tier shows figures
    assert PrestazioneSiuss.objects.exists() and ValoreLeps.objects.exists()
    # everyone seeded, the simulator's citizen included, has a valid synthetic CF
    assert Assistito.objects.filter(codice_fiscale=SIMULATOR_CF, comune_residenza__nome="Molfetta").count() == 1
    registered = Assistito.objects.exclude(codice_fiscale="")  # one provisional record: the demo's duplicate
    assert all(codicefiscale.is_valid(cf) for cf in registered.values_list("codice_fiscale", flat=True))
    assert all(codicefiscale.is_valid(cf) for cf in Cittadino.objects.values_list("codice_fiscale", flat=True))
    assert all(codicefiscale.is_valid(cf) for cf in Operatore.objects.values_list("codice_fiscale", flat=True))


@pytest.fixture
def demo_oidc(simulator_suite, settings):
    """The portal configured as the demo configures it (CSE_CITIZEN_LOGIN=oidc) for the running simulator, whose
    citizen is its default one (the person seed_demo registers)."""
    _suite, servers = simulator_suite
    sim = servers["oidc"].get_app()
    use_oidc_simulator(settings, sim)
    previous, sim.citizen = sim.citizen, dict(DEMO_CITIZEN)
    yield sim
    sim.citizen = previous


@pytest.mark.django_db(databases=DB)
def test_the_demo_citizen_logs_in_through_the_spid_cie_simulator_and_finds_her_appointment(demo_oidc, client):
    call_command("seed_demo", "--scale", "30", "--quiet-logins")
    to_start = client.get(reverse("cittadino:accesso"))
    assert to_start["Location"].startswith(reverse("cittadino:oidc_start"))
    to_simulator = client.get(to_start["Location"])["Location"]
    assert to_simulator.startswith(demo_oidc.issuer)
    callback = requests.get(to_simulator, allow_redirects=False, timeout=5).headers["Location"]
    landed = client.get(callback)
    area = client.get(landed["Location"]).content.decode()
    booking = Prenotazione.objects.get(codice_fiscale=SIMULATOR_CF)
    assert booking.codice in area and "Segretariato sociale" in area
    assert Cittadino.objects.get(user__pk=client.session["_auth_user_id"]).codice_fiscale == SIMULATOR_CF


def settings_value(name: str, **env: str) -> subprocess.CompletedProcess:
    code = f"from django.conf import settings; print(settings.{name})"
    environ = {k: v for k, v in os.environ.items() if k not in {"CSE_CITIZEN_LOGIN", "CSE_DEMO"}}
    environ |= {"DJANGO_SETTINGS_MODULE": "cse.settings.dev", **env}
    return subprocess.run(  # noqa: S603 — this interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, cwd=django_settings.BASE_DIR
    )


def test_the_demo_logs_citizens_in_through_the_simulator_and_cannot_be_switched_to_the_test_page():
    assert settings_value("CSE_CITIZEN_LOGIN").stdout.strip() == "oidc"
    refused = settings_value("CSE_CITIZEN_LOGIN", CSE_CITIZEN_LOGIN="test")
    assert refused.returncode != 0 and "ImproperlyConfigured" in refused.stderr
