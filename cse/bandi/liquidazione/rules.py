"""What the liquidazione computes without writing: who may be paid, how an awarded amount splits into instalments and
which period each covers, whether the account holder is acceptable."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError

from cse.core.iban import validate_iban
from cse.core.validators import is_valid_codice_fiscale, normalise_codice_fiscale

from ..glossary import Intestatario, StatoDomanda, StatoGraduatoria
from ..selectors import is_funded_line

CENT = Decimal("0.01")
MAX_RATE = 24


def liquidabile(posizione) -> list[str]:
    """Why this line of the ranking cannot be paid (Italian), empty when it can: the ranking is final, an amount is
    awarded, an approved provvedimento decided it, and the benefit is not revoked. The one predicate every payment
    step asks."""
    problems = []
    if posizione.graduatoria.stato != StatoGraduatoria.DEFINITIVA:
        problems.append("La graduatoria non è definitiva: i contributi si liquidano sulla graduatoria definitiva.")
    if not posizione.ammessa or posizione.importo_assegnato <= 0:
        problems.append("Alla domanda non è assegnato alcun importo nella graduatoria.")
    elif not is_funded_line(posizione):
        problems.append(
            "La graduatoria non è ancora approvata con un provvedimento: si liquida solo dopo l'approvazione."
        )
    if posizione.domanda.stato == StatoDomanda.REVOCATA:
        problems.append("Il beneficio è stato revocato: non si liquida più nulla.")
    return problems


def money(value) -> Decimal:
    """An amount as typed or computed, with two decimal places; refused if it has more or is not a number."""
    try:
        amount = Decimal(str(value).strip().replace(",", ".")) if not isinstance(value, Decimal) else value
    except ArithmeticError as exc:
        raise ValidationError("L'importo non è un numero.") from exc
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise ValidationError("L'importo va indicato in euro con al più due decimali.")
    return amount.quantize(CENT)


def split(total: Decimal, parts: int) -> list[Decimal]:
    """`parts` instalments summing exactly to `total`: equal cents rounded down, the last one absorbs the rounding."""
    if not 1 <= parts <= MAX_RATE:
        raise ValidationError(f"Le rate devono essere da 1 a {MAX_RATE}.")
    total = money(total)
    each = (total / parts).quantize(CENT, rounding=ROUND_DOWN)
    if each <= 0:
        raise ValidationError("L'importo è troppo piccolo per tante rate.")
    return [each] * (parts - 1) + [total - each * (parts - 1)]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PianoRata:
    numero: int
    importo: Decimal
    periodo_dal: date
    periodo_al: date


def plan(total: Decimal, parts: int, dal: date, mesi: int) -> list[PianoRata]:
    """The instalments of a plan: consecutive periods of `mesi` months from `dal`, each with its amount."""
    if not 1 <= mesi <= 12:
        raise ValidationError("Ogni rata copre da 1 a 12 mesi.")
    rate = []
    for i, importo in enumerate(split(total, parts)):
        start = add_months(dal, i * mesi)
        rate.append(PianoRata(i + 1, importo, start, add_months(dal, (i + 1) * mesi) - timedelta(days=1)))
    return rate


@dataclass(frozen=True)
class Conto:
    iban: str
    intestatario: str
    delegato_codice_fiscale: str = ""
    delegato_cognome: str = ""
    delegato_nome: str = ""


def conto(
    *, beneficiario_cf: str, iban: str, intestatario: str, delegato_cf: str = "", cognome: str = "", nome: str = ""
) -> Conto:
    """The account checked: a valid IBAN (check digits, Italian CIN); held by the beneficiary, or by a delegate with a
    valid codice fiscale of their own and a name. Every problem at once, by field."""
    errors: dict[str, list[str]] = {}
    try:
        iban = validate_iban(iban)
    except ValidationError as exc:
        errors["iban"] = exc.messages
    if intestatario not in Intestatario.values:
        errors["intestatario"] = ["Indicare chi è intestatario del conto: il beneficiario o un delegato."]
    if intestatario != Intestatario.DELEGATO:
        if errors:
            raise ValidationError(errors)
        return Conto(iban=iban, intestatario=intestatario)
    delegato_cf = normalise_codice_fiscale(delegato_cf or "")
    if not is_valid_codice_fiscale(delegato_cf):
        errors["delegato_codice_fiscale"] = ["Il codice fiscale del delegato non è valido."]
    elif delegato_cf == normalise_codice_fiscale(beneficiario_cf):
        errors["delegato_codice_fiscale"] = ["Il delegato è il beneficiario stesso: scegliere «il beneficiario»."]
    if not (cognome or "").strip() or not (nome or "").strip():
        errors["delegato_cognome"] = ["Indicare cognome e nome del delegato intestatario del conto."]
    if errors:
        raise ValidationError(errors)
    return Conto(iban, intestatario, delegato_cf, cognome.strip(), nome.strip())
