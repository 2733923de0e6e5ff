"""Operator login: lock-out after repeated failures, TOTP second factor outside demo mode, idle expiry."""

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cse.core.otp_activation import codice_attivazione_issue
from tests.support.factories import PASSWORD, OperatoreFactory
from tests.support.places import home_comune


@pytest.fixture
def operator(db):
    return OperatoreFactory(ente=home_comune(), ruolo="assistente_sociale")


def test_the_login_page_logs_an_operator_in(operator, client):
    response = client.post(reverse("login"), {"username": operator.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_gives_an_italian_message(operator, client):
    response = client.post(reverse("login"), {"username": operator.username, "password": "sbagliata"})
    assert "Nome utente o password non corretti." in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(operator, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": operator.username, "password": "sbagliata"})
    response = client.post(reverse("login"), {"username": operator.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Accesso temporaneamente bloccato" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def token_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_outside_demo_mode_an_operator_must_enrol_and_pass_a_totp_code(comune, operator, client, settings):
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    settings.CSE_REQUIRE_OTP = True
    client.post(reverse("login"), {"username": operator.username, "password": PASSWORD})
    cartella_url = reverse("locale:assistiti_list")
    response = client.get(cartella_url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    response = client.get(response["Location"], follow=True)
    assert "codice di attivazione monouso" in response.content.decode()
    codice = codice_attivazione_issue(
        operatore=operator.operatore,
        ente=operator.operatore.incarichi.get().ente,
        by=admin,
    )
    client.post(reverse("otp_setup"), {"codice": codice})
    device = TOTPDevice.objects.get(user=operator, confirmed=False)

    bad = client.post(reverse("otp_setup"), {"token": "000000" if token_for(device) != "000000" else "111111"})
    assert "Codice non valido" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp throttles after a failure; the test lets that window pass
    client.post(reverse("otp_setup"), {"token": token_for(device), "next": cartella_url})
    assert client.get(cartella_url).status_code == 200


def test_a_new_session_must_verify_the_enrolled_device(operator, client, settings):
    settings.CSE_REQUIRE_OTP = True
    device = TOTPDevice.objects.create(user=operator, confirmed=True, name="app")
    client.post(reverse("login"), {"username": operator.username, "password": PASSWORD})
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_verify"))
    response = client.post(reverse("otp_verify"), {"token": "12345"})
    assert "Il codice è composto da 6 cifre." in response.content.decode()
    client.post(reverse("otp_verify"), {"token": token_for(device)})
    assert client.get(reverse("home")).status_code == 200


def test_a_redirect_after_otp_never_leaves_the_site(operator, client, settings):
    settings.CSE_REQUIRE_OTP = True
    device = TOTPDevice.objects.create(user=operator, confirmed=True, name="app")
    client.post(reverse("login"), {"username": operator.username, "password": PASSWORD})
    response = client.post(reverse("otp_verify"), {"token": token_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
