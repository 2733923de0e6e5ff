"""Collecting what remains and giving back what is not due: an annulled notice is annulled on pagoPA too (queued,
retried, never lost); a payment that arrives on an annulled notice, a second payment, an excess and a paid charge
annulled all become refunds, disposed with a payment order to a checked IBAN; the residual of a charge paid in part
becomes a charge with a notice of its own."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cse.compartecipazione import actions, selectors
from cse.compartecipazione.models import Avviso, Compartecipazione, Rimborso
from cse.compartecipazione.riscossione import actions as riscossione
from cse.core.models import OutboxEvent
from tests.support.compartecipazione import NOVEMBRE, isee, paga, served, tariff
from tests.support.factories import AssistitoFactory, OperatoreFactory
from tests.support.places import foreign_comune

pytestmark = pytest.mark.django_db
IBAN = "IT60X0542811101000000123456"


@pytest.fixture
def avviso(comune, responsabile, pagopa) -> Avviso:
    """One person's November charge of 60 € (ISEE 10,000, ten hours), its notice issued on pagoPA."""
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    isee(person, "10000")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.avvisi_invia_in_coda()
    return Avviso.objects.select_related("compartecipazione").get()


def reconcile(comune):
    return actions.riconcilia_pagamenti(ente=comune, dal=NOVEMBRE)


def fresh(obj):
    obj.refresh_from_db()
    return obj


# --- annulment reaches pagoPA ---------------------------------------------------------------------------------------


def test_annulling_an_issued_notice_annuls_it_on_pagopa_through_the_queue(comune, responsabile, avviso, pagopa):
    actions.annulla(comp=avviso.compartecipazione, motivo="Determina 12: servizio sospeso", by=responsabile)
    assert fresh(avviso).stato == "da_annullare" and not pagopa.annullate  # nothing called in the request
    pagopa.offline = True
    assert actions.avvisi_annulla_in_coda().rinviati == 1
    assert fresh(avviso).stato == "da_annullare" and avviso.prossimo_tentativo_il > timezone.now()
    pagopa.offline = False
    actions.avvisi_annulla_in_coda(now=avviso.prossimo_tentativo_il)
    assert fresh(avviso).stato == "annullato" and pagopa.annullate == {avviso.chiave}
    assert OutboxEvent.objects.filter(event_type="compartecipazione.avviso_annullato").count() == 1


def test_a_notice_never_sent_to_pagopa_is_annulled_at_once(comune, responsabile, pagopa):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    isee(person, "10000")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)  # queued, the worker has not run
    comp = Compartecipazione.objects.get()
    actions.annulla(comp=comp, motivo="Calcolo errato", by=responsabile)
    assert Avviso.objects.get().stato == "annullato" and pagopa.chiamate == 0


def test_a_payment_made_before_the_annulment_reached_pagopa_is_refunded(comune, responsabile, avviso, pagopa):
    actions.annulla(comp=avviso.compartecipazione, motivo="Servizio non reso", by=responsabile)
    paga(avviso.iuv, "60.00")  # the citizen paid while the annulment waited in the queue
    actions.avvisi_annulla_in_coda()
    assert fresh(avviso).stato == "pagato"
    assert reconcile(comune).ripetute == 1
    rimborso = Rimborso.objects.get()
    assert (rimborso.motivo, rimborso.importo, rimborso.pagamento.esito) == (
        "avviso_annullato",
        Decimal("60.00"),
        "su_annullato",
    )


# --- refunds --------------------------------------------------------------------------------------------------------


def test_paying_more_than_due_closes_the_charge_and_owes_back_the_excess(comune, avviso):
    paga(avviso.iuv, "75.50")
    assert reconcile(comune).importo_diverso == 1
    comp = fresh(avviso.compartecipazione)
    assert comp.stato == "pagata" and actions.versato(comp) == Decimal("60.00")
    rimborso = comp.rimborsi.get()
    assert (rimborso.motivo, rimborso.importo) == ("eccedenza", Decimal("15.50"))


def test_annulling_a_paid_charge_owes_back_what_was_paid_once(comune, responsabile, avviso):
    paga(avviso.iuv, "60.00")
    reconcile(comune)
    comp = actions.annulla(comp=fresh(avviso.compartecipazione), motivo="Esenzione riconosciuta", by=responsabile)
    assert comp.stato == "annullata"
    assert [(r.motivo, r.importo) for r in comp.rimborsi.all()] == [("annullamento", Decimal("60.00"))]
    assert fresh(avviso).stato == "pagato"  # a paid notice stays paid: the money goes back by refund
    with pytest.raises(IntegrityError), transaction.atomic():
        actions.rimborso_dovuto(comp, Decimal("1.00"), "annullamento", None)


