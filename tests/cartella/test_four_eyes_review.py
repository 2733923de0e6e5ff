"""Four eyes on the review of emergency accesses and alerts: the reviewer is another person, holding the review
(audit) capability in the ente concerned — enforced by the service functions, whoever calls them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse.cartella.actions.vigilanza import accesso_emergenza_review, segnalazione_close
from cse.cartella.models import AccessoEmergenza, Segnalazione
from tests.support.factories import CartellaFactory, ComuneEnteFactory, OperatoreFactory
from tests.support.vigilanza import expired_emergency_access, out_of_hours_alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def comune():
    return ComuneEnteFactory()


@pytest.fixture
def responsabile(comune):
    return OperatoreFactory(ente=comune, ruolo="responsabile")


@pytest.fixture
def own_emergency(comune, responsabile) -> AccessoEmergenza:
    """The comune's responsabile opened an emergency access to a case of their own ente (as any operator may)."""
    case = CartellaFactory(assistito__ente=comune)
    return expired_emergency_access(operatore=responsabile, ente_origine=comune, cartella=case)


@pytest.fixture
def alert(comune, responsabile) -> Segnalazione:
    """An alert of the comune about its responsabile."""
    return out_of_hours_alert(ente=comune, operatore=responsabile)


def test_the_operator_cannot_review_their_own_emergency_access(responsabile, own_emergency):
    with pytest.raises(ValidationError, match="proprie azioni"):
        accesso_emergenza_review(accesso=own_emergency, by=responsabile, esito="giustificato")
    own_emergency.refresh_from_db()
    assert own_emergency.revisione == "" and own_emergency.revisionato_da is None


def test_another_reviewer_of_the_ente_reviews_it(comune, own_emergency):
    reviewer = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    accesso_emergenza_review(accesso=own_emergency, by=reviewer, esito="giustificato")
    own_emergency.refresh_from_db()
    assert own_emergency.revisione == "giustificato" and own_emergency.revisionato_da == reviewer


@pytest.mark.parametrize("who", [("own", "assistente_sociale"), ("own", "segretariato"), ("other", "responsabile")])
def test_someone_without_the_review_role_in_that_ente_is_refused(comune, own_emergency, alert, who):
    where, ruolo = who
    ente = comune if where == "own" else ComuneEnteFactory()  # "other": a comune of another ambito
    someone = OperatoreFactory(ente=ente, ruolo=ruolo)
    with pytest.raises(ValidationError, match="Solo il responsabile"):
        accesso_emergenza_review(accesso=own_emergency, by=someone, esito="giustificato")
    with pytest.raises(ValidationError, match="Solo il responsabile"):
        segnalazione_close(segnalazione=alert, by=someone, nota="Verificato.")
    alert.refresh_from_db()
    own_emergency.refresh_from_db()
    assert alert.chiusa_il is None and own_emergency.revisione == ""


def test_an_alert_about_oneself_is_closed_by_someone_else(comune, responsabile, alert):
    assert alert.operatore == responsabile
    with pytest.raises(ValidationError, match="proprie azioni"):
        segnalazione_close(segnalazione=alert, by=responsabile, nota="Era il mio turno serale.")
    alert.refresh_from_db()
    assert alert.chiusa_il is None

    administrator = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    segnalazione_close(segnalazione=alert, by=administrator, nota="Turno serale verificato.")
    alert.refresh_from_db()
    assert alert.chiusa_da == administrator


def test_the_page_shows_the_refusal_and_changes_nothing(client, responsabile, alert, own_emergency):
    client.force_login(responsabile)
    response = client.post(reverse("segnalazione_chiusura", kwargs={"pk": alert.pk}), {"nota": "Tutto in ordine."})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "proprie azioni" in page
    assert Segnalazione.objects.get(pk=alert.pk).chiusa_il is None
    client.post(
        reverse("accesso_emergenza_revisione", kwargs={"pk": own_emergency.pk}),
        {"esito": "giustificato", "nota": "ok"},
    )
    own_emergency.refresh_from_db()
    assert own_emergency.revisione == ""
