"""First TOTP enrolment needs a one-time, expiring activation code issued by the ente's administrator: a stolen
password alone never sees the TOTP secret nor enrols a device."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cse.core.models import CodiceAttivazione
from cse.core.otp_activation import codice_attivazione_issue
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(comune):
    return OperatoreFactory(ente=comune, ruolo="assistente_sociale")


@pytest.fixture
def admin(comune):
    return OperatoreFactory(ente=comune, ruolo="amministratore_ente")


@pytest.fixture
def enrolling(operator, client, settings):
    settings.CSE_REQUIRE_OTP = True
    client.force_login(operator)
    return client


def _issue(operator, admin) -> str:
    return codice_attivazione_issue(
        operatore=operator.operatore, ente=operator.operatore.incarichi.get().ente, by=admin
    )


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _main(response) -> str:
    """The page's own content, without the header (whose icons are SVG too)."""
    return response.content.decode().split("<main", 1)[1]


def test_without_a_code_the_enrolment_page_shows_no_secret_and_creates_no_device(operator, enrolling):
    page = _main(enrolling.get(reverse("otp_setup")))
    assert "codice di attivazione monouso" in page and "<svg" not in page and "otpauth" not in page
    assert not TOTPDevice.objects.filter(user=operator).exists()


def test_the_admin_issues_a_code_shown_once_and_stored_hashed(db, operator, admin, client):
    client.force_login(admin)
    incarico = operator.operatore.incarichi.get()
    page = client.post(reverse("codice_attivazione_emetti", kwargs={"pk": incarico.pk})).content.decode()
    codice = page.split('id="codice-attivazione">')[1].split("<")[0]
    stored = CodiceAttivazione.objects.get(operatore=operator.operatore)
    assert len(codice) == 14 and codice not in stored.codice_hash and stored.emesso_da == admin
    assert stored.scade_il > timezone.now() + timedelta(hours=71)


def test_the_right_code_unlocks_the_qr_code_and_a_totp_code_completes_the_enrolment(operator, admin, enrolling):
    codice = _issue(operator, admin)
    response = enrolling.post(reverse("otp_setup"), {"codice": codice.lower()})  # typed in lower case: accepted
    assert response.status_code == 302
    page = _main(enrolling.get(reverse("otp_setup")))
    assert "<svg" in page  # the QR code
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    enrolling.post(reverse("otp_setup"), {"token": _token(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert enrolling.get(reverse("locale:assistiti_list")).status_code == 200


@pytest.mark.parametrize(
    "case, message",
    [
        ("sbagliato", "Codice di attivazione non valido"),
        ("scaduto", "Codice di attivazione scaduto"),
        ("riusato", "Codice di attivazione già usato"),
        ("di-un-altro", "Codice di attivazione non valido"),
        ("sostituito", "Codice di attivazione scaduto"),
    ],
)
def test_a_wrong_expired_reused_or_foreign_code_is_refused_in_italian(
    comune, operator, admin, client, settings, case, message
):
    front_desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    settings.CSE_REQUIRE_OTP = True
    codice = _issue(operator, admin)
    if case == "sbagliato":
        codice = "AAAA-BBBB-CCCC"
    elif case == "scaduto":
        CodiceAttivazione.objects.update(scade_il=timezone.now() - timedelta(minutes=1))
    elif case == "riusato":
        first = client.__class__()
        first.force_login(operator)
        assert first.post(reverse("otp_setup"), {"codice": codice}).status_code == 302
    elif case == "di-un-altro":
        other = front_desk
        codice = _issue(other, admin)
    elif case == "sostituito":
        _issue(operator, admin)  # a newer code replaces the one the operator holds
    client.force_login(operator)
    response = client.post(reverse("otp_setup"), {"codice": codice})
    assert response.status_code == 400 and message in response.content.decode()
    assert not TOTPDevice.objects.filter(user=operator, confirmed=True).exists()
    if case != "riusato":
        assert not TOTPDevice.objects.filter(user=operator).exists()


def test_an_administrator_cannot_issue_a_code_for_their_own_account(admin, client):
    client.force_login(admin)
    incarico = admin.operatore.incarichi.get()
    response = client.post(reverse("codice_attivazione_emetti", kwargs={"pk": incarico.pk}), follow=True)
    assert "va chiesto a un altro amministratore" in response.content.decode()
    assert not CodiceAttivazione.objects.exists()


def test_no_code_for_an_operator_whose_second_factor_is_active(operator, admin, client):
    TOTPDevice.objects.create(user=operator, confirmed=True, name="app")
    client.force_login(admin)
    incarico = operator.operatore.incarichi.get()
    response = client.post(reverse("codice_attivazione_emetti", kwargs={"pk": incarico.pk}), follow=True)
    assert "già attivato il secondo fattore" in response.content.decode()
    assert not CodiceAttivazione.objects.exists()


def test_the_administrator_of_another_comune_gets_404(db, operator, client):
    other_comune = foreign_comune()
    foreign_admin = OperatoreFactory(ente=other_comune, ruolo="amministratore_ente")
    client.force_login(foreign_admin)
    incarico = operator.operatore.incarichi.get()
    assert client.post(reverse("codice_attivazione_emetti", kwargs={"pk": incarico.pk})).status_code == 404
    assert not CodiceAttivazione.objects.exists()


def test_a_worker_without_the_admin_role_cannot_issue_codes(comune, operator, client):
    front_desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    client.force_login(front_desk)
    incarico = operator.operatore.incarichi.get()
    assert client.post(reverse("codice_attivazione_emetti", kwargs={"pk": incarico.pk})).status_code == 404
