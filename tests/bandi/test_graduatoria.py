"""The graduatoria: computed on the closed bando from the instructed domande, ties broken by the declared
tie-breakers then submission time, amounts until the budget runs out, published with public codes only, final after
the objection period."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.bandi import actions
from cse.bandi.models import Graduatoria
from cse.core.models import OutboxEvent
from tests.support.bandi import citizen, close_window, istruita, make_bando, submitted

pytestmark = pytest.mark.django_db


def _scenario(comune, responsabile, **bando_overrides):
    """Four instructed domande: B scores 40; C and A tie on 30 with the same ISEE (C submitted first); D is out."""
    bando = make_bando(comune, responsabile, **bando_overrides)
    t0 = timezone.now()
    a = istruita(bando, responsabile, isee="5000", at=t0 + timedelta(minutes=3))
    b = istruita(bando, responsabile, isee="4000", minori=1, at=t0 + timedelta(minutes=4))
    c = istruita(bando, responsabile, isee="5000", at=t0 + timedelta(minutes=1))
    d = istruita(bando, responsabile, isee="25000", at=t0 + timedelta(minutes=2))
    for domanda, numero in ((a, "2027/1"), (b, "2027/2"), (d, "2027/4")):  # C's protocol still pending
        actions.domanda_protocollata(domanda=domanda, numero=numero, data=t0.date(), segnatura="")
    return close_window(bando, responsabile), a, b, c, d


def _lines(graduatoria):
    return [(p.domanda_id, p.posizione, p.ammessa, p.importo_assegnato) for p in graduatoria.posizioni.order_by("pk")]


def test_ranking_ties_and_budget_without_partial_award(comune, responsabile):
    bando, a, b, c, d = _scenario(comune, responsabile)
    graduatoria = actions.graduatoria_compute(bando=bando, by=responsabile)
    assert graduatoria.stato == "provvisoria" and graduatoria.pubblicata_il is not None
    assert _lines(graduatoria) == [
        (b.pk, 1, True, Decimal("400.00")),
        (c.pk, 2, True, Decimal("400.00")),
        (a.pk, 3, True, Decimal("0.00")),  # 200 left, no partial award
        (d.pk, None, False, Decimal("0.00")),
    ]
    event = OutboxEvent.objects.get(aggregate_type="bandi.graduatoria", aggregate_id=graduatoria.pk)
    assert event.payload == {"bando": bando.pk, "ammesse": 3, "finanziate": 2}


def test_the_last_gets_the_remainder_with_partial_award(comune, responsabile):
    bando, a, *_ = _scenario(comune, responsabile, assegnazione_parziale=True)
    graduatoria = actions.graduatoria_compute(bando=bando, by=responsabile)
    assert graduatoria.posizioni.get(domanda=a).importo_assegnato == Decimal("200.00")


def test_the_published_lines_carry_a_protocol_number_or_a_code_never_a_name_or_an_isee(comune, responsabile):
    bando, a, b, c, d = _scenario(comune, responsabile)
    graduatoria = actions.graduatoria_compute(bando=bando, by=responsabile)
    codes = dict(graduatoria.posizioni.values_list("domanda_id", "codice_pubblico"))
    assert codes[a.pk] == "2027/1" and codes[b.pk] == "2027/2" and codes[c.pk].startswith(f"B{bando.pk}-")
    for domanda in (a, b, c, d):
        assert domanda.cognome not in codes[domanda.pk] and "5000" not in codes[domanda.pk]
    again = actions.graduatoria_compute(bando=bando, by=responsabile)
    assert dict(again.posizioni.values_list("domanda_id", "codice_pubblico")) == codes  # stable across recomputes
    assert Graduatoria.objects.get(pk=graduatoria.pk).stato == "superata"


def test_no_ranking_while_a_domanda_is_still_in_istruttoria_or_the_bando_is_open(comune, responsabile):
    bando = make_bando(comune, responsabile)
    submitted(bando, citizen())
    with pytest.raises(ValidationError, match="bando chiuso"):
        actions.graduatoria_compute(bando=bando, by=responsabile)
    bando = close_window(bando, responsabile)
    with pytest.raises(ValidationError, match="1 domande sono ancora in istruttoria"):
        actions.graduatoria_compute(bando=bando, by=responsabile)


def test_final_only_after_the_objection_period_and_then_never_recomputed(comune, responsabile):
    bando, *_ = _scenario(comune, responsabile)
    graduatoria = actions.graduatoria_compute(bando=bando, by=responsabile)
    with pytest.raises(ValidationError, match="opposizioni"):
        actions.graduatoria_finalise(graduatoria=graduatoria, by=responsabile)
    later = graduatoria.pubblicata_il + timedelta(days=bando.giorni_opposizione, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        final = actions.graduatoria_finalise(graduatoria=graduatoria, by=responsabile)
    assert final.stato == "definitiva" and final.definitiva_il == later
    with pytest.raises(ValidationError, match="già definitiva"):
        actions.graduatoria_compute(bando=bando, by=responsabile)
