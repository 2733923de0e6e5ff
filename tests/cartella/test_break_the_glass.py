"""Break-the-glass: a B1 operator at night opens A1's case for a short time, read-only, with a reason and their
password; A1's responsabile is alerted and reviews it; once expired the case is a 404 again."""

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
from tests.support.factories import PASSWORD, register_person
from tests.support.pages import page_body

MOTIVO = "Pronto intervento sociale notturno: persona trovata in strada, serve sapere chi la segue."


def _open(client, cf, *, motivo=MOTIVO, password=PASSWORD, follow=False):
    data = {"codice_fiscale": cf, "motivo": motivo, "password": password}
    return client.post(reverse("accesso_emergenza"), data, follow=follow)


def _emergency_grants(user):
    return CartellaUserObjectPermission.objects.filter(user=user, reason="accesso di emergenza")


@pytest.mark.django_db
def test_night_emergency_access_is_read_only_alerted_reviewed_and_expires(
    world, client, django_capture_on_commit_callbacks
):
    operatore = world.user("B1", "assistente_sociale")
    case_a1 = world.cartelle["A1"]
    detail = reverse("locale:cartella_detail", kwargs={"pk": case_a1.pk})
    client.force_login(operatore)
    assert client.get(detail).status_code == 404  # before: A1's case is foreign

    with django_capture_on_commit_callbacks(execute=True):
        response = _open(client, world.assistiti["A1"].codice_fiscale)
    assert response.status_code == 302

    # read-only: the case opens, editing it answers like a foreign case
    assert client.get(detail).status_code == 200
    assert client.post(reverse("locale:valutazione", kwargs={"pk": case_a1.pk}), {}).status_code == 404
    transition = reverse("locale:transizione", kwargs={"pk": case_a1.pk})
    assert client.post(transition, {"target": "valutazione"}).status_code == 404

    # both open cases of the person (A1's and the one at ambito A), each reviewed by its owner
    accessi = AccessoEmergenza.objects.filter(operatore=operatore)
    assert {a.cartella_id for a in accessi} == {case_a1.pk, world.cartelle["AMB_A"].pk}
    accesso = accessi.get(cartella=case_a1)
    assert accesso.ente_origine == world.enti["B1"] and accesso.ente_titolare == world.enti["A1"]
    assert accesso.al - accesso.dal == timedelta(minutes=120)
    assert accesso.history.count() == 1
    assert AccessLog.objects.filter(user=operatore, oggetto_id=case_a1.pk, finalita__startswith="accesso di emergenza")

    # A1's responsabile: an in-app alert and an e-mail without personal data
    alert = Segnalazione.objects.get(ente=world.enti["A1"], tipo="accesso_emergenza")
    assert alert.accesso == accesso and alert.operatore == operatore
    responsabile = world.user("A1", "responsabile")
    to_a1 = [m for m in mail.outbox if responsabile.email in m.to]
    assert len(to_a1) == 1
    person = world.assistiti["A1"]
    for secret in (person.cognome, person.nome, person.codice_fiscale, case_a1.numero, MOTIVO[:30]):
        assert secret not in to_a1[0].body + to_a1[0].subject

    # the access is in A1's review list, not in B1's
    client.force_login(responsabile)
    page = client.get(reverse("vigilanza")).content.decode()
    assert MOTIVO in page and str(world.enti["B1"]) in page
    client.force_login(world.user("B1", "responsabile"))
    assert MOTIVO not in client.get(reverse("vigilanza")).content.decode()

    # expired: the next request answers exactly like a case that does not exist
    _emergency_grants(operatore).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(operatore)
    expired = client.get(detail)
    missing = client.get(reverse("locale:cartella_detail", kwargs={"pk": 99_999_999}))
    assert expired.status_code == missing.status_code == 404
    assert page_body(expired) == page_body(missing)


@pytest.mark.django_db
def test_the_permission_layer_ignores_expired_grants(world):
    operatore = world.user("B1", "segretariato")
    case_a1 = world.cartelle["A1"]
    from cse.cartella.actions.cartella import cartella_grant_access

    cartella_grant_access(cartella=case_a1, user=operatore, expires_at=timezone.now() + timedelta(minutes=5))
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
def test_short_reason_or_wrong_password_writes_nothing(world, client, motivo, password, field_error):
    operatore = world.user("B1", "assistente_sociale")
    client.force_login(operatore)
    before = (AccessoEmergenza.objects.count(), Segnalazione.objects.count(), AccessLog.objects.count())
    response = _open(client, world.assistiti["A1"].codice_fiscale, motivo=motivo, password=password)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert (AccessoEmergenza.objects.count(), Segnalazione.objects.count(), AccessLog.objects.count()) == before
    assert not _emergency_grants(operatore).exists()
    assert client.get(reverse("locale:cartella_detail", kwargs={"pk": world.cartelle["A1"].pk})).status_code == 404


