"""The citizen's bandi pages: the published bandi of the comune and its ambito, «Presenta domanda» prefilled from ANPR
and INPS (or «da verificare» when a service is down), the refusals as Italian messages, the receipt until the
protocol number arrives, «Le mie domande» with only one's own, and the full path to the ranking."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cse.bandi import actions
from cse.bandi.models import Domanda, Graduatoria
from tests.support.bandi import citizen, make_bando, ports, submitted
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def alice(comune):
    return OperatoreFactory(ente=comune, ruolo="responsabile")


@pytest.fixture
def bando(comune, alice):
    return make_bando(comune, alice)


def _apply(client, bando):
    with ports(anagrafe="AnagrafeTre", isee="IseeValido"):
        response = client.post(reverse("cittadino:domanda_nuova", args=[bando.pk]))
    assert response.status_code == 302, response.content.decode()[:500]
    return Domanda.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_the_portal_lists_the_bandi_of_the_comune_and_its_ambito_only(client, comune, ambito, alice):
    own = make_bando(comune, alice, titolo="Bando del comune")
    up = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")
    of_ambito = make_bando(ambito, up, titolo="Bando ambito sociale")
    altrove = foreign_comune()
    make_bando(altrove, OperatoreFactory(ente=altrove, ruolo="responsabile"), titolo="Bando di altrove")
    make_bando(comune, alice, titolo="Bando in preparazione", publish=False)
    page = client.get(reverse("cittadino:bandi"), {"comune": comune.comune_id}).content.decode()
    assert own.titolo in page and of_ambito.titolo in page
    assert "Bando di altrove" not in page and "Bando in preparazione" not in page
    detail = client.get(reverse("cittadino:bando", args=[own.pk])).content.decode()
    assert "ISEE fino a 20.000 euro" in detail and "Accedi con SPID o CIE" in detail


def test_a_draft_is_prefilled_with_the_source_beside_each_value(client, bando):
    client.force_login(citizen())
    domanda = _apply(client, bando)
    page = client.get(reverse("cittadino:domanda", args=[domanda.pk])).content.decode()
    assert "5400.50" in page and "INPS (ISEE)" in page and "ANPR" in page
    assert "Non ricevo altri contributi per l&#x27;affitto" in page  # the declaration to tick


def test_a_service_down_says_da_verificare_and_the_domanda_still_goes(client, bando):
    client.force_login(citizen())
    with ports(anagrafe="AnagrafeGiu", isee="IseeGiu"):
        response = client.post(reverse("cittadino:domanda_nuova", args=[bando.pk]), follow=True)
    page = response.content.decode()
    assert "ANPR non risponde" in page and "da verificare" in page
    domanda = Domanda.objects.get()
    response = client.post(reverse("cittadino:domanda", args=[domanda.pk]), {"azione": "presenta"}, follow=True)
    assert "Ricevuta, protocollazione in corso" in response.content.decode()


def test_submission_with_attachment_then_receipt_until_and_after_the_protocol(client, bando):
    client.force_login(citizen())
    domanda = _apply(client, bando)
    url = reverse("cittadino:domanda", args=[domanda.pk])
    upload = SimpleUploadedFile("contratto.pdf", PDF, content_type="application/pdf")
    client.post(url, {"azione": "allegato", "codice": "contratto", "file": upload})
    assert domanda.allegati.count() == 1
    client.post(url, {"azione": "presenta", "dichiarazioni": ["no_altri_contributi"], "isee_dichiarato": "5400.50"})
    domanda.refresh_from_db()
    assert domanda.stato == "presentata" and domanda.dichiarazioni == ["no_altri_contributi"]
    assert "Ricevuta, protocollazione in corso" in client.get(url).content.decode()
    pdf = client.get(reverse("cittadino:domanda_pdf", args=[domanda.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    actions.domanda_protocollata(domanda=domanda, numero="2027/0042", data=timezone.localdate(), segnatura="")
    assert "Protocollo n. <strong>2027/0042</strong>" in client.get(url).content.decode()
    assert "2027/0042" in client.get(reverse("cittadino:domande")).content.decode()


def test_a_second_domanda_is_refused_with_the_message(client, bando):
    user = citizen()
    submitted(bando, user)
    client.force_login(user)
    response = client.post(reverse("cittadino:domanda_nuova", args=[bando.pk]))
    assert response.status_code == 400
    assert "Esiste già una domanda attiva" in response.content.decode()


def test_submitting_after_the_window_shows_the_closing_time(client, comune, alice):
    bando = make_bando(comune, alice, chiusura=timezone.now() + timedelta(minutes=10))
    client.force_login(citizen())
    domanda = _apply(client, bando)
    later = bando.chiusura + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.post(reverse("cittadino:domanda", args=[domanda.pk]), {"azione": "presenta"})
    assert response.status_code == 400
    assert "Il bando è chiuso: le domande si presentavano fino al" in response.content.decode()
    assert Domanda.objects.get(pk=domanda.pk).stato == "bozza"


def test_a_citizen_sees_only_their_own_domande(client, bando):
    mine, theirs = citizen(), citizen()
    own = submitted(bando, mine)
    other = submitted(bando, theirs)
    client.force_login(mine)
    assert client.get(reverse("cittadino:domanda", args=[other.pk])).status_code == 404
    assert client.get(reverse("cittadino:domanda_pdf", args=[other.pk])).status_code == 404
    assert client.get(reverse("cittadino:domanda", args=[own.pk])).status_code == 200
    listing = client.get(reverse("cittadino:domande")).content.decode()
    assert listing.count(bando.titolo) == 1


def test_anonymous_visitors_go_to_the_login(client, bando):
    response = client.get(reverse("cittadino:domande"))
    assert response.status_code == 302 and reverse("cittadino:accesso") in response["Location"]


def test_the_whole_path_citizen_applies_operator_instructs_ranking_published(client, client_for, comune, alice):
    bando = make_bando(comune, alice, chiusura=timezone.now() + timedelta(minutes=10))
    client.force_login(citizen())
    domanda = _apply(client, bando)
    client.post(reverse("cittadino:domanda", args=[domanda.pk]), {"azione": "presenta"})
    actions.domanda_protocollata(domanda=domanda, numero="2027/0001", data=timezone.localdate(), segnatura="")
    client.logout()
    operator = client_for(alice)
    url = reverse("bandi:domanda_azione", args=[domanda.pk])
    operator.post(url, {"azione": "assegna", "istruttore": alice.pk})
    operator.post(url, {"azione": "valuta"})
    operator.post(url, {"azione": "istruisci"})
    domanda.refresh_from_db()
    assert (domanda.stato, domanda.esito) == ("istruita", "ammessa")  # ISEE 5400.50 and residence from the sources
    with mock.patch("django.utils.timezone.now", return_value=bando.chiusura + timedelta(minutes=1)):
        operator.post(reverse("bandi:bando_chiudi", args=[bando.pk]))
        operator.post(reverse("bandi:graduatoria", args=[bando.pk]), {"azione": "calcola"})
    assert Graduatoria.objects.get().posizioni.get().importo_assegnato == 400
    operator.logout()
    page = client.get(reverse("cittadino:bando_graduatoria", args=[bando.pk])).content.decode()
    assert "2027/0001" in page and domanda.cognome not in page and "5400" not in page