def test_a_refund_is_disposed_with_a_payment_order_to_a_checked_iban(comune, responsabile, avviso):
    paga(avviso.iuv, "70.00")
    reconcile(comune)
    rimborso = Rimborso.objects.get()
    with pytest.raises(ValidationError) as refused:
        riscossione.rimborso_disponi(
            rimborso=rimborso, iban="IT60X0542811101000000123457", intestatario="", mandato_numero="",
            mandato_data=None, by=responsabile,
        )  # fmt: skip
    assert {"iban", "intestatario", "mandato_numero", "mandato_data"} <= set(refused.value.message_dict)
    assert fresh(rimborso).stato == "da_disporre"
    riscossione.rimborso_disponi(
        rimborso=rimborso, iban=IBAN.lower(), intestatario="Utente del servizio", mandato_numero="2026/118",
        mandato_data=date(2026, 12, 4), by=responsabile,
    )  # fmt: skip
    rimborso = fresh(rimborso)
    assert (rimborso.stato, rimborso.iban, rimborso.deciso_da) == ("disposto", IBAN, responsabile)
    assert OutboxEvent.objects.filter(event_type="compartecipazione.rimborso_disposto").count() == 1
    with pytest.raises(ValidationError):
        riscossione.rimborso_non_dovuto(rimborso=rimborso, nota="ripensamento", by=responsabile)


def test_a_refund_declared_not_due_needs_the_act_and_another_comune_cannot_touch_it(comune, responsabile, avviso):
    paga(avviso.iuv, "70.00")
    reconcile(comune)
    rimborso = Rimborso.objects.get()
    with pytest.raises(ValidationError, match="perché"):
        riscossione.rimborso_non_dovuto(rimborso=rimborso, nota=" ", by=responsabile)
    stranger = OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")
    with pytest.raises(ValidationError):
        riscossione.rimborso_non_dovuto(rimborso=rimborso, nota="Compensato", by=stranger)
    riscossione.rimborso_non_dovuto(rimborso=rimborso, nota="Compensato con dicembre (det. 40)", by=responsabile)
    assert fresh(rimborso).stato == "non_dovuto" and rimborso.deciso_da == responsabile


# --- residual of a charge paid in part -------------------------------------------------------------------------------


def test_the_residual_of_a_charge_paid_in_part_gets_a_notice_of_its_own(comune, responsabile, avviso):
    paga(avviso.iuv, "45.00")
    reconcile(comune)
    comp = fresh(avviso.compartecipazione)
    righe, totale = selectors.arretrati(comune, oggi=date(2026, 11, 20))
    assert (comp.stato, actions.residuo(comp), totale) == ("pagata_in_parte", Decimal("15.00"), Decimal("15.00"))

    residuo = riscossione.residuo_da_riscuotere(comp=comp, by=responsabile)
    assert (residuo.importo, residuo.residuo_di, residuo.mese, residuo.stato) == (
        Decimal("15.00"),
        comp,
        comp.mese,
        "calcolata",
    )
    assert residuo.avviso.stato == "in_coda" and residuo.avviso.importo == Decimal("15.00")
    assert selectors.arretrati(comune, oggi=date(2026, 11, 20)) == ([], Decimal("0.00"))  # its own notice now
    with pytest.raises(ValidationError, match="già"):
        riscossione.residuo_da_riscuotere(comp=comp, by=responsabile)
    actions.avvisi_invia_in_coda()
    paga(fresh(residuo.avviso).iuv, "15.00")
    reconcile(comune)
    assert fresh(residuo).stato == "pagata"


def test_only_a_charge_paid_in_part_has_a_residual(comune, responsabile, avviso):
    with pytest.raises(ValidationError, match="pagata in parte"):
        riscossione.residuo_da_riscuotere(comp=avviso.compartecipazione, by=responsabile)
    assert Compartecipazione.objects.count() == 1


def test_the_annulment_worker_is_resumable(comune, responsabile, avviso, pagopa):
    actions.annulla(comp=avviso.compartecipazione, motivo="Doppio calcolo", by=responsabile)
    actions.avvisi_annulla_in_coda()
    later = timezone.now() + timedelta(hours=2)
    assert actions.avvisi_annulla_in_coda(now=later).emessi == 0  # nothing left: a second run does nothing
    assert pagopa.annullate == {avviso.chiave}
