"""The case workspace through its pages: bad input on every form, stale edits, documents, PDFs, diario."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cse.cartella.actions import diario as diario_actions
from cse.cartella.fasi import Documento, InterventoPianificato, VoceDiario, VoceNomenclatore
from cse.core.models import AccessLog
from tests.support.factories import TINY_PDF, CartellaFactory, OperatoreFactory
from tests.support.places import foreign_comune, home_comune, neighbour_comune

pytestmark = pytest.mark.django_db


@pytest.fixture
def comune():
    return home_comune()


@pytest.fixture
def worker(comune):
    """The comune's social worker, the case manager."""
    return OperatoreFactory(ente=comune, ruolo="assistente_sociale")


@pytest.fixture
def case(comune, worker):
    return CartellaFactory(assistito__ente=comune, by=worker)


@pytest.fixture
def desk(client, worker):
    client.force_login(worker)
    return client


def test_the_case_page_names_what_is_missing_for_the_next_step(case, desk):
    html = desk.get(reverse("locale:cartella_detail", kwargs={"pk": case.pk})).content.decode()
    assert "manca la scheda di accesso" in html
    assert "Prendi in carico: passa alla valutazione" in html


def test_a_skipped_step_posted_by_hand_is_refused_with_a_message(case, desk):
    response = desk.post(reverse("locale:transizione", kwargs={"pk": case.pk}), {"target": "progetto"}, follow=True)
    assert "Non si possono saltare fasi" in response.content.decode()
    case.refresh_from_db()
    assert case.stato == "accesso"


def test_two_operators_editing_the_same_form_the_second_is_told_and_nothing_is_saved(comune, case, desk, client):
    url = reverse("locale:accesso", kwargs={"pk": case.pk})
    data = {
        "data_accesso": "2026-11-20",
        "canale": "spontaneo",
        "interlocutore": "persona",
        "richiesta": "prima",
        "area": "poverta",
        "esito": "presa_in_carico",
        "version": case.version,
    }
    assert desk.post(url, data).status_code == 302
    from tests.support.submission import TokenClient

    other = TokenClient()
    other.force_login(OperatoreFactory(ente=comune, ruolo="responsabile"))
    response = other.post(url, {**data, "richiesta": "seconda"})
    assert "modificata da un altro operatore" in response.content.decode()
    case.scheda_accesso.refresh_from_db()
    assert case.scheda_accesso.richiesta == "prima"


def test_the_front_desk_cannot_assess_but_can_fill_the_access(comune, case, client):
    client.force_login(OperatoreFactory(ente=comune, ruolo="segretariato"))
    assert client.get(reverse("locale:accesso", kwargs={"pk": case.pk})).status_code == 200
    assert client.get(reverse("locale:valutazione", kwargs={"pk": case.pk})).status_code == 404
    response = client.post(reverse("locale:transizione", kwargs={"pk": case.pk}), {"target": "valutazione"})
    assert response.status_code == 404


def test_bad_numbers_and_dates_on_the_intervention_form_are_refused(case, desk, worker):
    case.stato = "progetto"
    case.save()
    url = reverse("locale:intervento_nuovo", kwargs={"pk": case.pk})
    voce = VoceNomenclatore.objects.get(codice="A2.07")
    response = desk.post(url, {"voce": voce.pk, "ore_previste": "-3", "fonte": "fnps", "version": case.version})
    assert "Il valore non può essere negativo." in response.content.decode()
    response = desk.post(url, {"voce": voce.pk, "entro_il": "31/02/2026", "version": case.version})
    assert "data valida" in response.content.decode()
    assert InterventoPianificato.objects.count() == 0


