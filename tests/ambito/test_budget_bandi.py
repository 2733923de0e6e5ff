"""A bando of the ambito financed by a piano di zona line: linking commits its stanziamento (refused over the line's
residual, with the residual in the message), the final ranking turns it into the awards, each paid instalment is
liquidated on the line; the beneficiary's prestazione is granted by the ambito and recorded in their comune."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse.ambito import services
from cse.ambito.models import BandoFinanziato, LineaBudget
from cse.bandi.liquidazione import actions as liquidazione
from cse.bandi.models import Domanda
from cse.bandi.provvedimento import actions as provv
from tests.support.bandi import IBAN_OK, close_window, finalise, istruita, make_bando
from tests.support.factories import OperatoreFactory
from tests.support.places import home_ambito, home_comune
from tests.support.provvedimenti import sottoposto

pytestmark = pytest.mark.django_db


@pytest.fixture
def ufficio(db):
    return OperatoreFactory(ente=home_ambito(), ruolo="ufficio_di_piano")


def _linea(programmato: str) -> LineaBudget:
    return LineaBudget.objects.create(
        ambito=home_ambito(),
        anno=2027,
        fonte="fnps",
        intervento_pdz="Sostegno all'abitare",
        programmato=Decimal(programmato),
    )


def test_linking_over_the_residual_is_refused_with_the_residual_and_writes_nothing(ufficio):
    bando = make_bando(home_ambito(), ufficio)
    with pytest.raises(ValidationError) as exc:
        services.bando_budget_link(bando=bando, linea=_linea("900.00"), by=ufficio)
    assert "restano € 900,00, il bando ne impegna € 1.000,00" in exc.value.messages[0]
    assert not BandoFinanziato.objects.exists()


def test_the_line_moves_with_the_stanziamento_the_awards_and_the_payments(ufficio):
    from cse.bandi import actions

    linea = _linea("5000.00")
    bando = make_bando(home_ambito(), ufficio)
    services.bando_budget_link(bando=bando, linea=linea, by=ufficio)
    assert (linea.impegnato(), linea.liquidato(), linea.residuo()) == (Decimal("1000.00"), 0, Decimal("4000.00"))

    first, second = (istruita(bando, ufficio, isee=v) for v in ("5000", "4000"))
    bando = close_window(bando, ufficio)
    graduatoria = finalise(actions.graduatoria_compute(bando=bando, by=ufficio), ufficio)
    assert linea.impegnato() == Decimal("800.00")
    approver = OperatoreFactory(ente=home_ambito(), ruolo="responsabile")
    provv.provvedimento_approve(provvedimento=sottoposto(bando, graduatoria, ufficio), by=approver)

    Domanda.objects.filter(pk=first.pk).update(comune_residenza=home_comune().comune)
    liquidazione.iban_set(domanda=first, by=ufficio, iban=IBAN_OK)
    [rata] = liquidazione.rate_plan(domanda=first, by=ufficio, numero_rate=1, dal=date.today().replace(day=1))
    rata = liquidazione.rata_liquidate(rata=rata, by=ufficio, mandato_numero="A-1", mandato_data=date.today())
    assert linea.liquidato() == Decimal("400.00")
    prestazione = rata.prestazione
    assert prestazione.cartella.owner_ente == home_comune() and prestazione.ente_erogatore == home_ambito()


def test_the_ufficio_di_piano_links_a_bando_on_its_page(ufficio, client):
    bando = make_bando(home_ambito(), ufficio)
    linea = _linea("900.00")
    client.force_login(ufficio)
    page = client.get(reverse("ambito:budget_bandi"))
    assert page.status_code == 200 and bando.titolo in page.content.decode()
    refused = client.post(reverse("ambito:budget_bandi"), {"bando": bando.pk, "linea": linea.pk})
    assert refused.status_code == 400 and "restano € 900,00" in refused.content.decode()
