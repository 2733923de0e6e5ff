"""CIE/SPID OpenID Connect citizen login (CSE_CITIZEN_LOGIN="oidc") against the local OIDC provider simulator:
the real authorization-code + PKCE round trip (the code exchange is a server-side HTTP call to the simulator),
and every way it must refuse — with an Italian message and nothing written."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from cse.cittadino.agenda import Cittadino
from cse.cittadino.oidc import ACR_SESSION_KEY, CitizenRefused, codice_fiscale_from_claims, spid_level
from cse.demo.synthetic import codice_fiscale_for
from cse.settings.checks import check_citizen_oidc_settings
from tests.support.factories import OperatoreFactory
from tests.support.portal import use_oidc_simulator

CF = codice_fiscale_for("Prova", "Giulia", "F", datetime.date(1985, 3, 12), "F284")
CF_CLAIM = "https://attributes.eid.gov.it/fiscal_number"
CITIZEN = {CF_CLAIM: f"TINIT-{CF}", "given_name": "Giulia", "family_name": "Prova", "email": "g.prova@example.invalid"}


@pytest.fixture
def op(simulator_suite, settings):
    """The OIDC simulator with the portal configured for it; its citizen and misbehaviour reset after each test."""
    _suite, servers = simulator_suite
    sim = servers["oidc"].get_app()
    use_oidc_simulator(settings, sim)
    settings.OIDC_TIMEOUT = 5
    sim.citizen, sim.token_scenario, sim.asserted_acr = dict(CITIZEN), "", ""
    yield sim
    sim.citizen, sim.token_scenario, sim.asserted_acr = dict(CITIZEN), "", ""


def start(client, next_url: str = "") -> str:
    """Click "Accedi con SPID o CIE" and let the provider approve: the callback URL the browser is sent back to."""
    response = client.get(reverse("cittadino:accesso"), {"next": next_url} if next_url else {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("cittadino:oidc_start"))
    to_op = client.get(response["Location"])
    assert to_op.status_code == 302
    back = requests.get(to_op["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_citizen_logs_in_with_cie_and_lands_in_the_personal_area_with_the_cf(op, client, db):
    response = client.get(reverse("cittadino:accesso"))
    authorize = client.get(response["Location"])["Location"]
    query = parse_qs(urlparse(authorize).query)
    assert query["acr_values"] == ["https://www.spid.gov.it/SpidL2"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0] and query["nonce"][0]
    callback = requests.get(authorize, allow_redirects=False, timeout=5).headers["Location"]

    landed = client.get(callback)

    assert landed.status_code == 302 and landed["Location"] == reverse("cittadino:area_personale")
    area = client.get(landed["Location"]).content.decode()
    assert "Area personale" in area and CF in area and "Giulia Prova" in area
    cittadino = Cittadino.objects.get(codice_fiscale=CF)
    assert cittadino.email == "g.prova@example.invalid" and cittadino.user.has_usable_password() is False
    assert client.session[ACR_SESSION_KEY] == "https://www.spid.gov.it/SpidL2"


def test_second_login_reuses_the_citizen_and_honours_next(op, client, db):
    client.get(start(client))
    client.post(reverse("cittadino:uscita"))
    landed = client.get(start(client, next_url=reverse("cittadino:prenota")))
    assert landed["Location"] == reverse("cittadino:prenota") and logged_in(client)
    assert Cittadino.objects.filter(codice_fiscale=CF).count() == 1


@pytest.mark.parametrize(
    "claims, message",
    [
        ({"given_name": "Giulia", "family_name": "Prova"}, "non ha fornito il codice fiscale"),
        ({CF_CLAIM: "TINIT-RSSMRA80A01F284Q", "given_name": "M", "family_name": "R"}, "non è valido"),
        ({CF_CLAIM: f"TINIT-{CF}", "given_name": "", "family_name": "Prova"}, "non ha fornito nome e cognome"),
    ],
    ids=["cf-assente", "cf-non-valido", "nome-assente"],
)
def test_missing_or_invalid_identity_claims_are_refused_and_nothing_is_created(op, client, db, claims, message):
    op.citizen = claims
    users = get_user_model().objects.count()
    response = client.get(start(client))
    assert response.status_code == 403 and message in response.content.decode()
    assert not logged_in(client) and not Cittadino.objects.exists()
    assert get_user_model().objects.count() == users


def test_an_operators_codice_fiscale_cannot_log_in_as_a_citizen(op, client, comune):
    operatore = OperatoreFactory(ente=comune, ruolo="assistente_sociale").operatore
    op.citizen = {CF_CLAIM: f"TINIT-{operatore.codice_fiscale}", "given_name": "X", "family_name": "Y"}
    response = client.get(start(client))
    assert response.status_code == 403 and "account di operatore" in response.content.decode()
    assert not logged_in(client) and not Cittadino.objects.exists()


def test_a_staff_account_bound_to_a_citizen_cf_is_refused(op, client, db):
    from cse.cittadino.services import cittadino_ensure

    cittadino = cittadino_ensure(codice_fiscale=CF, nome="Giulia", cognome="Prova")
    cittadino.user.is_staff = True
    cittadino.user.save()
    response = client.get(start(client))
    assert response.status_code == 403 and "account di operatore" in response.content.decode()
    assert not logged_in(client)


SPID = "https://www.spid.gov.it/SpidL"


def test_a_login_asserted_at_spid_level_1_is_refused_with_an_italian_page(op, client, db):
    op.asserted_acr = f"{SPID}1"  # the provider authenticated with password only, whatever we asked
    users = get_user_model().objects.count()
    response = client.get(start(client))
    assert response.status_code == 403
    assert "livello di sicurezza insufficiente" in response.content.decode()
    assert "livello 2 o superiore" in response.content.decode()
    assert not logged_in(client) and not Cittadino.objects.exists()
    assert get_user_model().objects.count() == users


def test_the_minimum_level_is_configurable(op, client, db, settings):
    settings.CSE_SPID_MIN_LEVEL = 3
    refused = client.get(start(client))  # the simulator asserts the requested SpidL2
    assert refused.status_code == 403 and "livello 3 o superiore" in refused.content.decode()
    op.asserted_acr = f"{SPID}3"
    landed = client.get(start(client))
    assert landed.status_code == 302 and logged_in(client)
    assert client.session[ACR_SESSION_KEY] == f"{SPID}3"


@pytest.mark.parametrize(
    "acr, level",
    [(f"{SPID}1", 1), (f"{SPID}2", 2), (f"{SPID}3", 3), ("", 0), (None, 0), (f"{SPID}9", 0), ("SpidL3", 0)],
)
def test_spid_level_reads_only_the_spid_cie_acr_values(acr, level):
    assert spid_level(acr) == level


@pytest.mark.parametrize("scenario", ["errore_server", "malformato", "invalid_grant", "invalid_client"])
def test_token_endpoint_failures_give_an_italian_message_and_create_nothing(op, client, db, scenario):
    callback = start(client)
    op.token_scenario = scenario
    response = client.get(callback)
    assert response.status_code == 503
    assert "non risponde correttamente" in response.content.decode()
    assert not logged_in(client) and not Cittadino.objects.exists()


def test_token_endpoint_down_gives_an_italian_message(op, client, db, settings):
    callback = start(client)
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # discard port: connection refused
    response = client.get(callback)
    assert response.status_code == 503 and "riprovare più tardi" in response.content.decode()
    assert not logged_in(client) and not Cittadino.objects.exists()


def test_a_callback_with_a_state_this_browser_did_not_start_is_refused(op, client, db):
    callback = start(client)
    forged = callback.replace("state=", "state=forged")
    response = client.get(forged)
    assert response.status_code == 400 and "non corrisponde" in response.content.decode()
    assert not logged_in(client) and not Cittadino.objects.exists()


def test_a_callback_from_another_browser_session_is_refused(op, client, db):
    from django.test import Client

    callback = start(client)
    response = Client().get(callback)  # CSRF: the attacker's code replayed into a victim's browser
    assert response.status_code == 400 and not Cittadino.objects.exists()


def test_an_id_token_for_another_client_is_refused(op, client, db):
    callback = start(client)
    op.id_token_audience = "cse-altro-client"
    try:
        response = client.get(callback)
    finally:
        op.id_token_audience = ""
    assert response.status_code == 400 and "non è valida" in response.content.decode()
    assert not logged_in(client) and not Cittadino.objects.exists()


def test_the_user_cancelling_at_the_provider_is_an_italian_message(op, client, db):
    client.get(reverse("cittadino:oidc_start"))
    response = client.get(reverse("cittadino:oidc_callback"), {"error": "access_denied", "state": "x"})
    assert response.status_code == 400 and "Accesso annullato" in response.content.decode()


def test_logout_is_rp_initiated_at_the_provider(op, client, db):
    client.get(start(client))
    response = client.post(reverse("cittadino:uscita"))
    target = urlparse(response["Location"])
    assert response["Location"].startswith(op.issuer + "/logout")
    assert parse_qs(target.query)["id_token_hint"][0] and not logged_in(client)


def test_oidc_pages_do_not_exist_in_test_mode(client, db, settings):
    settings.CSE_CITIZEN_LOGIN = "test"
    assert client.get(reverse("cittadino:oidc_start")).status_code == 404
    assert client.get(reverse("cittadino:oidc_callback"), {"code": "x", "state": "y"}).status_code == 404


@pytest.mark.parametrize("value", [f"TINIT-{CF}", CF, f"tinit-{CF.lower()}"])
def test_fiscal_number_claim_forms_accepted(value):
    assert codice_fiscale_from_claims({CF_CLAIM: value}) == CF
    assert codice_fiscale_from_claims({"fiscal_number": value}) == CF


def test_fiscal_number_claim_that_is_not_a_string_is_refused():
    with pytest.raises(CitizenRefused):
        codice_fiscale_from_claims({CF_CLAIM: ["TINIT-" + CF]})


# --- production settings ------------------------------------------------------------------------------------------

PROD_OIDC = {
    "CSE_CITIZEN_LOGIN": "oidc",
    "CSE_OIDC_ISSUER": "https://id.example.invalid/oidc/op",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://id.example.invalid/oidc/op/authorization",
    "OIDC_OP_TOKEN_ENDPOINT": "https://id.example.invalid/oidc/op/token",
    "OIDC_OP_JWKS_ENDPOINT": "https://id.example.invalid/oidc/op/jwks",
    "OIDC_RP_CLIENT_ID": "https://comune.example.invalid/oidc/rp",
    "OIDC_RP_CLIENT_SECRET": "",
    "CSE_OIDC_PRIVATE_KEY_FILE": "/run/secrets/rp.pem",
    "OIDC_RP_SIGN_ALGO": "RS256",
}


def test_production_accepts_a_complete_oidc_configuration():
    check_citizen_oidc_settings(PROD_OIDC)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"OIDC_RP_CLIENT_ID": ""}, "CSE_OIDC_CLIENT_ID"),
        ({"CSE_OIDC_ISSUER": ""}, "CSE_OIDC_ISSUER"),
        ({"OIDC_OP_TOKEN_ENDPOINT": "/token"}, "OIDC_OP_TOKEN_ENDPOINT"),
        ({"OIDC_OP_JWKS_ENDPOINT": "http://id.example.invalid/jwks"}, "https://"),
        ({"CSE_OIDC_PRIVATE_KEY_FILE": ""}, "CSE_OIDC_PRIVATE_KEY_FILE"),
        ({"OIDC_RP_SIGN_ALGO": "HS256"}, "RS256"),
    ],
)
def test_production_refuses_a_half_oidc_configuration(overrides, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        check_citizen_oidc_settings({**PROD_OIDC, **overrides})
