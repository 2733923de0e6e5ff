"""The citizen's pages: booking with and without login, receipt (page, PDF, .ics), cancel, the test login, my area,
rate limit; and the operator's agenda, no-show and cartella from a booking, within the own comune only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from cse.cartella.models import Assistito, Cartella
from cse.cittadino.agenda import Cittadino, Prenotazione
from cse.cittadino.glossary import StatoPrenotazione
from cse.cittadino.services import cittadino_ensure, prenotazione_create
from tests.support.agenda import booking_kwargs
from tests.support.factories import OperatoreFactory, add_case_content
from tests.support.places import neighbour_comune, resident
from tests.support.portal import portal_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(comune):
    return resident(comune, cognome="Quaranta", nome="Luca", sesso="M")


def _form(**overrides):
    return {
        "argomento": "sostegno_reddito",
        "motivo": "Chiedere informazioni sull'assegno di inclusione",
        "nome": "Giulia",
        "cognome": "Ferri",
        "email": "giulia.ferri@example.invalid",
        "telefono": "080 000000",
        **overrides,
    }


def test_anonymous_booking_through_the_pages(comune, agende, client, django_capture_on_commit_callbacks):
    home = comune.comune
    step1 = client.get(reverse("cittadino:prenota"), {"comune": home.pk})
    html = step1.content.decode()
    assert f"sportello={agende.a1.pk}&" in html and f"sportello={agende.b1.pk}&" not in html
    slot = agende.first_free()
    step2 = client.get(reverse("cittadino:prenota"), {"comune": home.pk, "sportello": agende.a1.pk})
    assert f'value="{slot.pk}"' in step2.content.decode()
    url = f"{reverse('cittadino:prenota')}?comune={home.pk}&sportello={agende.a1.pk}&slot={slot.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form())
    p = Prenotazione.objects.get(email="giulia.ferri@example.invalid")
    assert response["Location"] == reverse("cittadino:ricevuta", kwargs={"codice": p.codice})
    page = client.get(response["Location"]).content.decode()
    assert "Controlla la tua e-mail" in page and p.codice in page
    assert "conferma" in mail.outbox[0].subject.lower()


def test_office_of_another_comune_is_not_offered_nor_bookable_through_the_page(comune, agende, client):
    home = comune.comune
    page = client.get(reverse("cittadino:prenota"), {"comune": home.pk, "sportello": agende.b1.pk})
    assert "non è del tuo comune" in page.content.decode()
    other_slot = agende.first_free(agende.b1)
    before = Prenotazione.objects.count()
    url = f"{reverse('cittadino:prenota')}?comune={home.pk}&sportello={agende.a1.pk}&slot={other_slot.pk}"
    response = client.post(url, _form())
    assert response.status_code == 400
    assert "proprio comune di residenza" in response.content.decode()
    assert Prenotazione.objects.count() == before


def test_taken_slot_page_says_so_and_offers_the_next_free_ones(comune, agende, client):
    slot = agende.first_free()
    prenotazione_create(slot_id=slot.pk, **booking_kwargs(comune))
    url = f"{reverse('cittadino:prenota')}?comune={comune.comune.pk}&sportello={agende.a1.pk}&slot={slot.pk}"
    response = client.post(url, _form())
    assert response.status_code == 409
    body = response.content.decode()
    assert "Lo slot non è più libero" in body and f'id="slot-{slot.pk}"' not in body and 'name="slot"' in body


def test_test_login_prefills_identity_and_the_receipt_has_pdf_and_ics(comune, person, agende, client):
    person.comune_residenza = comune.comune
    person.save()
    response = client.post(
        reverse("cittadino:accesso_prova"),
        {"codice_fiscale": person.codice_fiscale, "nome": "Luca", "cognome": "Quaranta"},
    )
    assert response.status_code == 302
    cittadino = Cittadino.objects.get(codice_fiscale=person.codice_fiscale)
    step1 = client.get(reverse("cittadino:prenota")).content.decode()
    assert "dai dati in possesso del comune" in step1 and "Molfetta" in step1
    slot = agende.first_free()
    step3 = client.get(reverse("cittadino:prenota"), {"sportello": agende.a1.pk, "slot": slot.pk}).content.decode()
    assert 'value="Quaranta"' in step3
    response = client.post(
        f"{reverse('cittadino:prenota')}?sportello={agende.a1.pk}&slot={slot.pk}",
        _form(nome="Luca", cognome="Quaranta"),
    )
    p = Prenotazione.objects.get(cittadino=cittadino)
    assert p.stato == StatoPrenotazione.CONFERMATA
    pdf = client.get(reverse("cittadino:ricevuta_pdf", kwargs={"codice": p.codice}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ics = client.get(reverse("cittadino:ricevuta_ics", kwargs={"codice": p.codice}))
    assert ics["Content-Type"].startswith("text/calendar") and f"prenotazione-{p.codice}".encode() in ics.content
    area = client.get(reverse("cittadino:area_personale")).content.decode()
    assert p.codice in area


def test_invalid_codice_fiscale_is_refused_by_the_test_login(client, db):
    response = client.post(
        reverse("cittadino:accesso_prova"), {"codice_fiscale": "RSSMRA80A01F284Q", "nome": "M", "cognome": "R"}
    )
    assert "Codice fiscale non valido" in response.content.decode() and not Cittadino.objects.exists()


def test_another_citizen_cannot_see_or_cancel_my_booking(comune, person, agende, client):
    neighbour = neighbour_comune()
    neighbour_person = resident(neighbour, cognome="Scarcelli", nome="Anna", sesso="F")
    mine = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome="Luca", cognome="Quaranta")
    p = prenotazione_create(slot_id=agende.first_free().pk, cittadino=mine, **booking_kwargs(comune))
    other = cittadino_ensure(codice_fiscale=neighbour_person.codice_fiscale, nome="Anna", cognome="Scarcelli")
    client.force_login(other.user)
    assert client.get(reverse("cittadino:ricevuta", kwargs={"codice": p.codice})).status_code == 404
    assert client.post(reverse("cittadino:annulla", kwargs={"codice": p.codice})).status_code == 404
    p.refresh_from_db()
    assert p.stato == StatoPrenotazione.CONFERMATA
    client.force_login(mine.user)
    assert client.get(reverse("cittadino:ricevuta", kwargs={"codice": p.codice})).status_code == 200


def test_booking_attempts_are_rate_limited(comune, agende, client, settings):
    settings.CSE_BOOKING_RATE_LIMIT = 3
    url = f"{reverse('cittadino:prenota')}?comune={comune.comune.pk}&sportello={agende.a1.pk}&slot=99999999"
    codes = [client.post(url, _form()).status_code for _ in range(5)]
    assert codes == [400, 400, 400, 429, 429]


def test_services_received_shown_only_where_the_ente_enables_it_and_never_notes(comune, worker, case, client):
    from cse.cittadino.pages.sezione import SezioneEntePage

    portal_for(comune)
    add_case_content(case, by=worker)  # a diary note, a document and a prestazione A1.04
    person = case.assistito
    cittadino = cittadino_ensure(codice_fiscale=person.codice_fiscale, nome="Luca", cognome="Quaranta")
    client.force_login(cittadino.user)
    assert "Servizi che ricevi" not in client.get(reverse("cittadino:area_personale")).content.decode()
    SezioneEntePage.objects.filter(ente=comune).update(mostra_prestazioni=True)
    page = client.get(reverse("cittadino:area_personale")).content.decode()
    assert "Servizi che ricevi" in page and "A1.04" in page
    assert "Colloquio di prova" not in page  # the diary note of the same case


# --- operators -------------------------------------------------------------------------------------------------


def test_front_office_sees_the_booking_in_the_agenda_and_opens_the_cartella(comune, person, agende, client):
    front_desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    cittadino = cittadino_ensure(codice_fiscale="FRRGLI85M41F284Z", nome="Giulia", cognome="Ferri")
    p = prenotazione_create(slot_id=agende.first_free().pk, cittadino=cittadino, **booking_kwargs(comune))
    client.force_login(front_desk)
    day = p.slot.inizio.astimezone().date().isoformat()
    agenda = client.get(reverse("locale:agenda_sportello", kwargs={"pk": agende.a1.pk}), {"giorno": day})
    assert p.codice in agenda.content.decode()
    response = client.post(reverse("locale:prenotazione_cartella", kwargs={"pk": p.pk}))
    new = Assistito.objects.get(codice_fiscale="FRRGLI85M41F284Z")
    assert new.owner_ente == comune and Cartella.objects.filter(assistito=new).count() == 1
    assert response["Location"] == reverse("locale:cartella_detail", kwargs={"pk": new.cartelle.get().pk})
    # again: the existing person is opened, nothing is duplicated
    again = client.post(reverse("locale:prenotazione_cartella", kwargs={"pk": p.pk}))
    assert again["Location"] == reverse("locale:assistito_detail", kwargs={"pk": new.pk})
    assert person.owner_ente == comune


def test_opening_the_cartella_from_a_booking_registers_nobody_when_the_case_cannot_be_opened(comune, agende, client):
    from unittest import mock

    front_desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    from django.core.exceptions import ValidationError

    cittadino = cittadino_ensure(codice_fiscale="FRRGLI85M41F284Z", nome="Giulia", cognome="Ferri")
    p = prenotazione_create(slot_id=agende.first_free().pk, cittadino=cittadino, **booking_kwargs(comune))
    client.force_login(front_desk)
    refusal = ValidationError("Cartella non apribile in questo momento.")
    with mock.patch("cse.cartella.actions.cartella.cartella_open", side_effect=refusal):
        response = client.post(reverse("locale:prenotazione_cartella", kwargs={"pk": p.pk}), follow=True)
    assert "Cartella non apribile in questo momento." in response.content.decode()
    assert not Assistito.objects.filter(codice_fiscale="FRRGLI85M41F284Z").exists()  # no half-registered person


def test_operator_of_another_comune_gets_404_on_agenda_and_booking(comune, other_comune, agende, client):
    foreign_front_desk = OperatoreFactory(ente=other_comune, ruolo="segretariato")
    p = prenotazione_create(slot_id=agende.first_free().pk, **booking_kwargs(comune))
    client.force_login(foreign_front_desk)
    assert client.get(reverse("locale:agenda_sportello", kwargs={"pk": agende.a1.pk})).status_code == 404
    assert client.post(reverse("locale:prenotazione_cartella", kwargs={"pk": p.pk})).status_code == 404
    assert not Assistito.objects.filter(cognome="Ferri").exists()
