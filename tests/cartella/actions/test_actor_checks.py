"""Actions check who acts themselves, not only the view in front of them (a worker, a shell, a future API call them
too): the capability the case page asks for, through the permission layer, before anything is written."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cse.cartella.actions.cartella import cartella_open, case_manager_assign
from cse.cartella.actions.diario import diario_add
from cse.cartella.actions.fasi import phase_record_save
from cse.cartella.actions.ritual import REFUSE_ACTOR
from cse.cartella.fasi import SchedaAccesso, Valutazione, VoceDiario
from cse.cartella.glossary import TipoVoceDiario
from cse.core.services import ente_for_comune
from tests.support.factories import ComuneFactory, make_operator, register_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    ente = ente_for_comune(ComuneFactory())
    worker = make_operator(ente, "assistente_sociale")
    desk = make_operator(ente, "segretariato")
    outsider = make_operator(ente_for_comune(ComuneFactory()), "assistente_sociale")
    return cartella_open(assistito=register_person(ente), by=worker), worker, desk, outsider


def test_an_operator_of_another_comune_cannot_write_the_access_record(case):
    cartella, _, _, outsider = case
    with pytest.raises(ValidationError) as exc:
        phase_record_save(cartella=cartella, record="scheda_accesso", data={}, by=outsider, version=None)
    assert exc.value.messages == [REFUSE_ACTOR]
    assert not SchedaAccesso.objects.filter(cartella=cartella).exists()


def test_the_front_desk_writes_the_access_record_but_not_the_assessment(case):
    cartella, _, desk, _ = case
    phase_record_save(cartella=cartella, record="scheda_accesso", data={"richiesta": "aiuto"}, by=desk, version=None)
    assert SchedaAccesso.objects.get(cartella=cartella).richiesta == "aiuto"
    with pytest.raises(ValidationError) as exc:
        phase_record_save(cartella=cartella, record="valutazione", data={"giudizio": "x"}, by=desk, version=None)
    assert exc.value.messages == [REFUSE_ACTOR]
    assert not Valutazione.objects.filter(cartella=cartella).exists()


def test_notes_and_case_manager_need_a_role_on_the_case(case):
    cartella, worker, _, outsider = case
    notes = VoceDiario.objects.filter(cartella=cartella).count()
    with pytest.raises(ValidationError):
        diario_add(
            cartella=cartella,
            tipo=TipoVoceDiario.NOTA,
            testo="nota",
            data_evento=date.today(),
            riservata=False,
            by=outsider,
        )
    with pytest.raises(ValidationError):
        case_manager_assign(cartella=cartella, user=outsider, by=outsider, version=None)
    cartella.refresh_from_db()
    assert cartella.case_manager == worker
    assert VoceDiario.objects.filter(cartella=cartella).count() == notes
