"""Rules as data: a bando's eligibility and scoring schema, evaluated on facts that carry their provenance.

Pure functions, no ORM: the schema is JSON (validated with jsonschema, then read into frozen dataclasses), the facts
are values with their source and time. A missing or flagged fact gives "da verificare", never a silent pass or fail
(issue 21 §3). Money and points are Decimal; amounts are quantised to the cent.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError

from .fatti import fact_label, is_known_fact
from .glossary import Esito

CENT = Decimal("0.01")
REQUISITO, PUNTEGGIO = "requisito", "punteggio"

OPERATORI: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda value, soglia: value in soglia,
    "not_in": lambda value, soglia: value not in soglia,
}

_NUMBER = {"type": ["number", "string"], "pattern": r"^-?\d+(\.\d+)?$"}
_CONDIZIONE = {
    "type": "object",
    "required": ["operatore", "valore"],
    "properties": {"operatore": {"enum": list(OPERATORI)}, "valore": {}},
    "additionalProperties": False,
}
_FASCIA = {
    "type": "object",
    "required": ["punti"],
    "properties": {"da": _NUMBER, "a": _NUMBER, "punti": _NUMBER},
    "additionalProperties": False,
}
JSON_SCHEMA: dict = {
    "type": "object",
    "required": ["criteri"],
    "additionalProperties": False,
    "properties": {
        "criteri": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["codice", "etichetta", "tipo", "fatto"],
                "additionalProperties": False,
                "properties": {
                    "codice": {"type": "string", "pattern": r"^[a-z0-9_]{1,40}$"},
                    "etichetta": {"type": "string", "minLength": 1},
                    "tipo": {"enum": [REQUISITO, PUNTEGGIO]},
                    "fatto": {"type": "string"},
                    "condizione": _CONDIZIONE,
                    "punti": _NUMBER,
                    "fasce": {"type": "array", "items": _FASCIA, "minItems": 1},
                },
            },
        },
        "spareggi": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["fatto", "ordine"],
                "additionalProperties": False,
                "properties": {"fatto": {"type": "string"}, "ordine": {"enum": ["asc", "desc"]}},
            },
        },
    },
}


@dataclass(frozen=True)
class Fascia:
    da: Decimal | None
    a: Decimal | None
    punti: Decimal

    def contains(self, value: Decimal) -> bool:
        """Both ends included; an open end (None) has no limit. The first matching band wins."""
        return (self.da is None or value >= self.da) and (self.a is None or value <= self.a)


@dataclass(frozen=True)
class Criterio:
    codice: str
    etichetta: str
    tipo: str
    fatto: str
    operatore: str | None = None
    soglia: Any = None
    punti: Decimal = Decimal(0)
    fasce: tuple[Fascia, ...] = ()


@dataclass(frozen=True)
class Spareggio:
    fatto: str
    ordine: str  # asc | desc


@dataclass(frozen=True)
class Schema:
    criteri: tuple[Criterio, ...]
    spareggi: tuple[Spareggio, ...] = ()

    @property
    def fatti(self) -> set[str]:
        return {c.fatto for c in self.criteri} | {s.fatto for s in self.spareggi}


@dataclass(frozen=True)
class Fatto:
    """A value with its provenance: `fonte` (Fonte), when it was read, and a flag when it is doubtful (e.g. an expired
    or discordant ISEE): a flagged fact is shown but not trusted."""

    valore: Any
    fonte: str
    rilevato_il: datetime | None = None
    segnalazione: str = ""


@dataclass(frozen=True)
class Outcome:
    criterio: str
    tipo: str
    esito: str
    punti: Decimal
    valore: Any = None
    fonte: str = ""
    rilevato_il: datetime | None = None
    nota: str = ""


# --- the schema -------------------------------------------------------------------------------------------------------


def parse_schema(data: Any) -> Schema:
    """The schema as dataclasses; every problem as an Italian message (ValidationError), never a half-read schema."""
    validator = jsonschema.Draft202012Validator(JSON_SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ValidationError([f"Schema del bando non valido ({_where(e)}): {e.message}" for e in errors])
    problems: list[str] = []
    criteri = tuple(_criterio(c, problems) for c in data["criteri"])
    spareggi = tuple(Spareggio(s["fatto"], s["ordine"]) for s in data.get("spareggi", []))
    problems += [f"Spareggio su un dato sconosciuto: «{s.fatto}»." for s in spareggi if not is_known_fact(s.fatto)]
    codici = [c.codice for c in criteri]
    problems += [f"Codice di criterio ripetuto: «{c}»." for c in sorted({c for c in codici if codici.count(c) > 1})]
    if problems:
        raise ValidationError(problems)
    return Schema(criteri=criteri, spareggi=spareggi)


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "radice"


def _criterio(raw: dict, problems: list[str]) -> Criterio:
    """One criterion; what makes no sense (an unknown fact, a requisito without a condition, points and bands
    together) is appended to `problems`."""
    name = f"Criterio «{raw['codice']}»"
    if not is_known_fact(raw["fatto"]):
        problems.append(f"{name}: dato sconosciuto «{raw['fatto']}».")
    condizione = raw.get("condizione")
    if raw["tipo"] == REQUISITO and (condizione is None or "punti" in raw or "fasce" in raw):
        problems.append(f"{name}: un requisito ha una condizione e nessun punteggio.")
    if raw["tipo"] == PUNTEGGIO and ("fasce" in raw) == ("punti" in raw):
        problems.append(f"{name}: un criterio di punteggio ha punti fissi oppure fasce, non entrambi né nessuno.")
    if raw["tipo"] == PUNTEGGIO and "punti" in raw and condizione is None:
        problems.append(f"{name}: i punti fissi si danno quando vale una condizione.")
    fasce = tuple(
        Fascia(_decimal_or_none(f.get("da")), _decimal_or_none(f.get("a")), Decimal(str(f["punti"])))
        for f in raw.get("fasce", [])
    )
    return Criterio(
        codice=raw["codice"],
        etichetta=raw["etichetta"],
        tipo=raw["tipo"],
        fatto=raw["fatto"],
        operatore=condizione["operatore"] if condizione else None,
        soglia=condizione["valore"] if condizione else None,
        punti=Decimal(str(raw.get("punti", 0))),
        fasce=fasce,
    )


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --- evaluation -------------------------------------------------------------------------------------------------------


def evaluate(schema: Schema, facts: Mapping[str, Fatto]) -> list[Outcome]:
    """One outcome per criterion, in the schema's order, each with the value and provenance it was decided on."""
    return [_evaluate_one(criterio, facts.get(criterio.fatto)) for criterio in schema.criteri]


