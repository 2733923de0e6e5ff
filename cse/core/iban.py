"""IBAN of a payment (liquidazione of a contributo): validated with schwifty (ISO 13616 structure per country, ISO 7064
mod 97-10 check digits, the Italian CIN), so an operator's typo is caught before the payment list leaves the ente.

Whether the holder is the beneficiary or a declared delegate is the caller's check: the IBAN itself says nothing about
who holds it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from schwifty import IBAN
from schwifty.exceptions import (
    InvalidBBANChecksum,
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    InvalidStructure,
    SchwiftyException,
)

# schwifty's exception → what the operator reads (the most specific first: they subclass each other)
_MESSAGES: tuple[tuple[type[SchwiftyException], str], ...] = (
    (InvalidCountryCode, "L'IBAN non inizia con un codice di paese valido (per l'Italia: IT)."),
    (InvalidLength, "L'IBAN non ha la lunghezza prevista per il suo paese (per l'Italia: 27 caratteri)."),
    (InvalidChecksumDigits, "Le cifre di controllo dell'IBAN non corrispondono: forse un errore di battitura."),
    (InvalidBBANChecksum, "Il CIN dell'IBAN non corrisponde al resto delle coordinate: controllare ABI, CAB e conto."),
    (InvalidStructure, "L'IBAN contiene caratteri non ammessi o non ha la struttura prevista per il suo paese."),
)


def validate_iban(value: str) -> str:
    """The IBAN normalised (upper case, no spaces), or a ValidationError with the reason in Italian."""
    text = "".join((value or "").split()).upper()
    if not text:
        raise ValidationError("Indicare l'IBAN.", code="iban_mancante")
    try:
        return IBAN(text, validate_bban=True).compact
    except SchwiftyException as exc:
        raise ValidationError(_message_for(exc), code="iban_non_valido") from exc


def _message_for(exc: SchwiftyException) -> str:
    for kind, message in _MESSAGES:
        if isinstance(exc, kind):
            return message
    return "L'IBAN non è valido."
