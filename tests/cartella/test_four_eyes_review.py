"""Four eyes on the review of emergency accesses and alerts: the reviewer is another person, holding the review
(audit) capability in the ente concerned — enforced by the service functions, whoever calls them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse.cartella.actions.vigilanza import accesso_emergenza_review, segnalazione_close
from cse.cartella.models import AccessoEmergenza, Segnalazione
from tests.support.factories import past_emergency_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_emergency(world) -> AccessoEmergenza:
    """A1's responsabile opened an emergency access to a case of their own ente (as any operator may)."""
    return past_emergency_access(world, by=("A1", "responsabile"), to_ente="A1")


def test_the_operator_cannot_review_their_own_emergency_access(world, own_emergency):
    with pytest.raises(ValidationError, match="proprie azioni"):
        accesso_emergenza_review(accesso=own_emergency, by=world.user("A1", "responsabile"), esito="giustificato")
    own_emergency.refresh_from_db()
    assert own_emergency.revisione == "" and own_emergency.revisionato_da is None


def test_another_reviewer_of_the_ente_reviews_it(world, own_emergency):
    reviewer = world.user("A1", "amministratore_ente")
    accesso_emergenza_review(accesso=own_emergency, by=reviewer, esito="giustificato")
    own_emergency.refresh_from_db()
    assert own_emergency.revisione == "giustificato" and own_emergency.revisionato_da == reviewer


@pytest.mark.parametrize("who", [("A1", "assistente_sociale"), ("A1", "segretariato"), ("B1", "responsabile")])
def test_someone_without_the_review_role_in_that_ente_is_refused(world, own_emergency, who):
    with pytest.raises(ValidationError, match="Solo il responsabile"):
        accesso_emergenza_review(accesso=own_emergency, by=world.user(*who), esito="giustificato")
    alert = world.segnalazioni["A1"]
    with pytest.raises(ValidationError, match="Solo il responsabile"):
        segnalazione_close(segnalazione=alert, by=world.user(*who), nota="Verificato.")
    alert.refresh_from_db()
    own_emergency.refresh_from_db()
    assert alert.chiusa_il is None and own_emergency.revisione == ""


def test_an_alert_about_oneself_is_closed_by_someone_else(world):
    alert = world.segnalazioni["A1"]
    assert alert.operatore == world.user("A1", "responsabile")
    with pytest.raises(ValidationError, match="proprie azioni"):
        segnalazione_close(segnalazione=alert, by=world.user("A1", "responsabile"), nota="Era il mio turno serale.")
    alert.refresh_from_db()
    assert alert.chiusa_il is None

    segnalazione_close(segnalazione=alert, by=world.user("A1", "amministratore_ente"), nota="Turno serale verificato.")
    alert.refresh_from_db()
    assert alert.chiusa_da == world.user("A1", "amministratore_ente")


def test_the_page_shows_the_refusal_and_changes_nothing(world, client, own_emergency):
    client.force_login(world.user("A1", "responsabile"))
    response = client.post(
        reverse("segnalazione_chiusura", kwargs={"pk": world.segnalazioni["A1"].pk}), {"nota": "Tutto in ordine."}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "proprie azioni" in page
    assert Segnalazione.objects.get(pk=world.segnalazioni["A1"].pk).chiusa_il is None
    client.post(
        reverse("accesso_emergenza_revisione", kwargs={"pk": own_emergency.pk}),
        {"esito": "giustificato", "nota": "ok"},
    )
    own_emergency.refresh_from_db()
    assert own_emergency.revisione == ""
