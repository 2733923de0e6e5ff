"""The istruttoria: assigned to an operator of the bando's ente, criteria evaluated with provenance, facts established
by the operator with a reason, the clock stopped by an integration request and moved by the days it stood still,
closed only when nothing is left to verify."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from cse.bandi import actions
from cse.bandi.models import Domanda, EsitoCriterio
from tests.support.bandi import citizen, in_istruttoria, make_bando, submitted
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune

pytestmark = pytest.mark.django_db


@pytest.fixture
def bando(comune, responsabile):
    return make_bando(comune, responsabile)


def test_assignment_goes_to_an_operator_of_the_ente_only(bando, responsabile, worker):
    domanda = submitted(bando, citizen())
    foreign = OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")
    with pytest.raises(ValidationError, match="non istruisce"):
        actions.istruttoria_assign(domanda=domanda, istruttore=foreign, by=responsabile)
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.istruttoria_assign(domanda=domanda, istruttore=foreign, by=foreign)
    domanda = actions.istruttoria_assign(domanda=domanda, istruttore=worker, by=responsabile)
    assert (domanda.stato, domanda.istruttore) == ("in_istruttoria", worker)


def test_a_foreign_operator_cannot_evaluate_or_set_facts(bando, responsabile):
    domanda = in_istruttoria(bando, citizen(), responsabile, facts={})
    foreign = OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.istruttoria_evaluate(domanda=domanda, by=foreign)
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.istruttoria_set_fact(domanda=domanda, fatto="isee.valore", valore="1", reason="x", by=foreign)


def test_evaluation_writes_one_outcome_per_criterion_with_provenance(bando, responsabile):
    domanda = in_istruttoria(bando, citizen(), responsabile, facts={"isee.valore": "5000", "nucleo.minori": 2})
    esiti = {e.criterio: e for e in EsitoCriterio.objects.filter(domanda=domanda)}
    assert set(esiti) == {"isee_soglia", "residenza", "isee_fasce", "minori"}
    assert (esiti["isee_soglia"].esito, esiti["isee_soglia"].fonte, esiti["isee_soglia"].rilevato_da) == (
        "soddisfatto",
        "operatore",
        responsabile,
    )
    assert esiti["residenza"].esito == "da_verificare" and esiti["residenza"].fonte == ""
    assert Domanda.objects.get(pk=domanda.pk).punteggio == 40


def test_an_operator_fact_needs_a_reason_and_a_fact_the_bando_uses(bando, responsabile):
    domanda = in_istruttoria(bando, citizen(), responsabile, facts={})
    with pytest.raises(ValidationError, match="da dove risulta"):
        actions.istruttoria_set_fact(domanda=domanda, fatto="isee.valore", valore="1", reason=" ", by=responsabile)
    with pytest.raises(ValidationError, match="non valuta"):
        actions.istruttoria_set_fact(domanda=domanda, fatto="eta", valore=40, reason="doc", by=responsabile)


def test_closing_is_refused_while_a_criterion_is_to_verify(bando, responsabile):
    domanda = in_istruttoria(bando, citizen(), responsabile, facts={"isee.valore": "5000"})
    with pytest.raises(ValidationError) as refused:
        actions.istruttoria_close(domanda=domanda, by=responsabile)
    assert any("«residenza» da verificare" in m for m in refused.value.messages)
    assert Domanda.objects.get(pk=domanda.pk).stato == "in_istruttoria"


def test_closing_admits_or_rejects_on_the_requisiti(bando, responsabile):
    facts = {"isee.valore": "5000", "residenza.comune_istat": "072029", "nucleo.minori": 0}
    admitted = actions.istruttoria_close(
        domanda=in_istruttoria(bando, citizen(), responsabile, facts=facts), by=responsabile
    )
    assert (admitted.stato, admitted.esito, admitted.punteggio) == ("istruita", "ammessa", 30)
    rejected = actions.istruttoria_close(
        domanda=in_istruttoria(bando, citizen(), responsabile, facts=facts | {"isee.valore": "25000"}),
        by=responsabile,
    )
    assert (rejected.esito, rejected.motivazione) == ("non_ammessa", "Requisiti non soddisfatti: isee_soglia.")


def test_an_integration_request_stops_the_clock_and_the_answer_moves_the_deadline(bando, responsabile):
    person = citizen()
    domanda = in_istruttoria(bando, person, responsabile, facts={})
    deadline = domanda.scadenza_istruttoria
    asked = datetime(2027, 4, 1, 8, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=asked):
        richiesta = actions.integrazione_request(domanda=domanda, testo="Inviare il contratto", by=responsabile)
    assert Domanda.objects.get(pk=domanda.pk).stato == "sospesa"
    assert richiesta.scadenza == asked.date() + timedelta(days=10)
    with pytest.raises(ValidationError, match="non è in istruttoria"):
        actions.istruttoria_evaluate(domanda=domanda, by=responsabile)
    with mock.patch("django.utils.timezone.now", return_value=asked + timedelta(days=6, hours=3)):
        answered = actions.integrazione_answer(domanda=domanda, risposta="Allegato inviato", by=person)
    domanda.refresh_from_db()
    assert answered.risposta_il is not None and domanda.stato == "in_istruttoria"
    assert (domanda.giorni_sospensione, domanda.scadenza_istruttoria) == (6, deadline + timedelta(days=6))
    assert domanda.history.first().history_change_reason == "integrazione ricevuta: termine spostato di 6 giorni"


def test_the_clock_counts_rome_days(bando, responsabile):
    # 23:30 UTC on 1 April is 01:30 on 2 April in Rome: an answer at 09:00 on 2 April stops nothing
    assert actions.suspended_days(datetime(2027, 4, 1, 23, 30, tzinfo=UTC), datetime(2027, 4, 2, 7, 0, tzinfo=UTC)) == 0


def test_another_citizen_cannot_answer_an_integration(bando, responsabile):
    domanda = in_istruttoria(bando, citizen(), responsabile, facts={})
    actions.integrazione_request(domanda=domanda, testo="Inviare il contratto", by=responsabile)
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.integrazione_answer(domanda=domanda, risposta="io", by=citizen())


def test_exclusion_frees_the_person_to_apply_again(bando, responsabile):
    person = citizen()
    domanda = in_istruttoria(bando, person, responsabile, facts={})
    actions.domanda_exclude(domanda=domanda, by=responsabile, reason="integrazione non pervenuta")
    assert submitted(bando, person).stato == "presentata"
