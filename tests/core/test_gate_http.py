"""The authentication gate on HTTP (AuthenticationGateMiddleware): with the second factor required, a password-only
session is sent to the TOTP page from every surface — an operator view, a file download, the admin, Wagtail's
admin — and a verified one is served; the parts with their own credentials (citizen portal, WaaS e-service) are not
gated by the operator's second factor; an operator left without any active incarico gets a 403 page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cse.cartella.fasi import Documento
from cse.core.models import Incarico
from cse.core.services import incarico_revoke
from tests.support.factories import CartellaFactory, OperatoreFactory, add_case_content
from tests.support.places import neighbour_comune, resident

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


def _login(client, user, *, verified: bool):
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _surfaces(comune) -> dict[str, tuple[object, str]]:
    """surface -> (a user allowed there, its URL)."""
    manager = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    case = CartellaFactory(assistito=resident(comune), by=manager)
    add_case_content(case, by=manager)  # a diary note, a document, a prestazione
    documento = Documento.objects.filter(cartella=case).first()
    admin = get_user_model().objects.create_superuser("admin.gate", password="non-usata-2026!")
    return {
        "vista operatore": (manager, reverse("locale:assistiti_list")),
        "scaricamento file": (manager, reverse("locale:documento", kwargs={"pk": documento.pk})),
        "amministrazione": (admin, reverse("admin:index")),
        "amministrazione Wagtail": (admin, reverse("wagtailadmin_home")),
    }


def test_every_surface_sends_a_password_only_session_to_the_second_factor(comune, client, settings):
    settings.CSE_REQUIRE_OTP = True
    for surface, (user, url) in _surfaces(comune).items():
        response = _login(client, user, verified=False).get(url)
        assert response.status_code == 302, surface
        assert response["Location"] == f"{reverse('otp_verify')}?next={url}", surface
        client.logout()


def test_every_surface_serves_a_verified_session(comune, client, settings):
    settings.CSE_REQUIRE_OTP = True
    for surface, (user, url) in _surfaces(comune).items():
        assert _login(client, user, verified=True).get(url).status_code == 200, surface
        client.logout()


def test_portal_and_waas_keep_their_own_credentials(comune, client, settings):
    """A half-logged-in operator is not bounced to the TOTP page on the citizen portal, and the WaaS e-service still
    answers 401 without a PDND voucher: the operator's session is no credential there."""
    front_desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    settings.CSE_REQUIRE_OTP = True
    _login(client, front_desk, verified=False)
    assert client.get(reverse("cittadino:prenota")).status_code == 200
    waas = client.get(reverse("siuss:waas_flussi", kwargs={"codice": comune.codice}))
    assert waas.status_code == 401 and "voucher" in waas.content.decode().lower()


def test_an_operator_without_any_active_incarico_is_refused_but_may_log_out(db, client):
    neighbour = neighbour_comune()
    user = OperatoreFactory(ente=neighbour, ruolo="segretariato")
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    for incarico in Incarico.objects.filter(operatore__user=user):
        incarico_revoke(incarico=incarico)
    response = client.get(reverse("home"))
    assert response.status_code == 403 and "Nessun incarico attivo" in response.content.decode()
    assert client.post(reverse("logout")).status_code == 302