def _evaluate_one(criterio: Criterio, fatto: Fatto | None) -> Outcome:
    def outcome(esito: str, punti: Decimal = Decimal(0), nota: str = "") -> Outcome:
        if fatto is None:
            return Outcome(criterio.codice, criterio.tipo, esito, punti, nota=nota)
        return Outcome(criterio.codice, criterio.tipo, esito, punti, fatto.valore, fatto.fonte, fatto.rilevato_il, nota)

    if fatto is None or fatto.valore is None or fatto.valore == "":
        return outcome(Esito.DA_VERIFICARE, nota=f"Manca il dato: {fact_label(criterio.fatto)}.")
    if fatto.segnalazione:
        return outcome(Esito.DA_VERIFICARE, nota=fatto.segnalazione)
    try:
        if criterio.fasce:
            punti = _band_points(criterio.fasce, _as_decimal(fatto.valore))
            if punti is None:
                return outcome(Esito.NON_SODDISFATTO, nota="Il valore non rientra in nessuna fascia.")
            return outcome(Esito.SODDISFATTO, punti)
        holds = holds_condition(criterio.operatore or "==", fatto.valore, criterio.soglia)
    except (InvalidOperation, TypeError, ValueError):
        return outcome(Esito.DA_VERIFICARE, nota=f"Il valore non è confrontabile: {fact_label(criterio.fatto)}.")
    if not holds:
        return outcome(Esito.NON_SODDISFATTO)
    return outcome(Esito.SODDISFATTO, criterio.punti if criterio.tipo == PUNTEGGIO else Decimal(0))


