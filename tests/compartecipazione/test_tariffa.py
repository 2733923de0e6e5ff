"""A tariff with its ISEE bands: contiguous from zero, the last open-ended; a change is a new version from a date
(the old one keeps pricing its months), never an edit; only the ente's manager sets it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cse.compartecipazione.actions import tariffa_in_vigore
from cse.compartecipazione.models import Tariffa
from cse.core.models import OutboxEvent
from tests.support.compartecipazione import BANDS, tariff
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune

pytestmark = pytest.mark.django_db


def test_a_tariff_is_recorded_with_its_bands_and_its_event(comune, responsabile):
    t = tariff(comune, responsabile)
    assert (t.versione, t.tariffa_piena, t.fasce.count()) == (1, Decimal("20.00"), 4)
    assert OutboxEvent.objects.filter(event_type="tariffa.creata", aggregate_id=t.pk).exists()


def test_a_change_is_a_new_version_and_each_month_uses_the_one_in_force(comune, responsabile):
    v1 = tariff(comune, responsabile)
    v2 = tariff(comune, responsabile, tariffa_piena=Decimal("22.00"), valida_dal=date(2026, 12, 1))
    assert (v2.versione, v2.sostituisce) == (2, v1)
    assert tariffa_in_vigore(comune, date(2026, 11, 1)) == [v1]
    assert tariffa_in_vigore(comune, date(2026, 12, 1)) == [v2]
    assert tariffa_in_vigore(comune, date(2025, 12, 1)) == []


def test_a_new_version_cannot_start_before_the_last(comune, responsabile):
    tariff(comune, responsabile, valida_dal=date(2026, 6, 1))
    with pytest.raises(ValidationError) as err:
        tariff(comune, responsabile, valida_dal=date(2026, 3, 1))
    assert "data successiva al 01/06/2026" in err.value.messages[0]
    assert Tariffa.objects.count() == 1


def test_a_saved_tariff_is_never_edited(comune, responsabile):
    t = tariff(comune, responsabile)
    t.tariffa_piena = Decimal("1.00")
    with pytest.raises(ValidationError) as err:
        t.save()
    assert "nuova versione" in err.value.messages[0]
    assert Tariffa.objects.get().tariffa_piena == Decimal("20.00")


@pytest.mark.parametrize(
    "fasce, words",
    [
        ([], "almeno una fascia"),
        ([{**BANDS[0], "isee_da": Decimal("1.00")}, *BANDS[1:]], "deve iniziare da 0.00"),
        ([BANDS[0], {**BANDS[1], "isee_da": Decimal("6000.05")}, *BANDS[2:]], "deve iniziare da 6000.01"),
        ([*BANDS[:3], {**BANDS[3], "isee_a": Decimal("99999")}], "ultima fascia non ha limite"),
        ([{**BANDS[0], "isee_a": None}, *BANDS[1:]], "solo l'ultima"),
        ([BANDS[0], {**BANDS[1], "valore": Decimal("130")}, *BANDS[2:]], "da 0 a 100"),
        ([*BANDS[:2], {**BANDS[2], "valore": Decimal("25")}, BANDS[3]], "non superare la tariffa piena"),
    ],
)
def test_bands_that_leave_a_gap_or_overlap_are_refused_in_italian(comune, responsabile, fasce, words):
    with pytest.raises(ValidationError) as err:
        tariff(comune, responsabile, fasce=fasce)
    assert any(words in m for m in err.value.messages)
    assert not Tariffa.objects.exists()


@pytest.mark.parametrize("piena, words", [(Decimal("0"), "maggiore di zero"), (Decimal("20.005"), "due decimali")])
def test_a_full_tariff_that_is_not_money_is_refused(comune, responsabile, piena, words):
    with pytest.raises(ValidationError) as err:
        tariff(comune, responsabile, tariffa_piena=piena)
    assert words in err.value.messages[0]


def test_an_operator_of_another_comune_cannot_set_the_tariff(comune):
    stranger = OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")
    with pytest.raises(ValidationError) as err:
        tariff(comune, stranger)
    assert "Non si è abilitati" in err.value.messages[0]


def test_a_social_worker_does_not_set_tariffs(comune, worker):
    with pytest.raises(ValidationError):
        tariff(comune, worker)
