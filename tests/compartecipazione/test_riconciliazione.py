"""Receipts read from pagoPA and matched by IUV: a full payment closes the charge; less than due is recorded, the notice
is paid on pagoPA and the rest stays in arrears; a receipt of no notice of ours is kept for the operator; a receipt read
twice counts once. Arrears: issued notices past their due date and unpaid, totalled per person."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cse.compartecipazione import actions, selectors
from cse.compartecipazione.models import Avviso, Pagamento
from cse.core.external import ServiceUnavailable
from cse.core.models import OutboxEvent
from cse.core.pagamenti import componi_iuv
from tests.support.compartecipazione import NOVEMBRE, isee, paga, served, tariff
from tests.support.factories import AssistitoFactory, OperatoreFactory
from tests.support.places import foreign_comune

pytestmark = pytest.mark.django_db
DAL = NOVEMBRE


@pytest.fixture
def notices(comune, responsabile, pagopa):
    """Three people with a notice issued: 60 € (ISEE 10,000), 80 € (ISEE 20,000), 200 € (no ISEE)."""
    tariff(comune, responsabile)
    people = [AssistitoFactory(ente=comune) for _ in range(3)]
    for person, valore in zip(people, ("10000", "20000", None), strict=True):
        served(person, "10")
        if valore:
            isee(person, valore)
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.avvisi_invia_in_coda()
    return {a.compartecipazione.assistito: a for a in Avviso.objects.select_related("compartecipazione__assistito")}


def by_amount(notices, importo: str) -> Avviso:
    return next(a for a in notices.values() if a.importo == Decimal(importo))


def test_a_full_payment_closes_the_charge(comune, notices):
    avviso = by_amount(notices, "60.00")
    paga(avviso.iuv, "60.00")
    esito = actions.riconcilia_pagamenti(ente=comune, dal=DAL)
    avviso.refresh_from_db()
    assert (esito.pagati, avviso.stato, avviso.compartecipazione.stato) == (1, "pagato", "pagata")
    assert Pagamento.objects.get().esito == "pagato"
    assert OutboxEvent.objects.filter(event_type="compartecipazione.pagata").count() == 1


def test_a_receipt_read_twice_is_recorded_once(comune, notices):
    paga(by_amount(notices, "60.00").iuv, "60.00")
    actions.riconcilia_pagamenti(ente=comune, dal=DAL)
    again = actions.riconcilia_pagamenti(ente=comune, dal=DAL)
    assert (again.pagati, again.gia_registrate, Pagamento.objects.count()) == (0, 1, 1)


def test_a_partial_payment_is_recorded_and_the_rest_stays_due(comune, notices):
    avviso = by_amount(notices, "80.00")
    paga(avviso.iuv, "30.00")
    esito = actions.riconcilia_pagamenti(ente=comune, dal=DAL)
    avviso.refresh_from_db()
    assert (esito.importo_diverso, avviso.stato, avviso.compartecipazione.stato) == (1, "pagato", "pagata_in_parte")
    assert Pagamento.objects.get().esito == "importo_diverso"
    righe, totale = selectors.arretrati(comune, oggi=avviso.scadenza + timedelta(days=1))
    riga = next(r for r in righe if r.assistito == avviso.compartecipazione.assistito)
    assert (riga.dovuto, riga.versato, riga.residuo) == (Decimal("80.00"), Decimal("30.00"), Decimal("50.00"))


def test_an_unknown_iuv_is_kept_for_the_operator_and_closes_nothing(comune, notices):
    paga(componi_iuv("01", 9_999_999), "12.00")
    esito = actions.riconcilia_pagamenti(ente=comune, dal=DAL)
    assert esito.sconosciute == 1 and not Avviso.objects.filter(stato="pagato").exists()
    assert [p.esito for p in selectors.pagamenti_da_verificare(comune)] == ["sconosciuta"]


def test_a_second_payment_of_a_paid_notice_is_flagged(comune, notices):
    avviso = by_amount(notices, "60.00")
    paga(avviso.iuv, "60.00")
    actions.riconcilia_pagamenti(ente=comune, dal=DAL)
    paga(avviso.iuv, "60.00")
    assert actions.riconcilia_pagamenti(ente=comune, dal=DAL).ripetute == 1
    assert [p.esito for p in selectors.pagamenti_da_verificare(comune)] == ["ripetuta"]
    rimborso = avviso.compartecipazione.rimborsi.get()  # the second payment is owed back
    assert (rimborso.motivo, rimborso.importo, rimborso.stato) == ("doppio", Decimal("60.00"), "da_disporre")


def test_pagopa_unreachable_writes_nothing(comune, notices, pagopa):
    paga(by_amount(notices, "60.00").iuv, "60.00")
    pagopa.offline = True
    with pytest.raises(ServiceUnavailable):
        actions.riconcilia_pagamenti(ente=comune, dal=DAL)
    assert not Pagamento.objects.exists()


def test_arrears_are_the_unpaid_notices_past_due_with_totals_per_person(comune, notices):
    paid = by_amount(notices, "60.00")
    paga(paid.iuv, "60.00")
    actions.riconcilia_pagamenti(ente=comune, dal=DAL)
    scadenza = paid.scadenza
    assert selectors.arretrati(comune, oggi=scadenza) == ([], Decimal("0.00"))  # due today: not late yet
    righe, totale = selectors.arretrati(comune, oggi=scadenza + timedelta(days=1))
    assert sorted(r.residuo for r in righe) == [Decimal("80.00"), Decimal("200.00")]
    assert totale == Decimal("280.00") and isinstance(totale, Decimal)


def test_an_operator_of_another_comune_cannot_reconcile(comune, notices):
    paga(by_amount(notices, "60.00").iuv, "60.00")
    stranger = OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")
    with pytest.raises(ValidationError):
        actions.riconcilia_pagamenti(ente=comune, dal=DAL, by=stranger)
    assert not Pagamento.objects.exists()
