"""The monthly charge: hours delivered × the unit amount of the person's ISEE band, rounded once to the cent; an
expired, discordant or missing ISEE is flagged (full tariff or «da verificare», as the tariff says), never a crash;
running the month again never doubles a charge; a correction is an annulment plus a new row."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cse.compartecipazione import actions, calcolo
from cse.compartecipazione.models import Compartecipazione
from cse.core.models import OutboxEvent
from tests.support.compartecipazione import NOVEMBRE, hours, isee, served, tariff
from tests.support.factories import AssistitoFactory, OperatoreFactory
from tests.support.places import foreign_comune, home_ambito

pytestmark = pytest.mark.django_db


def run(ente, by, mese=NOVEMBRE):
    return actions.calcola_compartecipazioni(ente=ente, mese=mese, by=by)


def charge_of(person) -> Compartecipazione:
    return Compartecipazione.objects.exclude(stato="annullata").get(assistito=person)


@pytest.mark.parametrize(
    "valore, importo",
    [
        ("0.00", "0.00"),  # first band: exempt
        ("6000.00", "0.00"),  # upper end of the exemption, included
        ("6000.01", "60.00"),  # 30 % of 20 € × 10 h
        ("15000.00", "60.00"),
        ("15000.01", "80.00"),  # 8 €/h × 10 h
        ("25000.00", "80.00"),
        ("25000.01", "200.00"),  # the full tariff
        ("90000.00", "200.00"),
    ],
)
def test_the_band_of_the_isee_prices_the_hours_at_every_boundary(comune, responsabile, valore, importo):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    isee(person, valore)
    run(comune, responsabile)
    comp = charge_of(person)
    assert (comp.importo, comp.isee_esito, comp.da_verificare) == (Decimal(importo), "valida", False)
    assert comp.isee_valore == Decimal(valore) and comp.isee_protocollo_dsu.startswith("INPS-ISEE-2026")


def test_the_hours_of_the_month_are_summed_and_other_months_left_out(comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    case = served(person, "7.5", on=date(2026, 11, 3))
    hours(case, "4", on=date(2026, 11, 30))
    hours(case, "9", on=date(2026, 10, 31))
    hours(case, "9", on=date(2026, 12, 1))
    isee(person, "10000")
    run(comune, responsabile)
    assert (charge_of(person).quantita, charge_of(person).importo) == (Decimal("11.50"), Decimal("69.00"))


def test_the_amount_is_rounded_once_half_up_to_the_cent(comune, responsabile):
    tariff(
        comune,
        responsabile,
        tariffa_piena=Decimal("17.35"),
        fasce=[{"isee_da": Decimal("0"), "isee_a": None, "tipo": "percentuale", "valore": Decimal("33")}],
    )
    person = AssistitoFactory(ente=comune)
    served(person, "3.5")
    isee(person, "9000")
    run(comune, responsabile)
    comp = charge_of(person)
    # 17.35 × 33 % = 5.7255 €/h (kept exact) × 3.5 h = 20.03925 → 20.04 (rounding per hour first would give 20.02)
    assert comp.importo_unitario == Decimal("5.7255")
    assert comp.importo == Decimal("20.04") and isinstance(comp.importo, Decimal)
    assert calcolo.euro(Decimal("0.125")) == Decimal("0.13")


def test_an_expired_isee_is_flagged_and_the_full_tariff_applies(comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    isee(person, "3000", dal=date(2025, 1, 10), al=date(2025, 12, 31))
    run(comune, responsabile)
    comp = charge_of(person)
    assert (comp.isee_esito, comp.importo, comp.da_verificare) == ("scaduta", Decimal("200.00"), False)
    assert "scaduta il 31/12/2025" in comp.segnalazione and "tariffa piena" in comp.segnalazione


def test_a_tariff_may_ask_to_check_instead_of_charging_in_full(comune, responsabile):
    tariff(comune, responsabile, senza_isee="da_verificare")
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    esito = run(comune, responsabile)
    comp = charge_of(person)
    assert (comp.isee_esito, comp.da_verificare, esito.da_verificare) == ("mancante", True, 1)
    assert "Nessuna attestazione ISEE" in comp.segnalazione


def test_two_attestations_with_different_values_are_discordant_and_to_check(comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    isee(person, "5000", dsu="DSU-A")
    isee(person, "18000", dal=date(2026, 3, 1), dsu="DSU-B")
    run(comune, responsabile)
    comp = charge_of(person)
    assert (comp.isee_esito, comp.da_verificare) == ("discordante", True)
    assert "5000.00 €, 18000.00 €" in comp.segnalazione


def test_an_isee_presented_during_the_month_counts_for_the_month(comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    isee(person, "30000", dal=date(2025, 1, 10), al=date(2025, 12, 31))
    isee(person, "12000", dal=date(2026, 11, 20), al=date(2026, 12, 31))
    run(comune, responsabile)
    assert (charge_of(person).isee_esito, charge_of(person).importo) == ("valida", Decimal("60.00"))


def test_hours_in_another_unit_are_not_counted_and_flagged(comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    case = served(person, "10")
    hours(case, "2", unita="accessi")
    isee(person, "10000")
    run(comune, responsabile)
    comp = charge_of(person)
    assert (comp.quantita, comp.da_verificare) == (Decimal("10.00"), True)
    assert "altra unità di misura" in comp.segnalazione


def test_running_the_month_again_does_not_duplicate(comune, responsabile):
    tariff(comune, responsabile)
    first, second = AssistitoFactory(ente=comune), AssistitoFactory(ente=comune)
    served(first, "10")
    assert run(comune, responsabile).calcolate == 1
    served(second, "4")
    again = run(comune, responsabile)
    assert (again.calcolate, again.gia_presenti) == (1, 1)
    assert Compartecipazione.objects.count() == 2
    assert OutboxEvent.objects.filter(event_type="compartecipazione.calcolata").count() == 2


def test_a_person_served_by_another_ente_is_not_charged_here(comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10", ente=home_ambito())  # the ambito grants this person's home care
    assert run(comune, responsabile).calcolate == 0


def test_a_correction_annuls_with_a_reason_and_makes_a_new_charge(comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    run(comune, responsabile)
    wrong = charge_of(person)
    assert wrong.isee_esito == "mancante" and wrong.importo == Decimal("200.00")
    isee(person, "4000")
    with pytest.raises(ValidationError):
        actions.ricalcola(comp=wrong, motivo="  ", by=responsabile)
    fixed = actions.ricalcola(comp=wrong, motivo="DSU presentata il 20/11", by=responsabile)
    wrong.refresh_from_db()
    assert (wrong.stato, wrong.motivo_annullamento) == ("annullata", "DSU presentata il 20/11")
    assert (fixed.sostituisce, fixed.importo, fixed.stato) == (wrong, Decimal("0.00"), "calcolata")
    assert wrong.history.count() == 2  # computed, then annulled: the first row is never rewritten
    assert run(comune, responsabile).calcolate == 0


def test_a_second_active_charge_is_refused_by_the_database(comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    run(comune, responsabile)
    comp = charge_of(person)
    comp.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():  # the unique constraint, whoever writes
        comp.save()


def test_an_operator_of_another_comune_cannot_run_the_month(comune, responsabile):
    tariff(comune, responsabile)
    stranger = OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")
    with pytest.raises(ValidationError) as err:
        run(comune, stranger)
    assert "Non si è abilitati" in err.value.messages[0]


@pytest.mark.parametrize("testo", ["2026-13", "novembre", "", "2026/11"])
def test_a_month_written_wrong_is_refused_in_italian(testo):
    with pytest.raises(ValidationError) as err:
        calcolo.mese_da_testo(testo)
    assert "AAAA-MM" in err.value.messages[0]
