"""Writers of the regional tier's SIOSS schede: workflow, values typed by the region, A4 prefill import.

Each runs in one transaction on the regional database and records who did it in `PassaggioScheda` (operators live
in the main database, so the history keeps their username).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from cse.core.codelists.leps import ModuloLeps
from cse.core.fsm import StateMachine, Transition

from .derivations import DB
from .leps import A4_PREFILL_SECTIONS, seed_indicators
from .models import IndicatoreLeps, Misura, Origine, PassaggioScheda, SchedaLeps, StatoScheda, ValoreLeps

STALE = "La scheda è stata modificata da un altro utente: ricarica la pagina e riprova."


def _lock(scheda: SchedaLeps, version: int | None) -> SchedaLeps:
    locked = SchedaLeps.objects.using(DB).select_for_update().get(pk=scheda.pk)
    if version is not None and version != locked.version:
        raise ValidationError(STALE)
    return locked


def _has_values(scheda: SchedaLeps) -> bool:
    return scheda.valori.filter(valore__gt=0).exists()


def _guard_with_values(scheda: SchedaLeps) -> list[str]:
    if _has_values(scheda):
        return []
    return ["La scheda non contiene dati: per finalizzarla vuota indica il motivo."]


def _guard_empty(scheda: SchedaLeps) -> list[str]:
    if _has_values(scheda):
        return ["La scheda contiene dati: il motivo si indica solo per una scheda vuota."]
    return []


def _already(scheda: SchedaLeps, transition: Transition) -> list[str]:
    return ["La scheda è già in bozza." if transition.target == StatoScheda.BOZZA else "La scheda è già finalizzata."]


# LEPS finalisation (DM 44/2025): the regional tier has no outbox; each step is recorded in PassaggioScheda.
SCHEDA = StateMachine(
    "la scheda LEPS",
    "stato",
    (
        Transition("finalizza", StatoScheda.BOZZA, StatoScheda.FINALIZZATA, "Finalizza", _guard_with_values),
        Transition(
            "finalizza_vuota", StatoScheda.BOZZA, StatoScheda.FINALIZZATA_VUOTA, "Finalizza vuota", _guard_empty
        ),
        Transition(
            "riapri", (StatoScheda.FINALIZZATA, StatoScheda.FINALIZZATA_VUOTA), StatoScheda.BOZZA, "Riapri in bozza"
        ),
    ),
    states=StatoScheda,
    illegal=_already,
)


def _move(scheda: SchedaLeps, name: str, operatore: str, motivo: str = "") -> SchedaLeps:
    source = scheda.stato
    SCHEDA.apply(scheda, name, by=operatore)
    PassaggioScheda.objects.using(DB).create(
        scheda=scheda, da_stato=source, a_stato=scheda.stato, operatore=operatore, motivo=motivo
    )
    scheda.motivo_vuota = motivo if scheda.stato == StatoScheda.FINALIZZATA_VUOTA else ""
    scheda.version += 1
    scheda.save(using=DB)
    return scheda


@transaction.atomic(using=DB)
def scheda_finalise(*, scheda: SchedaLeps, operatore: str, motivo_vuota: str = "", version: int | None) -> SchedaLeps:
    """Draft → finalised; a scheda without any value may only be finalised empty, with its reason (DM 44/2025)."""
    locked = _lock(scheda, version)
    motivo_vuota = motivo_vuota.strip()
    return _move(locked, "finalizza_vuota" if motivo_vuota else "finalizza", operatore, motivo_vuota)


@transaction.atomic(using=DB)
def scheda_reopen(*, scheda: SchedaLeps, operatore: str, motivo: str, version: int | None) -> SchedaLeps:
    locked = _lock(scheda, version)
    problems = SCHEDA.refusal(locked, "riapri") or ([] if motivo.strip() else ["Indica il motivo della riapertura."])
    if problems:
        raise ValidationError(problems)
    return _move(locked, "riapri", operatore, motivo.strip())


@transaction.atomic(using=DB)
def valore_manuale_set(
    *, scheda: SchedaLeps, indicatore: IndicatoreLeps, chiave: str, valore: Decimal, operatore: str, version: int | None
) -> SchedaLeps:
    """Professionals and hours are not in the events: the region records them on the draft scheda."""
    locked = _lock(scheda, version)
    if not locked.modificabile:
        raise ValidationError("La scheda è finalizzata: riaprila per modificarla.")
    if indicatore.modulo != locked.modulo or indicatore.origine != Origine.MANUALE:
        raise ValidationError("Questo indicatore non si compila a mano in questa scheda.")
    if valore < 0:
        raise ValidationError("Il valore non può essere negativo.")
    chiave = chiave.strip()[:60]
    if not chiave:
        raise ValidationError("Indica il profilo professionale.")
    ValoreLeps.objects.using(DB).update_or_create(
        scheda=locked, indicatore=indicatore, chiave=chiave, defaults={"valore": valore, "origine": Origine.MANUALE}
    )
    locked.version += 1
    locked.save(using=DB, update_fields=["version"])
    return locked


@dataclass(frozen=True)
class PrefillRow:
    anno: int
    ambito: str
    sezione: str
    voce: str
    valore: Decimal


PREFILL_COLUMNS = ("anno", "ambito", "sezione", "voce", "valore")


def _read_table(name: str, content: bytes) -> list[dict[str, str]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise ValidationError("Il file XLSX non è leggibile.") from exc
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("Il file CSV deve essere in UTF-8.") from exc
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=";,")
        rows = [[v.strip() for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    if not rows:
        raise ValidationError("Il file è vuoto.")
    header = [h.lower() for h in rows[0]]
    missing = [c for c in PREFILL_COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"Colonne mancanti: {', '.join(missing)} (attese: {', '.join(PREFILL_COLUMNS)}).")
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]


def _parse_prefill(records: list[dict[str, str]]) -> list[PrefillRow]:
    errors, rows = [], []
    for n, rec in enumerate(records, start=2):
        try:
            anno = int(rec.get("anno", ""))
            valore = Decimal(rec.get("valore", "").replace(",", "."))
        except (ValueError, InvalidOperation):
            errors.append(f"riga {n}: anno o valore non numerico")
            continue
        sezione, voce, ambito = rec.get("sezione", ""), rec.get("voce", ""), rec.get("ambito", "").upper()
        if sezione not in A4_PREFILL_SECTIONS:
            errors.append(f"riga {n}: sezione «{sezione}» non prevista (ammesse {', '.join(A4_PREFILL_SECTIONS)})")
        elif not ambito or not voce:
            errors.append(f"riga {n}: ambito e voce sono obbligatori")
        elif valore < 0 or not 2000 <= anno <= 2100:
            errors.append(f"riga {n}: valore negativo o anno fuori intervallo")
        else:
            rows.append(PrefillRow(anno, ambito, sezione, voce[:60], valore))
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic(using=DB)
def a4_prefill_import(*, name: str, content: bytes, operatore: str) -> int:
    """Import the A4 (P.I.P.P.I.) sections prefilled by the RPM platform: all rows or none.

    Columns: anno, ambito, sezione (3, 4 or 6), voce, valore — CSV (`;` or `,`) or XLSX. A finalised scheda is never
    overwritten: the import stops and says which one to reopen.
    """
    rows = _parse_prefill(_read_table(name, content))
    if not rows:
        raise ValidationError("Il file non contiene righe di dati.")
    seed_indicators()
    indicators = {
        i.codice: i for i in IndicatoreLeps.objects.using(DB).filter(modulo=ModuloLeps.A4, misura=Misura.PREFILL)
    }
    for row in rows:
        scheda, _ = (
            SchedaLeps.objects.using(DB)
            .select_for_update()
            .get_or_create(anno=row.anno, ambito=row.ambito, modulo=ModuloLeps.A4)
        )
        if not scheda.modificabile:
            raise ValidationError(f"La scheda A4 {row.anno} dell'ambito {row.ambito} è finalizzata: riaprila prima.")
        ValoreLeps.objects.using(DB).update_or_create(
            scheda=scheda,
            indicatore=indicators[f"rpm_sezione_{row.sezione}"],
            chiave=row.voce,
            defaults={"valore": row.valore, "origine": Origine.RPM},
        )
    for scheda in {(r.anno, r.ambito) for r in rows}:
        s = SchedaLeps.objects.using(DB).get(anno=scheda[0], ambito=scheda[1], modulo=ModuloLeps.A4)
        PassaggioScheda.objects.using(DB).create(
            scheda=s, da_stato=s.stato, a_stato=s.stato, operatore=operatore, motivo="Import precompilazione RPM"
        )
    return len(rows)