def test_a_prestazione_ending_before_it_starts_is_refused_on_the_page(case, desk):
    case.stato = "erogazione"
    case.save()
    response = desk.post(
        reverse("locale:prestazione_nuova", kwargs={"pk": case.pk}),
        {
            "voce": VoceNomenclatore.objects.get(codice="A1.04").pk,
            "carattere": "2",
            "data_inizio": "2026-03-01",
            "data_fine": "2026-02-01",
            "quantita": "1",
            "unita": "euro",
            "importo": "100",
            "fonte": "comunale",
            "erogatore": "Comune",
            "version": case.version,
        },
    )
    assert "La data di fine non può precedere la data di inizio." in response.content.decode()
    assert case.prestazioni.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n", "Formato non ammesso"),
        ("pagina.pdf", b"<html><script>alert(1)</script></html>", "Formato non ammesso"),
        ("disegno.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "Formato non ammesso"),
        ("foto.png", b"GIF89a....", "Formato non ammesso"),
        ("vuoto.pdf", b"", "vuoto"),
    ],
)
def test_forbidden_uploads_are_refused_and_nothing_is_stored(case, desk, name, content, message):
    before = Documento.objects.count()
    response = desk.post(
        reverse("locale:documenti", kwargs={"pk": case.pk}),
        {"tipo": "altro", "file": SimpleUploadedFile(name, content)},
    )
    assert message in response.content.decode()
    assert Documento.objects.count() == before


def test_an_oversize_upload_is_refused(case, desk, monkeypatch):
    monkeypatch.setattr(diario_actions, "MAX_UPLOAD_BYTES", 1024)
    response = desk.post(
        reverse("locale:documenti", kwargs={"pk": case.pk}),
        {"tipo": "altro", "file": SimpleUploadedFile("grande.pdf", TINY_PDF + b"0" * 2048)},
    )
    assert "supera il limite" in response.content.decode()


