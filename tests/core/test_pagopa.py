"""pagoPA rules of the ente creditore: the IUV and numero avviso of schema NAV.3 / IUV.3 (SACI), amounts in Decimal
with two places, and receipts reconciled by IUV."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from cse.core.pagamenti import (
    Ricevuta,
    codice_avviso,
    componi_iuv,
    da_centesimi,
    in_centesimi,
    iuv_check_digits,
    riconcilia,
    valida_codice_avviso,
)

ROME = ZoneInfo("Europe/Rome")


@pytest.mark.parametrize(
    "segregazione, base, digits",
    [
        ("01", "0000000000001", "44"),  # 3010000000000001 = 93 · 32365591397849 + 44
        ("47", "1234567890123", "89"),  # 3471234567890123 = 93 · 37325103955807 + 89
    ],
)
def test_the_check_digits_are_the_remainder_by_93_of_aux_digit_segregation_and_base(segregazione, base, digits):
    assert iuv_check_digits(segregazione, base) == digits


def test_the_iuv_and_the_notice_number_of_a_progressive():
    iuv = componi_iuv("01", 1)
    assert iuv == "01" + "0000000000001" + "44" and len(iuv) == 17
    assert codice_avviso(iuv) == "301000000000000144" and len(codice_avviso(iuv)) == 18


def test_a_notice_number_read_back_is_checked():
    assert valida_codice_avviso("3010 0000 0000 0001 44") == "301000000000000144"


@pytest.mark.parametrize("position", range(3, 16))
def test_any_single_wrong_digit_of_the_notice_is_caught(position):
    good = "301000000000000144"
    wrong = good[:position] + str((int(good[position]) + 7) % 10) + good[position + 1 :]
    with pytest.raises(ValidationError) as err:
        valida_codice_avviso(wrong)
    assert "cifre di controllo" in err.value.messages[0]


@pytest.mark.parametrize(
    "value, words",
    [("30100000000000014", "18 cifre"), ("001000000000000144", "prima cifra diversa da 3"), ("", "18 cifre")],
)
def test_malformed_notice_numbers_are_refused_in_italian(value, words):
    with pytest.raises(ValidationError) as err:
        valida_codice_avviso(value)
    assert words in err.value.messages[0]


@pytest.mark.parametrize(
    "segregazione, progressivo, words",
    [("1", 1, "due cifre"), ("01", 0, "progressivo"), ("01", 10**13, "progressivo")],
)
def test_iuv_inputs_out_of_range_are_refused(segregazione, progressivo, words):
    with pytest.raises(ValidationError) as err:
        componi_iuv(segregazione, progressivo)
    assert words in err.value.messages[0]


def test_amounts_go_to_cents_and_back_exactly():
    assert in_centesimi(Decimal("123.45")) == 12345
    assert in_centesimi(Decimal("0.1")) == 10
    assert da_centesimi(12345) == Decimal("123.45")


@pytest.mark.parametrize(
    "importo, words",
    [(Decimal("10.005"), "due decimali"), (Decimal("0"), "maggiore di zero"), (12.5, "numero decimale")],
)
def test_amounts_that_cannot_be_paid_are_refused(importo, words):
    with pytest.raises(ValidationError) as err:
        in_centesimi(importo)
    assert words in err.value.messages[0]


def ricevuta(iuv: str, importo: str, n: int = 1) -> Ricevuta:
    return Ricevuta(
        iuv=iuv, importo=Decimal(importo), pagato_il=datetime(2026, 12, 1, 10, n, tzinfo=ROME), id_ricevuta=f"r{n}"
    )


def test_receipts_are_reconciled_by_iuv():
    attesi = {
        componi_iuv("01", 1): Decimal("45.00"),
        componi_iuv("01", 2): Decimal("30.00"),
        componi_iuv("01", 3): Decimal("12.50"),
    }
    esito = riconcilia(
        attesi,
        [
            ricevuta(componi_iuv("01", 1), "45.00", 1),
            ricevuta(componi_iuv("01", 2), "20.00", 2),
            ricevuta(componi_iuv("02", 9), "99.00", 3),
            ricevuta(componi_iuv("01", 1), "45.00", 4),
        ],
    )
    assert set(esito.pagati) == {componi_iuv("01", 1)} and esito.pagati[componi_iuv("01", 1)].id_ricevuta == "r1"
    assert set(esito.importo_diverso) == {componi_iuv("01", 2)}
    assert [r.id_ricevuta for r in esito.sconosciute] == ["r3"]
    assert [r.id_ricevuta for r in esito.ripetute] == ["r4"]
    assert componi_iuv("01", 3) not in esito.pagati  # still to be paid: an arrear once past its due date
