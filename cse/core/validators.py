"""Validators of Italian identifiers shared by every app (models, forms and services use the same rule)."""

from __future__ import annotations

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError

CF_LENGTH_MESSAGE = "Il codice fiscale deve avere 16 caratteri."
CF_MESSAGE = (
    "Codice fiscale non valido (formato o carattere di controllo errato): controllare lettere, cifre, data e luogo "
    "di nascita."
)
PIVA_MESSAGE = "Codice fiscale o partita IVA non valido: 16 caratteri per una persona, 11 cifre per un ente."


def normalise_codice_fiscale(value: str) -> str:
    """Upper case, no spaces: the form in which codici fiscali are stored and compared."""
    return "".join(str(value).split()).upper()


def is_valid_codice_fiscale(value: str) -> bool:
    """DM 23/12/1976 in full (python-codicefiscale): 16 characters, existing date of birth, a Belfiore code in use on
    that date, omocodia substitutions, and the check character; a pattern match is not enough."""
    cf = normalise_codice_fiscale(value)
    return len(cf) == 16 and codicefiscale.is_valid(cf)


def validate_codice_fiscale(value: str) -> None:
    """Django validator of a person's codice fiscale (operators, assistiti, citizens)."""
    if len(normalise_codice_fiscale(value)) != 16:
        raise ValidationError(CF_LENGTH_MESSAGE, code="codice_fiscale")
    if not is_valid_codice_fiscale(value):
        raise ValidationError(CF_MESSAGE, code="codice_fiscale")


def is_valid_partita_iva(value: str) -> bool:
    """11 digits with the Luhn-like check digit of DPR 633/1972 (also the numeric codice fiscale of an ente)."""
    if len(value) != 11 or not value.isdigit():
        return False
    digits = [int(c) for c in value]
    odd = sum(digits[0:10:2])
    even = sum(d * 2 - 9 if d * 2 > 9 else d * 2 for d in digits[1:10:2])
    return (10 - (odd + even) % 10) % 10 == digits[10]


def validate_codice_fiscale_or_partita_iva(value: str) -> None:
    """An organisation (cooperative, ASP) has an 11-digit codice fiscale / partita IVA; a sole trader a personal CF."""
    code = normalise_codice_fiscale(value)
    if not (is_valid_partita_iva(code) or is_valid_codice_fiscale(code)):
        raise ValidationError(PIVA_MESSAGE, code="codice_fiscale")
