"""A domanda: drafted and submitted once inside the window (Europe/Rome in the refusal), one active per person per
bando, the citizen acting only for themself, the front desk for a person in care (with a line on their diary), and
the protocol registered later without ever losing the submission."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cse.bandi import actions
from cse.bandi.models import Domanda
from cse.cartella.fasi import VoceDiario
from cse.core.models import OutboxEvent
from tests.support.bandi import citizen, draft, make_bando, synthetic_person
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune

pytestmark = pytest.mark.django_db

# 31 March 2027, 12:00 in Rome is 10:00 UTC (summer time from 28 March)
CHIUSURA = datetime(2027, 3, 31, 10, 0, tzinfo=UTC)
APERTURA = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # 09:00 in Rome (winter time)


@pytest.fixture
def bando(comune, responsabile):
    with mock.patch("django.utils.timezone.now", return_value=APERTURA - timedelta(days=2)):
        return make_bando(comune, responsabile, apertura=APERTURA, chiusura=CHIUSURA)


def _submit_at(domanda, by, moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return actions.domanda_submit(domanda=domanda, by=by)


def test_a_citizen_submits_inside_the_window_and_the_protocol_is_pending(bando):
    person = citizen()
    domanda = _submit_at(draft(bando, person), person, CHIUSURA - timedelta(seconds=1))
    assert (domanda.stato, domanda.canale, domanda.protocollo_numero) == ("presentata", "online", "")
    assert domanda.scadenza_istruttoria == date(2027, 3, 31) + timedelta(days=bando.giorni_istruttoria)
    events = OutboxEvent.objects.filter(aggregate_type="bandi.domanda", aggregate_id=domanda.pk)
    assert list(events.values_list("event_type", flat=True)) == ["domanda.creata", "domanda.presentata"]


def test_after_the_deadline_the_refusal_names_the_closing_time_in_rome(bando):
    person = citizen()
    domanda = draft(bando, person)
    with pytest.raises(ValidationError) as refused:
        _submit_at(domanda, person, CHIUSURA + timedelta(seconds=1))
    assert refused.value.messages == ["Il bando è chiuso: le domande si presentavano fino al 31/03/2027 ore 12:00."]
    assert Domanda.objects.get(pk=domanda.pk).stato == "bozza"  # kept, not lost


def test_before_the_opening_the_refusal_names_the_opening_time_in_rome(bando):
    person = citizen()
    with pytest.raises(ValidationError, match="dal 01/03/2027 ore 09:00"):
        _submit_at(draft(bando, person), person, APERTURA - timedelta(seconds=1))


def test_a_second_active_domanda_of_the_same_person_gets_a_message_not_an_error(bando):
    person = citizen()
    draft(bando, person)
    with pytest.raises(ValidationError, match="Esiste già una domanda attiva"):
        draft(bando, person)
    assert Domanda.objects.count() == 1


def test_the_database_refuses_a_duplicate_that_slipped_past_the_check(bando):
    person = citizen()
    draft(bando, person)
    slipped = mock.patch("cse.bandi.actions._refuse_duplicate"), mock.patch.object(Domanda, "validate_constraints")
    with slipped[0], slipped[1], pytest.raises(ValidationError, match="Esiste già"):
        draft(bando, person)
    assert Domanda.objects.count() == 1


def test_a_withdrawn_domanda_allows_a_new_one(bando):
    person = citizen()
    first = draft(bando, person)
    actions.domanda_withdraw(domanda=first, by=person)
    second = draft(bando, person)
    assert second.pk != first.pk and Domanda.objects.get(pk=first.pk).stato == "ritirata"


def test_a_citizen_applies_only_for_themself(bando):
    person, other = citizen(), synthetic_person()
    with pytest.raises(ValidationError, match="a proprio nome"):
        draft(bando, person, persona=other)
    mine = draft(bando, person)
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.domanda_withdraw(domanda=mine, by=citizen())


def test_an_operator_of_another_comune_cannot_take_an_application(bando):
    foreign = OperatoreFactory(ente=foreign_comune(), ruolo="segretariato")
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        draft(bando, foreign, persona=synthetic_person())


def test_the_front_desk_takes_an_application_for_a_person_in_care_and_notes_it_on_the_case(bando, case, comune):
    desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    person = case.assistito
    domanda = draft(bando, desk, persona=person, assistito=person)
    domanda = _submit_at(domanda, desk, APERTURA + timedelta(days=1))
    assert domanda.canale == "sportello"
    assert VoceDiario.objects.filter(cartella=case, testo__contains="Presentata allo sportello").exists()
    istruttore = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    domanda = actions.istruttoria_assign(domanda=domanda, istruttore=istruttore, by=istruttore)
    actions.integrazione_request(domanda=domanda, testo="Inviare il contratto", by=istruttore)
    assert VoceDiario.objects.filter(cartella=case, testo__startswith="Chiesta un'integrazione").exists()


def test_an_ambito_bando_is_taken_by_the_front_desk_of_a_comune_of_the_ambito(ambito, comune):
    ufficio = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")
    bando = make_bando(ambito, ufficio)
    desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    assert draft(bando, desk, persona=synthetic_person()).canale == "sportello"


def test_declarations_become_facts_and_only_the_bando_s_own_are_accepted(bando):
    person = citizen()
    domanda = draft(bando, person, dichiarazioni=["no_altri_contributi"], dichiarati={"isee.valore": "5000"})
    fatti = domanda.dati["fatti"]
    assert fatti["dichiarazione.no_altri_contributi"]["valore"] is True
    assert fatti["isee.valore"] == fatti["isee.valore"] | {"valore": "5000", "fonte": "dichiarazione"}
    with pytest.raises(ValidationError, match="non prevista"):
        draft(bando, citizen(), dichiarazioni=["inventata"])


def test_the_protocol_registers_once_and_never_rewrites(bando):
    person = citizen()
    domanda = _submit_at(draft(bando, person), person, APERTURA + timedelta(days=1))
    registered = actions.domanda_protocollata(
        domanda=domanda, numero="2027/000123", data=date(2027, 3, 2), segnatura="<Segnatura/>"
    )
    assert registered.protocollo_numero == "2027/000123"
    again = actions.domanda_protocollata(domanda=domanda, numero="2027/000123", data=date(2027, 3, 2), segnatura="")
    assert again.protocollo_segnatura == "<Segnatura/>"
    with pytest.raises(ValidationError, match="altro numero"):
        actions.domanda_protocollata(domanda=domanda, numero="2027/999", data=date(2027, 3, 2), segnatura="")


def test_a_required_document_must_be_attached_and_its_type_comes_from_the_content(comune, responsabile):
    documenti = [{"codice": "contratto", "descrizione": "Contratto di locazione", "obbligatorio": True}]
    bando = make_bando(comune, responsabile, documenti_richiesti=documenti)
    person = citizen()
    domanda = draft(bando, person)
    with pytest.raises(ValidationError, match="Contratto di locazione"):
        actions.domanda_submit(domanda=domanda, by=person)
    page = SimpleUploadedFile("contratto.pdf", b"<html><script>x</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="Formato non ammesso"):
        actions.allegato_add(domanda=domanda, codice="contratto", upload=page, by=person)
    pdf = SimpleUploadedFile("contratto.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", content_type="text/html")
    allegato = actions.allegato_add(domanda=domanda, codice="contratto", upload=pdf, by=person)
    assert allegato.content_type == "application/pdf"
    assert actions.domanda_submit(domanda=domanda, by=person).stato == "presentata"


def test_a_draft_under_a_corrected_bando_is_submitted_under_the_version_in_force(bando, responsabile):
    person = citizen()
    domanda = draft(bando, person)
    with mock.patch("django.utils.timezone.now", return_value=APERTURA):
        new = actions.bando_correct(bando=bando, by=responsabile, reason="refuso", changes={"titolo": "Contributo"})
    assert _submit_at(domanda, person, APERTURA + timedelta(days=1)).bando == new


def test_the_applicant_declares_app_io_consent_and_an_email_in_the_draft(comune, responsabile):
    from tests.support.bandi import citizen, draft, make_bando

    applicant = citizen()
    bando = make_bando(comune, responsabile)
    domanda = draft(bando, applicant, contatti={"consenso_app_io": True, "email": " io@example.org "})
    assert (domanda.consenso_app_io, domanda.email) == (True, "io@example.org")
    again = draft(bando, applicant, domanda=domanda, contatti={"consenso_app_io": False, "email": ""})
    assert (again.consenso_app_io, again.email) == (False, "")
    assert again.history.first().history_change_reason == "recapiti per le comunicazioni"
