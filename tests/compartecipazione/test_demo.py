"""The demo's compartecipazione: a tariff with bands, two months computed, notices issued through the seed's stand-in of
pagoPA, one paid (five euro more: a refund to dispose) and reconciled, one in arrears, the demo citizen's notice open;
seeded twice, once."""

from decimal import Decimal

import pytest

from cse.compartecipazione import selectors
from cse.compartecipazione.models import Avviso, Compartecipazione, Pagamento, Tariffa
from cse.demo.compartecipazione import seed_compartecipazione
from tests.support.compartecipazione import sad
from tests.support.factories import AssistitoFactory, CartellaFactory

pytestmark = pytest.mark.django_db


def test_the_demo_month_has_a_paid_notice_a_refund_an_arrear_and_the_citizens_open_notice(comune, responsabile, worker):
    sad()
    for _ in range(4):
        CartellaFactory(assistito=AssistitoFactory(ente=comune), by=worker)
    citizen = AssistitoFactory(ente=comune)
    assert "due mesi calcolati" in seed_compartecipazione(comune, citizen.codice_fiscale)
    assert "già presente" in seed_compartecipazione(comune, citizen.codice_fiscale)

    assert Tariffa.objects.count() == 1 and Compartecipazione.objects.count() == 7
    pagamento = Pagamento.objects.get()
    assert pagamento.esito == "importo_diverso" and pagamento.avviso.compartecipazione.stato == "pagata"
    assert pagamento.rimborso.importo == Decimal("5.00") and pagamento.rimborso.stato == "da_disporre"
    righe, totale = selectors.arretrati(comune)
    assert len(righe) == 1 and totale > 0
    assert Avviso.objects.get(compartecipazione__assistito=citizen).stato == "emesso"
    flags = set(Compartecipazione.objects.values_list("isee_esito", flat=True))
    assert {"valida", "mancante", "scaduta"} <= flags
