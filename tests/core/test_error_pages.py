"""Every error a user can meet is an Italian page in the look of the area they are in, never Django's English
default: 400, 403, 404, 500 and a failed CSRF check, in the operators' shell and in the citizens' portal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse

from cse.cittadino.services import cittadino_ensure
from cse.core import errors
from cse.demo.synthetic import generate_people
from tests.support.factories import ComuneEnteFactory, OperatoreFactory

pytestmark = pytest.mark.django_db

OPERATOR_LOOK = "Cartella Sociale Elettronica"
PORTAL_LOOK = "Portale dei servizi sociali"


def test_an_unknown_operator_page_is_an_italian_404_in_the_operators_look(client_for):
    worker = OperatoreFactory(ente=ComuneEnteFactory())
    response = client_for(worker).get("/locale/non-esiste/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Pagina non trovata" in page and OPERATOR_LOOK in page and PORTAL_LOOK not in page


def test_an_unknown_portal_page_is_an_italian_404_in_the_portals_look(client):
    response = client.get("/cittadino/non-esiste/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Pagina non trovata" in page and PORTAL_LOOK in page and "Not Found" not in page


def test_a_citizen_in_the_operators_area_is_sent_to_the_portal_not_into_a_login_loop(client):
    person = next(iter(generate_people(1, birthplaces=["F284"], seed=7)))
    citizen = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome)
    client.force_login(citizen.user)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Area riservata agli operatori" in page and "Vai al portale dei servizi sociali" in page
    assert PORTAL_LOOK in page and "login" not in response.get("Location", "")


def test_a_form_posted_without_its_csrf_token_gets_the_italian_expired_form_page():
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("cittadino:prenota"), {"slot": "1"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Modulo scaduto" in page and "Nulla è stato salvato" in page and "CSRF" not in page


def test_a_request_for_a_foreign_host_is_an_italian_400(client):
    response = client.get("/", HTTP_HOST="sito-estraneo.example")
    assert response.status_code == 400
    assert "Richiesta non valida" in response.content.decode()


def test_permission_denied_is_an_italian_403():
    request = RequestFactory().get("/ambito/")
    request.user = None
    response = errors.permission_denied(request, PermissionDenied())
    assert response.status_code == 403 and "Operazione non consentita" in response.content.decode()


def test_a_server_error_is_an_italian_page_that_says_nothing_was_half_saved():
    request = RequestFactory().get("/locale/")
    response = errors.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "Errore del servizio" in page and "nessuna modifica è stata salvata a metà" in page


def test_a_server_error_that_cannot_draw_its_page_still_answers_in_italian(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database non raggiungibile")

    monkeypatch.setattr(errors, "render", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "Errore del servizio" in response.content.decode()
