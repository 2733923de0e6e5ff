"""A bando: created and published by its ente's operator, its rules frozen once published, corrected only by a new
version with a reason; other enti's operators are refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cse.bandi import actions
from cse.bandi.models import Bando
from cse.core.models import OutboxEvent
from tests.support.bandi import SCHEMA, bando_fields, close_window, make_bando
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune

pytestmark = pytest.mark.django_db


def test_publishing_freezes_the_rules_and_records_history_and_event(comune, responsabile):
    bando = make_bando(comune, responsabile)
    assert bando.stato == "pubblicato" and bando.pubblicato_il is not None
    assert bando.history.first().history_change_reason == "bando pubblicato"
    events = OutboxEvent.objects.filter(aggregate_type="bandi.bando", aggregate_id=bando.pk)
    assert list(events.values_list("event_type", flat=True)) == ["bando.creato", "bando.pubblicato"]
    with pytest.raises(ValidationError, match="pubblicato"):
        actions.bando_update(bando=bando, by=responsabile, changes={"stanziamento": Decimal("5000.00")})


def test_the_model_itself_refuses_to_change_a_published_bando(comune, responsabile):
    bando = make_bando(comune, responsabile)
    bando.schema = {"criteri": []}
    with pytest.raises(ValidationError, match="schema"):
        bando.save()
    assert Bando.objects.get(pk=bando.pk).schema == SCHEMA


def test_a_draft_changes_in_place(comune, responsabile):
    bando = make_bando(comune, responsabile, publish=False)
    actions.bando_update(bando=bando, by=responsabile, changes={"stanziamento": Decimal("5000.00")})
    assert Bando.objects.get(pk=bando.pk).stanziamento == Decimal("5000.00")


def test_a_correction_is_a_new_published_version_with_its_reason(comune, responsabile):
    bando = make_bando(comune, responsabile)
    new = actions.bando_correct(
        bando=bando, by=responsabile, reason="errore nel tetto ISEE", changes={"stanziamento": Decimal("2000.00")}
    )
    old = Bando.objects.get(pk=bando.pk)
    assert (old.stato, old.stanziamento) == ("sostituito", Decimal("1000.00"))
    assert (new.versione, new.stato, new.sostituisce, new.motivo_correzione) == (
        2,
        "pubblicato",
        old,
        "errore nel tetto ISEE",
    )
    assert actions.bando_vigente(comune.pk, bando.codice) == new
    with pytest.raises(ValidationError, match="motivo"):
        actions.bando_correct(bando=new, by=responsabile, reason=" ", changes={"titolo": "x"})


def test_a_schema_that_does_not_parse_is_never_published(comune, responsabile):
    broken = {"criteri": [{"codice": "x", "etichetta": "X", "tipo": "requisito", "fatto": "eta"}]}
    with pytest.raises(ValidationError, match="condizione"):
        actions.bando_create(ente=comune, by=responsabile, **bando_fields(schema=broken))
    assert not Bando.objects.exists()


def test_a_criterion_on_a_declaration_the_bando_does_not_have_is_refused(comune, responsabile):
    schema = {
        "criteri": [
            {
                "codice": "d",
                "etichetta": "D",
                "tipo": "requisito",
                "fatto": "dichiarazione.inventata",
                "condizione": {"operatore": "==", "valore": True},
            }
        ]
    }
    with pytest.raises(ValidationError, match="inventata"):
        actions.bando_create(ente=comune, by=responsabile, **bando_fields(schema=schema))


def test_a_window_that_closes_before_it_opens_is_refused(comune, responsabile):
    fields = bando_fields()
    fields["chiusura"] = fields["apertura"] - timedelta(hours=1)
    with pytest.raises(ValidationError, match="chiusura"):
        actions.bando_create(ente=comune, by=responsabile, **fields)


def test_an_operator_of_another_ente_is_refused(comune, responsabile):
    foreign = OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.bando_create(ente=comune, by=foreign, **bando_fields())
    bando = make_bando(comune, responsabile, publish=False)
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.bando_publish(bando=bando, by=foreign)
    assert Bando.objects.get(pk=bando.pk).stato == "bozza"


def test_a_social_worker_instructs_but_does_not_publish(comune, responsabile, worker):
    bando = make_bando(comune, responsabile, publish=False)
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        actions.bando_publish(bando=bando, by=worker)


def test_closing_waits_for_the_deadline(comune, responsabile):
    bando = make_bando(comune, responsabile)
    with pytest.raises(ValidationError, match="dopo la scadenza"):
        actions.bando_close(bando=bando, by=responsabile)
    assert close_window(bando, responsabile).stato == "chiuso"
