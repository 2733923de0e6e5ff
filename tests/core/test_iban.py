"""IBAN of a beneficiary: normalised when good, refused with the reason in Italian when not."""

import pytest
from django.core.exceptions import ValidationError

from cse.core.iban import validate_iban

# The example IBAN of Banca d'Italia's own documentation (not a real account)
GOOD = "IT60X0542811101000000123456"


@pytest.mark.parametrize("typed", [GOOD, "it60 x054 2811 1010 0000 0123 456", " IT60X0542811101000000123456 "])
def test_a_good_iban_comes_back_normalised(typed):
    assert validate_iban(typed) == GOOD


@pytest.mark.parametrize(
    "typed, words",
    [
        ("IT61X0542811101000000123456", "cifre di controllo"),
        ("IT60X054281110100000012345", "lunghezza"),
        ("ZZ60X0542811101000000123456", "codice di paese"),
        ("IT64Y0542811101000000123456", "CIN"),  # IBAN digits right, CIN wrong
        ("IT60X05428111010000001234$6", "caratteri non ammessi"),
        ("", "Indicare l'IBAN"),
    ],
)
def test_a_wrong_iban_is_refused_with_the_reason(typed, words):
    with pytest.raises(ValidationError) as err:
        validate_iban(typed)
    assert words in err.value.messages[0]


def test_a_foreign_iban_is_accepted():
    assert validate_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