def holds_condition(operatore: str, valore: Any, soglia: Any) -> bool:
    """Numbers compare as Decimal (the JSON of a fact may carry "9360.00" or 9360); lists for in/not_in compare item by
    item the same way; anything else as is (codes, booleans)."""
    compare = OPERATORI[operatore]
    if isinstance(soglia, list):
        return compare(_comparable(valore), [_comparable(s) for s in soglia])
    if _is_number(soglia):
        return compare(_as_decimal(valore), _as_decimal(soglia))
    return compare(valore, soglia)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _comparable(value: Any) -> Any:
    return _as_decimal(value) if _is_number(value) else value


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("un sì/no non è un numero")
    return Decimal(str(value))


def _band_points(fasce: Sequence[Fascia], value: Decimal) -> Decimal | None:
    return next((f.punti for f in fasce if f.contains(value)), None)


def eligible(outcomes: Iterable[Outcome]) -> bool | None:
    """False when a requisito fails, None (undecided) when one is still da verificare, True otherwise."""
    requisiti = [o for o in outcomes if o.tipo == REQUISITO]
    if any(o.esito == Esito.NON_SODDISFATTO for o in requisiti):
        return False
    if any(o.esito == Esito.DA_VERIFICARE for o in requisiti):
        return None
    return True


def score(outcomes: Iterable[Outcome]) -> Decimal:
    return sum((o.punti for o in outcomes if o.tipo == PUNTEGGIO), Decimal(0))


def to_verify(outcomes: Iterable[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.esito == Esito.DA_VERIFICARE]


# --- ranking and award ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One eligible domanda as the ranking sees it: its score, the tie-breaker facts' values, when and which."""

    id: int
    punteggio: Decimal
    presentata_il: datetime
    valori: Mapping[str, Any] = field(default_factory=dict)


def rank(entries: Iterable[Entry], spareggi: Sequence[Spareggio]) -> list[Entry]:
    """Highest score first; ties broken by the declared tie-breakers in order (a missing value goes after every
    present one), then by earlier submission, then by id — so the order is total and reproducible."""

    def key(entry: Entry) -> tuple:
        breakers = tuple(_breaker_key(entry.valori.get(s.fatto), s.ordine) for s in spareggi)
        return (-entry.punteggio, *breakers, entry.presentata_il, entry.id)

    return sorted(entries, key=key)


def _breaker_key(value: Any, ordine: str) -> tuple:
    if value is None or value == "":
        return (1, 0)
    number = _as_decimal(value) if not isinstance(value, str) or _looks_numeric(value) else None
    if number is None:
        return (0, value) if ordine == "asc" else (0, tuple(-ord(c) for c in value))
    return (0, number if ordine == "asc" else -number)


def _looks_numeric(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


def award(
    ranked: Sequence[Entry], stanziamento: Decimal, importo_massimo: Decimal, partial_last: bool
) -> list[Decimal]:
    """The amount of each ranked entry, in order: the full amount while the budget lasts; the first one the budget
    cannot cover in full gets the remainder when a partial last award is allowed, and everyone after gets nothing."""
    residuo = Decimal(stanziamento).quantize(CENT, rounding=ROUND_DOWN)
    pieno = Decimal(importo_massimo).quantize(CENT, rounding=ROUND_DOWN)
    amounts: list[Decimal] = []
    for _ in ranked:
        if residuo >= pieno:
            amount = pieno
        elif partial_last and residuo > 0:
            amount = residuo
        else:
            amount = Decimal("0.00")
        residuo = Decimal("0.00") if amount < pieno else residuo - amount
        amounts.append(amount)
    return amounts
