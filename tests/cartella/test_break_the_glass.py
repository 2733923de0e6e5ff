"""Break-the-glass: an operator of another comune at night opens the comune's case for a short time, read-only, with
a reason and their password; the comune's responsabile is alerted and reviews it; once expired the case is a 404
again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cse.cartella.models import (
    AccessoEmergenza,
    Cartella,
    CartellaUserObjectPermission,
    Segnalazione,
)
from cse.core.models import AccessLog
from cse.demo.synthetic import codice_fiscale_for
from tests.support.ambito import ambito_case
from tests.support.factories import (
    PASSWORD,
    ComuneEnteFactory,
    OperatoreFactory,
    RegioneEnteFactory,
    register_person,
)
from tests.support.pages import page_body
from tests.support.vigilanza import expired_emergency_access, out_of_hours_alert

MOTIVO = "Pronto intervento sociale notturno: persona trovata in strada, serve sapere chi la segue."


def _open(client, cf, *, motivo=MOTIVO, password=PASSWORD, follow=False):
    data = {"codice_fiscale": cf, "motivo": motivo, "password": password}
    return client.post(reverse("accesso_emergenza"), data, follow=follow)


def _emergency_grants(user):
    return CartellaUserObjectPermission.objects.filter(user=user, reason="accesso di emergenza")


@pytest.fixture
def other_comune(db):
    """A comune of another ambito, whose operators may only break the glass."""
    return ComuneEnteFactory()


@pytest.fixture
def outsider(other_comune):
    return OperatoreFactory(ente=other_comune, ruolo="assistente_sociale")


@pytest.mark.django_db
def test_night_emergency_access_is_read_only_alerted_reviewed_and_expires(
    comune, other_comune, worker, case, outsider, client, django_capture_on_commit_callbacks
):
    operatore = outsider
    case_a1 = case
    case_at_ambito = ambito_case(case.assistito, by=worker)
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    other_responsabile = OperatoreFactory(ente=other_comune, ruolo="responsabile")
    detail = reverse("locale:cartella_detail", kwargs={"pk": case_a1.pk})
    client.force_login(operatore)
    assert client.get(detail).status_code == 404  # before: the comune's case is foreign

    with django_capture_on_commit_callbacks(execute=True):
        response = _open(client, case.assistito.codice_fiscale)
    assert response.status_code == 302

    # read-only: the case opens, editing it answers like a foreign case
    assert client.get(detail).status_code == 200
    assert client.post(reverse("locale:valutazione", kwargs={"pk": case_a1.pk}), {}).status_code == 404
    transition = reverse("locale:transizione", kwargs={"pk": case_a1.pk})
    assert client.post(transition, {"target": "valutazione"}).status_code == 404

    # both open cases of the person (the comune's and the one at its ambito), each reviewed by its owner
    accessi = AccessoEmergenza.objects.filter(operatore=operatore)
    assert {a.cartella_id for a in accessi} == {case_a1.pk, case_at_ambito.pk}
    accesso = accessi.get(cartella=case_a1)
    assert accesso.ente_origine == other_comune and accesso.ente_titolare == comune
    assert accesso.al - accesso.dal == timedelta(minutes=120)
    assert accesso.history.count() == 1
    assert AccessLog.objects.filter(user=operatore, oggetto_id=case_a1.pk, finalita__startswith="accesso di emergenza")

    # the comune's responsabile: an in-app alert and an e-mail without personal data
    alert = Segnalazione.objects.get(ente=comune, tipo="accesso_emergenza")
    assert alert.accesso == accesso and alert.operatore == operatore
    to_a1 = [m for m in mail.outbox if responsabile.email in m.to]
    assert len(to_a1) == 1
    person = case.assistito
    for secret in (person.cognome, person.nome, person.codice_fiscale, case_a1.numero, MOTIVO[:30]):
        assert secret not in to_a1[0].body + to_a1[0].subject

    # the access is in the comune's review list, not in the other comune's
    client.force_login(responsabile)
    page = client.get(reverse("vigilanza")).content.decode()
    assert MOTIVO in page and str(other_comune) in page
    client.force_login(other_responsabile)
    assert MOTIVO not in client.get(reverse("vigilanza")).content.decode()

    # expired: the next request answers exactly like a case that does not exist
    _emergency_grants(operatore).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(operatore)
    expired = client.get(detail)
    missing = client.get(reverse("locale:cartella_detail", kwargs={"pk": 99_999_999}))
    assert expired.status_code == missing.status_code == 404
    assert page_body(expired) == page_body(missing)


@pytest.mark.django_db
def test_the_permission_layer_ignores_expired_grants(case, other_comune):
    operatore = OperatoreFactory(ente=other_comune, ruolo="segretariato")
    case_a1 = case
    from cse.cartella.actions.cartella import cartella_grant_access

    cartella_grant_access(
        base_giuridica="compito_pubblico",
        cartella=case_a1,
        user=operatore,
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    assert Cartella.objects.visible_to(operatore).filter(pk=case_a1.pk).exists()
    CartellaUserObjectPermission.objects.filter(user=operatore).update(expires_at=timezone.now() - timedelta(seconds=1))
    operatore = type(operatore).objects.get(pk=operatore.pk)  # a new request: no cached capabilities
    assert not Cartella.objects.visible_to(operatore).filter(pk=case_a1.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("motivo", "password", "field_error"),
    [
        ("Urgente, serve ora", PASSWORD, "almeno 20 caratteri"),
        (MOTIVO, "password-sbagliata", "Password non corretta"),
    ],
)
def test_short_reason_or_wrong_password_writes_nothing(case, outsider, client, motivo, password, field_error):
    operatore = outsider
    client.force_login(operatore)
    before = (AccessoEmergenza.objects.count(), Segnalazione.objects.count(), AccessLog.objects.count())
    response = _open(client, case.assistito.codice_fiscale, motivo=motivo, password=password)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert (AccessoEmergenza.objects.count(), Segnalazione.objects.count(), AccessLog.objects.count()) == before
    assert not _emergency_grants(operatore).exists()
    assert client.get(reverse("locale:cartella_detail", kwargs={"pk": case.pk})).status_code == 404


@pytest.mark.django_db
def test_password_guessing_on_the_emergency_form_hits_the_login_lockout(case, outsider, client, settings):
    operatore = outsider
    client.force_login(operatore)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _open(client, case.assistito.codice_fiscale, password="tentativo-sbagliato")
    response = _open(client, case.assistito.codice_fiscale)  # now even the right password is refused
    assert response.status_code != 302
    assert not AccessoEmergenza.objects.filter(operatore=operatore).exists()
    assert not _emergency_grants(operatore).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ente_kind", "ruolo"),
    [
        ("neighbour_comune", "redattore_portale"),
        ("regione", "analista_regionale"),
        ("other_comune", "amministratore_ente"),
    ],
)
def test_roles_without_cases_cannot_break_the_glass(ambito, case, client, ente_kind, ruolo):
    ente = {
        "neighbour_comune": lambda: ComuneEnteFactory(ambito=ambito),
        "regione": RegioneEnteFactory,
        "other_comune": ComuneEnteFactory,
    }[ente_kind]()
    user = OperatoreFactory(ente=ente, ruolo=ruolo)
    client.force_login(user)
    assert client.get(reverse("accesso_emergenza")).status_code == 404
    assert _open(client, case.assistito.codice_fiscale).status_code == 404
    assert not AccessoEmergenza.objects.filter(operatore=user).exists()
    assert "Accesso di emergenza" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_unknown_cf_and_person_without_open_case_get_the_same_answer_and_are_recorded(comune, other_comune, client):
    """Once reason and password are given and logged, "nothing open" is all the operator learns: the same message
    whether the codice fiscale is unknown everywhere or belongs to someone of another comune with no open case."""
    nobody_open = register_person(comune, cognome="Defilippis", nome="Carla", data_nascita=date(1961, 7, 2))
    operatore = OperatoreFactory(ente=other_comune, ruolo="segretariato")
    client.force_login(operatore)
    # a well-formed CF (the form refuses malformed ones before any lookup) that nobody holds
    unknown = _open(client, codice_fiscale_for("Zanzotto", "Zelinda", "F", date(1961, 7, 2), "F284"), follow=True)
    existing = _open(client, nobody_open.codice_fiscale, follow=True)
    assert unknown.status_code == existing.status_code == 200
    assert "Nessuna cartella aperta" in unknown.content.decode()
    assert page_body(unknown) == page_body(existing)

    rows = AccessoEmergenza.objects.filter(operatore=operatore).order_by("pk")
    assert [r.esito for r in rows] == ["nessuna_cartella", "nessuna_cartella"]
    assert rows[0].ente_titolare is None and rows[1].ente_titolare == comune
    # the person's comune sees the attempt; the unknown code is reported to the operator's own responsabile
    assert Segnalazione.objects.filter(ente=comune, tipo="emergenza_senza_esito").count() == 1
    assert Segnalazione.objects.filter(ente=other_comune, tipo="emergenza_senza_esito").count() == 1
    assert not _emergency_grants(operatore).exists()


@pytest.mark.django_db
def test_the_owner_reviews_and_another_ente_cannot(comune, other_comune, case, client):
    other_responsabile = OperatoreFactory(ente=other_comune, ruolo="responsabile")
    accesso = expired_emergency_access(
        operatore=other_responsabile, ente_origine=other_comune, cartella=case, days_ago=2
    )
    responsabile = OperatoreFactory(ente=comune, ruolo="responsabile")
    url = reverse("accesso_emergenza_revisione", kwargs={"pk": accesso.pk})
    client.force_login(other_responsabile)
    assert client.post(url, {"esito": "giustificato"}).status_code == 404

    client.force_login(responsabile)
    client.post(url, {"esito": "da_approfondire", "nota": ""})
    accesso.refresh_from_db()
    assert accesso.revisione == ""  # "da approfondire" needs a note
    client.post(url, {"esito": "da_approfondire", "nota": "Chiedere all'altro comune il verbale dell'intervento."})
    accesso.refresh_from_db()
    assert accesso.revisione == "da_approfondire" and accesso.revisionato_da == responsabile
    assert accesso.history.count() == 2

    client.force_login(OperatoreFactory(ente=comune, ruolo="amministratore_ente"))
    client.post(url, {"esito": "giustificato", "nota": "Verbale ricevuto."})
    accesso.refresh_from_db()
    assert accesso.revisione == "giustificato"


@pytest.mark.django_db
def test_a_reviewer_closes_an_alert_with_a_note(comune, worker, client):
    # about the comune's responsabile: another reviewer of the comune closes it
    alert = out_of_hours_alert(ente=comune, operatore=OperatoreFactory(ente=comune, ruolo="responsabile"))
    administrator = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    url = reverse("segnalazione_chiusura", kwargs={"pk": alert.pk})
    client.force_login(worker)  # not a reviewer
    assert client.post(url, {"nota": "vista"}).status_code == 404
    client.force_login(administrator)
    client.post(url, {"nota": ""})
    alert.refresh_from_db()
    assert alert.chiusa_il is None
    client.post(url, {"nota": "Reperibilità notturna autorizzata."})
    alert.refresh_from_db()
    assert alert.chiusa_da == administrator and alert.nota_chiusura


@pytest.mark.django_db
def test_menu_links_follow_the_role(comune, outsider, client):
    client.force_login(outsider)
    page = client.get(reverse("home")).content.decode()
    assert reverse("accesso_emergenza") in page and reverse("vigilanza") not in page
    client.force_login(OperatoreFactory(ente=comune, ruolo="responsabile"))
    page = client.get(reverse("home")).content.decode()
    assert reverse("accesso_emergenza") in page and reverse("vigilanza") in page
    client.force_login(OperatoreFactory(ente=comune, ruolo="segretariato"))
    assert client.get(reverse("vigilanza")).status_code == 404
