"""Who sees what: operators their enti's bandi and domande, the portal a comune's and its ambito's published bandi,
a citizen only their own domande."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cse.bandi import selectors
from tests.support.bandi import citizen, draft, make_bando, submitted
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune, neighbour_comune

pytestmark = pytest.mark.django_db


def test_operators_see_their_enti_s_bandi_and_domande_only(comune, responsabile):
    bando = make_bando(comune, responsabile)
    domanda = submitted(bando, citizen())
    foreign = OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")
    assert list(selectors.bandi_for_operator(responsabile)) == [bando]
    assert list(selectors.bandi_for_operator(foreign)) == []
    assert list(selectors.domande_for_operator(responsabile, bando)) == [domanda]
    assert list(selectors.domande_for_operator(foreign, bando)) == []


def test_the_portal_of_a_comune_shows_its_own_and_its_ambito_s_bandi_with_the_window(comune, ambito, responsabile):
    own = make_bando(comune, responsabile)
    ufficio = OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")
    soon = make_bando(
        ambito, ufficio, apertura=timezone.now() + timedelta(days=2), chiusura=timezone.now() + timedelta(days=9)
    )
    make_bando(comune, responsabile, publish=False)  # a draft is not shown
    neighbour = OperatoreFactory(ente=neighbour_comune(), ruolo="responsabile")
    make_bando(neighbour_comune(), neighbour)  # another comune's
    shown = {p.bando: p.stato_finestra for p in selectors.published_for_comune(comune.comune)}
    assert shown == {own: "Aperto", soon: "Apre a breve"}
    foreign = foreign_comune().comune
    assert selectors.published_for_comune(foreign) == []


def test_a_citizen_sees_only_their_own_domande(comune, responsabile):
    bando = make_bando(comune, responsabile)
    me, other = citizen(), citizen()
    mine = draft(bando, me)
    draft(bando, other)
    assert list(selectors.citizen_domande(me)) == [mine]
    assert list(selectors.citizen_domande(responsabile)) == []