def test_a_document_is_served_as_an_attachment_with_its_sniffed_type_and_logged(case, desk, worker):
    desk.post(
        reverse("locale:documenti", kwargs={"pk": case.pk}),
        {"tipo": "isee", "file": SimpleUploadedFile("isee.exe", TINY_PDF, content_type="application/x-msdownload")},
    )
    documento = Documento.objects.get(cartella=case)
    assert documento.content_type == "application/pdf"
    response = desk.get(reverse("locale:documento", kwargs={"pk": documento.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith('attachment; filename="isee.exe.pdf"')
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == TINY_PDF
    # logged as a read of the case's documents, never as a row naming the document (it may be obscured later)
    logged = AccessLog.objects.filter(user=worker, oggetto_tipo="cartella", oggetto_id=case.pk, finalita="documenti")
    assert logged.count() == 2  # the upload page and the download
    assert not AccessLog.objects.filter(oggetto_tipo="documento").exists()


def test_a_text_upload_claimed_as_html_is_stored_and_served_as_plain_text(case, desk):
    desk.post(
        reverse("locale:documenti", kwargs={"pk": case.pk}),
        {"tipo": "altro", "file": SimpleUploadedFile("nota.html", "Nota è breve.".encode(), content_type="text/html")},
    )
    documento = Documento.objects.get(cartella=case)
    assert documento.content_type == "text/plain"
    response = desk.get(reverse("locale:documento", kwargs={"pk": documento.pk}))
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith('attachment; filename="nota.html.txt"')


@pytest.mark.parametrize("kind", ["accesso", "progetto", "riepilogo"])
def test_pdfs_are_rendered_and_access_logged(case, desk, worker, kind):
    response = desk.get(reverse("locale:pdf", kwargs={"pk": case.pk, "kind": kind}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(user=worker, azione="pdf", oggetto_id=case.pk).count() == 1


def test_an_unknown_pdf_kind_is_not_found(case, desk):
    assert desk.get(reverse("locale:pdf", kwargs={"pk": case.pk, "kind": "altro"})).status_code == 404


def test_confidential_notes_are_hidden_from_the_front_desk_and_obscured_ones_from_everyone(comune, worker, case, desk):
    from tests.support.submission import TokenClient

    front_desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    client = TokenClient()
    desk.post(
        reverse("locale:diario", kwargs={"pk": case.pk}),
        {"tipo": "colloquio", "data_evento": "2026-11-02", "testo": "Nota riservata sul minore", "riservata": "on"},
    )
    desk.post(
        reverse("locale:diario", kwargs={"pk": case.pk}),
        {"tipo": "visita", "data_evento": "2026-11-03", "testo": "Visita che la persona vuole oscurare"},
    )
    client.force_login(front_desk)
    html = client.get(reverse("locale:diario", kwargs={"pk": case.pk})).content.decode()
    assert "Nota riservata sul minore" not in html and "Visita che la persona vuole oscurare" in html

    voce = VoceDiario.objects.get(testo__startswith="Visita")
    response = desk.post(
        reverse("locale:diario_oscura", kwargs={"pk": voce.pk}), {"reason": "richiesta prot. 123/2026"}
    )
    assert response.status_code == 302
    for user in (front_desk, worker):
        client.force_login(user)
        assert (
            "Visita che la persona vuole oscurare"
            not in client.get(reverse("locale:diario", kwargs={"pk": case.pk})).content.decode()
        )
    # a second attempt on the obscured entry looks exactly like a missing one
    assert desk.get(reverse("locale:diario_oscura", kwargs={"pk": voce.pk})).status_code == 404


def test_a_diary_entry_in_the_future_is_refused(case, desk):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = desk.post(
        reverse("locale:diario", kwargs={"pk": case.pk}), {"tipo": "nota", "data_evento": tomorrow, "testo": "x"}
    )
    assert "non può essere nel futuro" in response.content.decode()


def test_worklists_show_my_cases_and_nothing_from_another_comune(case, desk):
    foreign_case = CartellaFactory(assistito__ente=foreign_comune())  # another ambito's comune
    neighbour_case = CartellaFactory(assistito__ente=neighbour_comune())  # a comune of the same ambito
    html = desk.get(reverse("locale:lavoro")).content.decode()

    def listed(c) -> bool:  # by its link: synthetic surnames may match the operator's own name in the header
        return f'href="{reverse("locale:cartella_detail", kwargs={"pk": c.pk})}"' in html

    assert listed(case) and case.assistito.cognome in html
    assert not listed(foreign_case) and not listed(neighbour_case)
    assert foreign_case.assistito.codice_fiscale not in html and neighbour_case.assistito.codice_fiscale not in html


def test_the_case_manager_is_chosen_among_the_comune_professionals(comune, worker, case, desk):
    boss = OperatoreFactory(ente=comune, ruolo="responsabile")
    front_desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    neighbour_worker = OperatoreFactory(ente=neighbour_comune(), ruolo="assistente_sociale")
    foreign = OperatoreFactory(ente=foreign_comune(), ruolo="assistente_sociale")
    url = reverse("locale:case_manager", kwargs={"pk": case.pk})
    page = desk.get(url).content.decode()

    def offered(user) -> bool:
        return f'<option value="{user.pk}"' in page

    assert offered(boss) and offered(worker)
    assert not offered(front_desk) and not offered(neighbour_worker)
    desk.post(url, {"case_manager": foreign.pk, "version": case.version})
    case.refresh_from_db()
    assert case.case_manager != foreign
    desk.post(url, {"case_manager": boss.pk, "version": case.version})
    case.refresh_from_db()
    assert case.case_manager == boss


def test_an_unknown_target_phase_is_refused_without_error(case, desk):
    response = desk.post(
        reverse("locale:transizione", kwargs={"pk": case.pk}), {"target": "xyz", "version": "abc"}, follow=True
    )
    assert response.status_code == 200 and "Fase sconosciuta." in response.content.decode()


def test_closing_a_case_asks_for_confirmation_first(case, worker, desk):
    from cse.cartella.glossary import StatoCartella as S
    from tests.support.casework import fill_for_next, walk_case_to

    ready = walk_case_to(case, S.EROGAZIONE, by=worker)
    fill_for_next(ready, by=worker)  # the final assessment: the guard of the closing step is satisfied
    ready.refresh_from_db()
    detail = desk.get(reverse("locale:cartella_detail", kwargs={"pk": ready.pk})).content.decode()
    assert "Conferma la chiusura" in detail and "non si potrà più modificare" in detail
    url = reverse("locale:transizione", kwargs={"pk": ready.pk})

    unconfirmed = desk.post(url, {"target": S.CHIUSA, "version": ready.version}, follow=True)

    ready.refresh_from_db()
    assert ready.stato == S.EROGAZIONE
    assert "La chiusura non è stata confermata" in unconfirmed.content.decode()
    desk.post(url, {"target": S.CHIUSA, "version": ready.version, "conferma": "1"})
    ready.refresh_from_db()
    assert ready.stato == S.CHIUSA
