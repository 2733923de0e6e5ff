"""Pressing twice creates once: the same create form's token posted twice makes one person, one booking, one diary
note, and the repeat lands on the first result; a post without a valid token is refused with 400."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.fasi import VoceDiario
from cse.cartella.models import AccessoEmergenza, Assistito
from cse.cittadino.agenda import Prenotazione
from cse.core.models import SubmissionToken
from cse.core.submission import ALREADY_SENT, FIELD, INVALID_FORM, purge_expired_submission_tokens
from tests.support.ambito_work import uvm_session
from tests.support.factories import PASSWORD, CartellaFactory, OperatoreFactory
from tests.support.people import registration_form
from tests.support.places import case_moved_to_ambito, foreign_comune, home_ambito, resident
from tests.support.race import race_office
from tests.support.submission import fetch_submission_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(worker, client):
    client.force_login(worker)
    return client


def _post_twice(client, url: str, data: dict):
    token = fetch_submission_token(client, url)
    first = client.post(url, {**data, FIELD: token})
    second = client.post(url, {**data, FIELD: token})
    return first, second


def test_a_person_posted_twice_is_registered_once_and_the_repeat_shows_the_first(comune, desk):
    first, second = _post_twice(desk, reverse("locale:assistito_create"), registration_form(comune))
    assert first.status_code == 302 and Assistito.objects.filter(cognome="Esposito").count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert ALREADY_SENT in [str(m) for m in get_messages(second.wsgi_request)]


def test_a_diary_note_posted_twice_is_written_once(worker, person, desk):
    case = cartella_open(assistito=person, by=worker)
    note = {"tipo": "colloquio", "data_evento": "2026-11-02", "testo": "Colloquio con la figlia"}
    first, second = _post_twice(desk, reverse("locale:diario", kwargs={"pk": case.pk}), note)
    assert VoceDiario.objects.filter(cartella=case, testo="Colloquio con la figlia").count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_a_citizen_booking_posted_twice_books_once(comune, client):
    ente = comune
    sportello, slots = race_office(ente, slots=2)
    url = reverse("cittadino:prenota") + f"?comune={ente.comune_id}&sportello={sportello.pk}&slot={slots[0].pk}"
    data = {"argomento": "informazioni", "motivo": "Assistenza domiciliare", "nome": "Giulia", "cognome": "Ferri"}
    first, second = _post_twice(client, url, {**data, "email": "giulia.ferri@example.invalid"})
    assert first.status_code == 302
    assert Prenotazione.objects.filter(slot__sportello=sportello).count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_a_post_without_a_token_is_refused_with_400_and_creates_nothing(comune, worker):
    plain = Client()  # a script posting the fields without the form
    plain.force_login(worker)
    response = plain.post(reverse("locale:assistito_create"), registration_form(comune))
    assert response.status_code == 400 and INVALID_FORM in response.content.decode()
    assert not Assistito.objects.filter(cognome="Esposito").exists()


@pytest.mark.parametrize("token", ["inventato", "abc:def:ghi", "x" * 500], ids=["libero", "firma-falsa", "lungo"])
def test_a_token_not_issued_by_the_server_is_refused(comune, worker, token):
    plain = Client()
    plain.force_login(worker)
    response = plain.post(reverse("locale:assistito_create"), {**registration_form(comune), FIELD: token})
    assert response.status_code == 400
    assert not Assistito.objects.filter(cognome="Esposito").exists()


def test_a_form_with_errors_frees_its_token_for_the_corrected_post(comune, desk):
    url = reverse("locale:assistito_create")
    token = fetch_submission_token(desk, url)
    wrong = desk.post(url, {**registration_form(comune, comune_residenza="999999"), FIELD: token})
    assert wrong.status_code == 200 and not SubmissionToken.objects.filter(token=token).exists()
    corrected = desk.post(url, {**registration_form(comune), FIELD: token})
    assert corrected.status_code == 302 and Assistito.objects.filter(cognome="Esposito").count() == 1


def test_someone_else_replaying_a_token_is_not_shown_the_first_result(comune, desk, client):
    front_desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    url = reverse("locale:assistito_create")
    token = fetch_submission_token(desk, url)
    first = desk.post(url, {**registration_form(comune), FIELD: token})
    other = Client()
    other.force_login(front_desk)
    replay = other.post(url, {**registration_form(comune), FIELD: token})
    assert replay.status_code == 302 and replay["Location"] != first["Location"]
    assert Assistito.objects.filter(cognome="Esposito").count() == 1


def test_an_emergency_access_posted_twice_opens_one_access(comune, worker, person, case, client):
    case_moved_to_ambito(CartellaFactory(assistito=person, by=worker), by=worker)  # the person's second open case
    other_comune = foreign_comune()
    foreign_worker = OperatoreFactory(ente=other_comune, ruolo="assistente_sociale")
    client.force_login(foreign_worker)
    reason = "Pronto intervento sociale notturno: persona trovata in strada, serve sapere chi la segue."
    data = {"codice_fiscale": person.codice_fiscale, "motivo": reason, "password": PASSWORD}
    first, second = _post_twice(client, reverse("accesso_emergenza"), data)
    assert first.status_code == 302 and second["Location"] == first["Location"]
    assert ALREADY_SENT in [str(m) for m in get_messages(second.wsgi_request)]
    opened = AccessoEmergenza.objects.filter(operatore=foreign_worker)
    assert opened.count() == 2  # one per open case of the person (comune A1 and ambito A), not four


def test_a_uvm_project_posted_twice_keeps_one_budget(comune, worker, client):
    coordinator = OperatoreFactory(ente=home_ambito(), ruolo="coordinatore_uvm")
    ambito_case = case_moved_to_ambito(CartellaFactory(assistito=resident(comune), by=worker), by=worker)
    sessione = uvm_session(ambito_case, coordinator=coordinator)
    client.force_login(coordinator)
    project = {
        "obiettivi": "Permanenza a domicilio in sicurezza",
        "interventi": "SAD, sollievo al caregiver",
        "referente": "A.S. dell'ambito",
        "durata_mesi": "12",
        "data_verifica": (date.today() + timedelta(days=90)).isoformat(),
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-0-fonte": "fna",
        "budget-0-descrizione": "SAD",
        "budget-0-importo": "3000",
    }
    first, second = _post_twice(client, reverse("ambito:uvm_progetto", args=[sessione.pk]), project)
    assert first.status_code == 302 and second["Location"] == first["Location"]
    assert ALREADY_SENT in [str(m) for m in get_messages(second.wsgi_request)]
    sessione.refresh_from_db()
    assert sessione.progetto.budget.count() == 1 and sessione.progetto.budget_totale == Decimal("3000.00")


def test_claims_older_than_a_token_can_live_are_purged_and_recent_ones_kept(comune, desk):
    url = reverse("locale:assistito_create")
    token = fetch_submission_token(desk, url)
    desk.post(url, {**registration_form(comune), FIELD: token})
    old = SubmissionToken.objects.create(token="vecchio", result_url="/x/", user=None)
    SubmissionToken.objects.filter(pk=old.pk).update(claimed_at=timezone.now() - timedelta(hours=25))
    assert purge_expired_submission_tokens() == 1
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == [token]
