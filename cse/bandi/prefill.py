"""Facts of a domanda read from ANPR (household) and the INPS ISEE e-service through the case domain's ports, and the
facts as stored on the domanda (`dati["fatti"]`: value, source, when, who, flag). No writes here: the action stores.

An unavailable service leaves its facts missing (the criteria say "da verificare") and adds a message: the citizen
never sees an exception. An expired ISEE, or one that differs from what the applicant declared, is stored with a flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cse.cartella import ports
from cse.core.codelists.isee import TipoIsee
from cse.core.external import CallContext, InteropError, NotFound

from .glossary import Fonte
from .rules import Fatto
from .workflow import ROME

FATTI_KEY = "fatti"


@dataclass
class Acquisizione:
    """What one round of reads gave: the facts with provenance, the ISEE attestation data, and the messages."""

    fatti: dict[str, dict] = field(default_factory=dict)
    isee: dict[str, str] = field(default_factory=dict)
    errori: list[str] = field(default_factory=list)
    avvisi: list[str] = field(default_factory=list)


def stored_fact(valore: Any, fonte: str, at: datetime, *, by_id: int | None = None, **extra: str) -> dict:
    """The JSON form of a fact: numbers as strings (Decimal-exact), the time in ISO, who typed it for an operator."""
    data = {
        "valore": str(valore) if isinstance(valore, Decimal) else valore,
        "fonte": fonte,
        "rilevato_il": at.isoformat(),
    }
    if by_id is not None:
        data["rilevato_da"] = by_id
    return data | {k: v for k, v in extra.items() if v}


def facts_of(dati: dict) -> dict[str, Fatto]:
    """The stored facts as the rules engine reads them."""
    return {
        codice: Fatto(
            valore=f.get("valore"),
            fonte=f.get("fonte", ""),
            rilevato_il=datetime.fromisoformat(f["rilevato_il"]) if f.get("rilevato_il") else None,
            segnalazione=f.get("segnalazione", ""),
        )
        for codice, f in (dati or {}).get(FATTI_KEY, {}).items()
    }


def age_on(nascita: date, giorno: date) -> int:
    return giorno.year - nascita.year - ((giorno.month, giorno.day) < (nascita.month, nascita.day))


def acquire(*, codice_fiscale: str, riferimento: date, ctx: CallContext, dichiarati: dict[str, dict]) -> Acquisizione:
    """ANPR then INPS; `riferimento` is the day ages are computed at (the bando's closing day, Europe/Rome)."""
    result = Acquisizione()
    now = timezone.now()
    _from_anpr(result, codice_fiscale, riferimento, ctx, now)
    _from_isee(result, codice_fiscale, ctx, now, dichiarati.get("isee.valore"))
    return result


def _from_anpr(result: Acquisizione, cf: str, riferimento: date, ctx: CallContext, now: datetime) -> None:
    try:
        scheda = ports.anagrafe().consulta(cf, ctx)
    except NotFound as exc:
        result.avvisi.append(exc.message)
        return
    except InteropError as exc:
        result.errori.append(exc.message)
        return
    fatti = result.fatti
    if scheda.comune_residenza_istat:
        fatti["residenza.comune_istat"] = stored_fact(scheda.comune_residenza_istat, Fonte.ANPR, now)
    fatti["eta"] = stored_fact(age_on(scheda.data_nascita, riferimento), Fonte.ANPR, now)
    famiglia = list(scheda.famiglia)
    fatti["nucleo.componenti"] = stored_fact(1 + len(famiglia), Fonte.ANPR, now)
    nascite = [scheda.data_nascita, *(m.data_nascita for m in famiglia)]
    if all(nascite):  # a member without a birth date: the counts by age stay "da verificare"
        ages = [age_on(n, riferimento) for n in nascite]
        fatti["nucleo.minori"] = stored_fact(sum(a < 18 for a in ages), Fonte.ANPR, now)
        fatti["nucleo.over65"] = stored_fact(sum(a > 65 for a in ages), Fonte.ANPR, now)
    else:
        result.avvisi.append(
            "ANPR non indica la data di nascita di tutti i componenti: minori e anziani da verificare."
        )


def _from_isee(result: Acquisizione, cf: str, ctx: CallContext, now: datetime, dichiarato: dict | None) -> None:
    try:
        att = ports.banca_dati_isee().consulta(cf, TipoIsee.ORDINARIO, ctx)
    except NotFound:
        result.avvisi.append("Nessuna attestazione ISEE ordinaria in corso di validità presso l'INPS.")
        return
    except InteropError as exc:
        result.errori.append(exc.message)
        return
    result.isee = {
        "protocollo_dsu": att.protocollo_dsu,
        "data_presentazione": att.data_presentazione.isoformat(),
        "valida_al": att.valida_al.isoformat(),
    }
    flag = isee_flag(Decimal(att.valore), att.valida_al, timezone.localdate(now, ROME), dichiarato)
    if flag:
        result.avvisi.append(flag)
    result.fatti["isee.valore"] = stored_fact(
        Decimal(att.valore).quantize(Decimal("0.01")), Fonte.ISEE, now, segnalazione=flag
    )


def isee_flag(valore: Decimal, valida_al: date, oggi: date, dichiarato: dict | None) -> str:
    """Why an ISEE cannot be trusted as is: expired, or different from the value the applicant declared."""
    if valida_al < oggi:
        return f"Attestazione ISEE scaduta il {valida_al:%d/%m/%Y}: serve una DSU aggiornata."
    if dichiarato and dichiarato.get("valore") not in (None, ""):
        declared = Decimal(str(dichiarato["valore"]))
        if declared.quantize(Decimal("0.01")) != valore.quantize(Decimal("0.01")):
            return f"ISEE dichiarato ({declared} €) diverso da quello INPS ({valore} €): verificare."
    return ""


def merge(existing: dict[str, dict], acquired: dict[str, dict]) -> dict[str, dict]:
    """Acquired facts replace declared and earlier acquired ones; a fact the operator established is never overwritten
    by a later automatic read."""
    merged = dict(existing)
    for codice, fact in acquired.items():
        if merged.get(codice, {}).get("fonte") != Fonte.OPERATORE:
            merged[codice] = fact
    return merged
