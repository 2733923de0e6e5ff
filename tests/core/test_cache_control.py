"""Pages and files with personal data answer Cache-Control: no-store, private; static files stay cacheable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cse.cartella.actions.cartella import cartella_open
from cse.cittadino.selectors import free_slots
from cse.cittadino.services import cittadino_ensure, prenotazione_create
from cse.core.middleware import NoStoreForPersonalDataMiddleware
from tests.support.factories import make_sportello

pytestmark = pytest.mark.django_db

STATIC_POLICY = "max-age=315360000, public, immutable"


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def _booking(comune, cittadino=None):
    sportello = make_sportello(comune)
    slot = free_slots(sportello).filter(inizio__gte=timezone.now() + timedelta(hours=3)).order_by("inizio").first()
    return prenotazione_create(
        slot_id=slot.pk,
        cittadino=cittadino,
        nome="Giulia",
        cognome="Ferri",
        email="giulia.ferri@example.invalid",
        comune_residenza=comune.comune,
        argomento="informazioni",
        motivo="Informazioni sull'assistenza domiciliare",
    )


def test_an_operator_page_is_not_stored(worker, client):
    client.force_login(worker)
    response = client.get(reverse("locale:assistiti_list"))
    assert response.status_code == 200 and _no_store(response)


def test_a_case_pdf_is_not_stored(worker, person, client):
    case = cartella_open(assistito=person, by=worker)
    client.force_login(worker)
    response = client.get(reverse("locale:pdf", kwargs={"pk": case.pk, "kind": "riepilogo"}))
    assert response["Content-Type"] == "application/pdf" and _no_store(response)


def test_the_citizens_own_bookings_and_receipt_pdf_are_not_stored(comune, person, client):
    cittadino = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome)
    prenotazione = _booking(comune, cittadino)
    client.force_login(cittadino.user)
    area = client.get(reverse("cittadino:area_personale"))
    assert prenotazione.codice in area.content.decode() and _no_store(area)
    pdf = client.get(reverse("cittadino:ricevuta_pdf", kwargs={"codice": prenotazione.codice}))
    assert pdf["Content-Type"] == "application/pdf" and _no_store(pdf)


def test_a_receipt_opened_from_the_e_mail_link_without_a_session_is_not_stored(comune, client):
    from cse.cittadino.selectors import booking_token

    prenotazione = _booking(comune)
    url = reverse("cittadino:ricevuta", kwargs={"codice": prenotazione.codice})
    response = client.get(url, {"t": booking_token(prenotazione)})
    assert response.status_code == 200 and _no_store(response)


def test_a_stricter_policy_set_by_the_view_is_kept(client):
    response = client.get(reverse("salute"))  # never_cache: max-age=0, no-cache, no-store, must-revalidate
    assert "must-revalidate" in response["Cache-Control"]


def _through_middleware(path: str, user) -> HttpResponse:
    request = RequestFactory().get(path)
    request.user = user

    def static_handler(request):
        response = HttpResponse(b"body{}", content_type="text/css")
        response["Cache-Control"] = STATIC_POLICY
        return response

    return NoStoreForPersonalDataMiddleware(static_handler)(request)


def test_static_files_stay_cacheable_even_for_a_logged_in_operator(worker, settings):
    response = _through_middleware(f"{settings.STATIC_URL}css/cse.css", worker)
    assert response["Cache-Control"] == STATIC_POLICY


def test_a_public_page_seen_without_a_session_stays_cacheable(worker):
    from django.contrib.auth.models import AnonymousUser

    assert _through_middleware("/servizi/", AnonymousUser())["Cache-Control"] == STATIC_POLICY
    assert _no_store(_through_middleware("/servizi/", worker))
