"""The rules of the monthly charge, with no writes: the month, the ISEE that applies (and why it may not be trusted),
the band of an ISEE value, the amount per unit and the amount of the month.

Money is Decimal throughout: the amount per unit is kept exact (a percentage of a tariff may have more than two
decimals) and only the month's amount is rounded, once, to the cent, half up (the rounding of the euro: Reg. CE
1103/97 art. 5)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from .glossary import EsitoIsee, RegolaSenzaIsee, TipoFascia

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
_MESE_RE = re.compile(r"^(\d{4})-(\d{2})$")


def mese_da_testo(testo: str) -> date:
    """«2026-11» → 1 November 2026; anything else is an Italian error."""
    match = _MESE_RE.match((testo or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError("Indicare il mese come AAAA-MM, per esempio 2026-11.")
    return date(int(match.group(1)), int(match.group(2)), 1)


def fine_mese(mese: date) -> date:
    return mese.replace(day=calendar.monthrange(mese.year, mese.month)[1])


def euro(importo: Decimal) -> Decimal:
    """Round to the cent, half up: the only rounding of a charge."""
    return importo.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IseeApplicata:
    """The ISEE a charge uses, with its provenance, and what the operator must know about it."""

    esito: str
    valore: Decimal | None = None
    protocollo_dsu: str = ""
    valida_al: date | None = None
    segnalazione: str = ""


def isee_del_mese(attestazioni: Iterable, mese: date) -> IseeApplicata:
    """The attestation in force on the month's last day (a DSU presented during the month counts for the month).

    Two in force with different values: discordant. None in force but an older one: expired. None at all: missing."""
    rif = fine_mese(mese)
    attestazioni = list(attestazioni)
    in_corso = [a for a in attestazioni if a.valida_dal <= rif <= a.valida_al]
    valori = {euro(a.valore) for a in in_corso}
    if len(valori) > 1:
        elenco = ", ".join(f"{v} €" for v in sorted(valori))
        return IseeApplicata(
            EsitoIsee.DISCORDANTE, segnalazione=f"Più attestazioni ISEE con valori diversi ({elenco})."
        )
    if in_corso:
        att = max(in_corso, key=lambda a: a.valida_dal)
        return IseeApplicata(EsitoIsee.VALIDA, euro(att.valore), att.protocollo_dsu, att.valida_al)
    scadute = [a for a in attestazioni if a.valida_al < rif]
    if scadute:
        att = max(scadute, key=lambda a: a.valida_al)
        return IseeApplicata(
            EsitoIsee.SCADUTA,
            euro(att.valore),
            att.protocollo_dsu,
            att.valida_al,
            f"Attestazione ISEE scaduta il {att.valida_al:%d/%m/%Y}: serve una DSU aggiornata.",
        )
    return IseeApplicata(EsitoIsee.MANCANTE, segnalazione="Nessuna attestazione ISEE registrata per la persona.")


def fascia_di(fasce: Sequence, valore: Decimal):
    """The band whose ends (both included) hold the value; None when no band does."""
    for fascia in fasce:
        if fascia.isee_da <= valore and (fascia.isee_a is None or valore <= fascia.isee_a):
            return fascia
    return None


def importo_unitario(tariffa_piena: Decimal, fascia) -> Decimal:
    """What one unit costs the person in a band (exact, not rounded)."""
    if fascia.tipo == TipoFascia.ESENZIONE:
        return Decimal("0")
    if fascia.tipo == TipoFascia.PERCENTUALE:
        return tariffa_piena * fascia.valore / HUNDRED
    return fascia.valore


@dataclass(frozen=True)
class Quota:
    """The outcome for one person and month: band (or none), amount per unit, amount, and the flag."""

    fascia: object | None
    importo_unitario: Decimal
    importo: Decimal
    da_verificare: bool
    segnalazione: str


def quota(tariffa, fasce: Sequence, isee: IseeApplicata, quantita: Decimal) -> Quota:
    """Apply the tariff: a valid ISEE picks its band; a missing or expired one follows the tariff's rule (full tariff
    or «da verificare»); a discordant one is always «da verificare» (computed at the full tariff, not issued)."""
    if isee.esito == EsitoIsee.VALIDA:
        fascia = fascia_di(fasce, isee.valore)
        if fascia is None:
            piena = tariffa.tariffa_piena
            msg = f"Nessuna fascia della tariffa comprende l'ISEE di {isee.valore} €."
            return Quota(None, piena, euro(piena * quantita), True, msg)
        unitario = importo_unitario(tariffa.tariffa_piena, fascia)
        return Quota(fascia, unitario, euro(unitario * quantita), False, "")
    piena = tariffa.tariffa_piena
    dubbio = isee.esito == EsitoIsee.DISCORDANTE or tariffa.senza_isee == RegolaSenzaIsee.DA_VERIFICARE
    regola = "da verificare" if dubbio else "si applica la tariffa piena"
    return Quota(None, piena, euro(piena * quantita), dubbio, f"{isee.segnalazione} Per regola: {regola}.")


def controlla_fasce(fasce: Sequence[dict], tariffa_piena: Decimal) -> list[str]:
    """The bands of a new tariff, in order: from 0.00 €, each starting one cent after the previous one ends, the last
    without an end; percentages 0-100 and fixed amounts not above the full tariff. Returns the Italian problems."""
    if not fasce:
        return ["Indicare almeno una fascia ISEE."]
    problems = []
    atteso = Decimal("0.00")
    for n, f in enumerate(fasce, start=1):
        problems += _controlla_fascia(n, f, atteso, tariffa_piena, ultima=n == len(fasce))
        if f.get("isee_a") is not None:
            atteso = f["isee_a"] + CENT
    return problems


def _controlla_fascia(n: int, f: dict, atteso: Decimal, tariffa_piena: Decimal, *, ultima: bool) -> list[str]:
    problems = []
    da, a, tipo, valore = f.get("isee_da"), f.get("isee_a"), f.get("tipo"), f.get("valore") or Decimal("0")
    if da != atteso:
        problems.append(f"Fascia {n}: deve iniziare da {atteso} € (le fasce sono contigue, dalla prima a 0,00 €).")
    if a is not None and da is not None and a < da:
        problems.append(f"Fascia {n}: il limite superiore precede quello inferiore.")
    if ultima and a is not None:
        problems.append(f"Fascia {n}: l'ultima fascia non ha limite superiore (vale per ogni ISEE più alto).")
    if not ultima and a is None:
        problems.append(f"Fascia {n}: solo l'ultima fascia può essere senza limite superiore.")
    if tipo not in TipoFascia.values:
        problems.append(f"Fascia {n}: tipo di fascia non previsto.")
    elif tipo == TipoFascia.PERCENTUALE and not Decimal("0") <= valore <= HUNDRED:
        problems.append(f"Fascia {n}: la percentuale va da 0 a 100.")
    elif tipo == TipoFascia.IMPORTO_FISSO and not Decimal("0") < valore <= tariffa_piena:
        problems.append(f"Fascia {n}: l'importo per unità deve essere positivo e non superare la tariffa piena.")
    return problems