@pytest.mark.django_db
def test_password_guessing_on_the_emergency_form_hits_the_login_lockout(world, client, settings):
    operatore = world.user("B1", "assistente_sociale")
    client.force_login(operatore)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _open(client, world.assistiti["A1"].codice_fiscale, password="tentativo-sbagliato")
    response = _open(client, world.assistiti["A1"].codice_fiscale)  # now even the right password is refused
    assert response.status_code != 302
    assert not AccessoEmergenza.objects.filter(operatore=operatore).exists()
    assert not _emergency_grants(operatore).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ente_key", "ruolo"),
    [("A2", "redattore_portale"), ("REG", "analista_regionale"), ("B1", "amministratore_ente")],
)
def test_roles_without_cases_cannot_break_the_glass(world, client, ente_key, ruolo):
    client.force_login(world.user(ente_key, ruolo))
    assert client.get(reverse("accesso_emergenza")).status_code == 404
    assert _open(client, world.assistiti["A1"].codice_fiscale).status_code == 404
    assert not AccessoEmergenza.objects.filter(operatore=world.user(ente_key, ruolo)).exists()
    assert "Accesso di emergenza" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_unknown_cf_and_person_without_open_case_get_the_same_answer_and_are_recorded(world, client):
    """Once reason and password are given and logged, "nothing open" is all the operator learns: the same message
    whether the codice fiscale is unknown everywhere or belongs to someone of another comune with no open case."""
    nobody_open = register_person(world.enti["A2"], cognome="Defilippis", nome="Carla", data_nascita=date(1961, 7, 2))
    operatore = world.user("B1", "segretariato")
    client.force_login(operatore)
    # a well-formed CF (the form refuses malformed ones before any lookup) that nobody in the world holds
    unknown = _open(client, codice_fiscale_for("Zanzotto", "Zelinda", "F", date(1961, 7, 2), "F284"), follow=True)
    existing = _open(client, nobody_open.codice_fiscale, follow=True)
    assert unknown.status_code == existing.status_code == 200
    assert "Nessuna cartella aperta" in unknown.content.decode()
    assert page_body(unknown) == page_body(existing)

    rows = AccessoEmergenza.objects.filter(operatore=operatore).order_by("pk")
    assert [r.esito for r in rows] == ["nessuna_cartella", "nessuna_cartella"]
    assert rows[0].ente_titolare is None and rows[1].ente_titolare == world.enti["A2"]
    # the person's comune sees the attempt; the unknown code is reported to the operator's own responsabile
    assert Segnalazione.objects.filter(ente=world.enti["A2"], tipo="emergenza_senza_esito").count() == 1
    assert Segnalazione.objects.filter(ente=world.enti["B1"], tipo="emergenza_senza_esito").count() == 1
    assert not _emergency_grants(operatore).exists()


@pytest.mark.django_db
def test_the_owner_reviews_and_another_ente_cannot(world, client):
    accesso = world.emergenze["A1"]
    url = reverse("accesso_emergenza_revisione", kwargs={"pk": accesso.pk})
    client.force_login(world.user("B1", "responsabile"))
    assert client.post(url, {"esito": "giustificato"}).status_code == 404

    client.force_login(world.user("A1", "responsabile"))
    client.post(url, {"esito": "da_approfondire", "nota": ""})
    accesso.refresh_from_db()
    assert accesso.revisione == ""  # "da approfondire" needs a note
    client.post(url, {"esito": "da_approfondire", "nota": "Chiedere al comune B1 il verbale dell'intervento."})
    accesso.refresh_from_db()
    assert accesso.revisione == "da_approfondire" and accesso.revisionato_da == world.user("A1", "responsabile")
    assert accesso.history.count() == 2

    client.force_login(world.user("A1", "amministratore_ente"))
    client.post(url, {"esito": "giustificato", "nota": "Verbale ricevuto."})
    accesso.refresh_from_db()
    assert accesso.revisione == "giustificato"


@pytest.mark.django_db
def test_a_reviewer_closes_an_alert_with_a_note(world, client):
    alert = world.segnalazioni["A1"]  # about A1's responsabile: another reviewer of A1 closes it
    url = reverse("segnalazione_chiusura", kwargs={"pk": alert.pk})
    client.force_login(world.user("A1", "assistente_sociale"))  # not a reviewer
    assert client.post(url, {"nota": "vista"}).status_code == 404
    client.force_login(world.user("A1", "amministratore_ente"))
    client.post(url, {"nota": ""})
    alert.refresh_from_db()
    assert alert.chiusa_il is None
    client.post(url, {"nota": "Reperibilità notturna autorizzata."})
    alert.refresh_from_db()
    assert alert.chiusa_da == world.user("A1", "amministratore_ente") and alert.nota_chiusura


@pytest.mark.django_db
def test_menu_links_follow_the_role(world, client):
    client.force_login(world.user("B1", "assistente_sociale"))
    page = client.get(reverse("home")).content.decode()
    assert reverse("accesso_emergenza") in page and reverse("vigilanza") not in page
    client.force_login(world.user("A1", "responsabile"))
    page = client.get(reverse("home")).content.decode()
    assert reverse("accesso_emergenza") in page and reverse("vigilanza") in page
    client.force_login(world.user("A1", "segretariato"))
    assert client.get(reverse("vigilanza")).status_code == 404
