"""Deterministic, re-runnable derivations over the regional events (architecture promise 6).

derive_siuss_prestazioni(anno, ente): the de-identified table of prestazioni that each ente must transmit to SIUSS
(domain.md, "SIUSS: how prestazioni reach INPS"): per prestazione the last known state in the events, the case's
area mapped to SIUSS AreaUtenza, and presa in carico = 1 when the case went beyond the access phase.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count, IntegerField, Q, Value
from django.db.models.functions import Cast, Concat, ExtractMonth

from cse.cartella.glossary import AREE_SENSIBILI, SIUSS_AREA_UTENZA  # pure code lists, no access to local data

from .bulk import insert_rows
from .models import EventoRegionale, PrestazioneSiuss

DB = "regionale"
PRESTAZIONE_EVENTS = ("cartella.prestazione_erogata", "cartella.prestazione_conclusa")
TAKEN_INTO_CARE = {"valutazione", "progetto", "erogazione"}


# events that never carry the case's area or phase: skipped when reading case facts (they are the bulk)
NO_CASE_FACTS = (*PRESTAZIONE_EVENTS, "cartella.diario_voce", "cartella.intervento_pianificato")


def case_areas() -> dict[str, str]:
    """Latest area of need per case, from its events in sequence order."""
    return _case_facts()[0]


def _case_facts() -> tuple[dict[str, str], set[str]]:
    """Latest area per case, and the cases taken into care. Reads two scalars per event (extracted by the database),
    not whole payloads, and no list of case keys (it would not fit a query at regional scale)."""
    area: dict[str, str] = {}
    in_care: set[str] = set()
    rows = (
        EventoRegionale.objects.exclude(event_type__in=NO_CASE_FACTS)
        .order_by("case_key", "sequence")
        .values_list("case_key", "event_type", "payload__data__area", "payload__data__a")
    )
    for case_key, event_type, case_area, target in rows.iterator(chunk_size=10000):
        if case_area:
            area[case_key] = case_area
        if event_type == "cartella.fase_cambiata" and target in TAKEN_INTO_CARE:
            in_care.add(case_key)
    return area, in_care


def latest_prestazioni(ente: str | None = None) -> dict[str, tuple[str, dict]]:
    """prestazione pseudonym → (case pseudonym, its latest event): a later sequence of the same case wins."""
    events = EventoRegionale.objects.filter(event_type__in=PRESTAZIONE_EVENTS)
    if ente:
        events = events.filter(ente=ente)
    latest: dict[str, tuple[str, dict]] = {}
    rows_in_order = events.order_by("case_key", "sequence").values_list("case_key", "payload")
    for case_key, payload in rows_in_order.iterator(chunk_size=5000):
        latest[payload["data"]["prestazione_key"]] = (case_key, payload)
    return latest


@transaction.atomic(using=DB)
def derive_siuss_prestazioni(anno: int, ente: str | None = None) -> int:
    """Rebuild the SIUSS table for a year (and one ente, or all); returns the number of rows."""
    latest = latest_prestazioni(ente)
    case_of = {k: case_key for k, (case_key, _) in latest.items()}
    in_year = {k: p for k, (_, p) in latest.items() if date.fromisoformat(p["data"]["data_inizio"]).year == anno}
    area, in_care = _case_facts()
    stale = PrestazioneSiuss.objects.filter(anno=anno)
    if ente:
        stale = stale.filter(ente=ente)
    stale.delete()
    rows = []
    for key in sorted(in_year):
        payload, data, subject = in_year[key], in_year[key]["data"], in_year[key]["subject"]
        case_key = case_of[key]
        rows.append(
            dict(
                anno=anno,
                ente=payload["ente"],
                prestazione_key=key,
                soggetto=subject["pseudonym"],
                sesso=subject["sex"],
                fascia_eta=subject["age_band"],
                comune_istat=subject["comune_istat"] or "",
                ambito=subject["ambito"] or "",
                codice=data["codice"],
                carattere=data["carattere"],
                area_utenza=SIUSS_AREA_UTENZA.get(area.get(case_key)),
                area=area.get(case_key) or "",
                presa_in_carico=1 if case_key in in_care else 2,
                data_inizio=data["data_inizio"],
                data_fine=data.get("data_fine"),
                quantita=Decimal(data["quantita"]),
                unita=data["unita"],
                importo=Decimal(data["importo"]),
                fonte=data["fonte"],
            )
        )
    insert_rows(PrestazioneSiuss, rows)
    return len(rows)


# dimensions an analyst may put on the rows or columns of the SIUSS table (all additive counts)
TABLE_DIMENSIONS: dict[str, str] = {
    "ente": "Ente erogatore",
    "ambito": "Ambito",
    "comune_istat": "Comune di residenza (ISTAT)",
    "area": "Area di bisogno",
    "codice": "Codice del nomenclatore",
    "trimestre": "Trimestre di inizio",
    "fonte": "Fonte di finanziamento",
}


def siuss_table(
    anno: int, *, righe: str = "ente", colonne: str = "codice", ambito: str | None = None
) -> tuple[list[str], list[str], dict[tuple[str, str], int], set[tuple[str, str]]]:
    """Number of prestazioni per righe × colonne (additive, so margins are plain sums), and the cells holding a
    sensitive area (they get the stricter suppression threshold)."""
    if righe not in TABLE_DIMENSIONS or colonne not in TABLE_DIMENSIONS or righe == colonne:
        raise ValueError("dimensioni non valide")
    qs = PrestazioneSiuss.objects.filter(anno=anno)
    if ambito:
        qs = qs.filter(ambito=ambito)
    quarter = Cast((ExtractMonth("data_inizio") + 2) / 3, output_field=IntegerField())
    qs = qs.annotate(trimestre=Concat(Value("T"), quarter, output_field=models.CharField()))
    sensitive_n = Count("id", filter=Q(area__in=AREE_SENSIBILI))
    grouped = qs.values(righe, colonne).annotate(n=Count("id"), sensibili=sensitive_n)
    cells: dict[tuple[str, str], int] = {}
    sensitive: set[tuple[str, str]] = set()
    for r in grouped:
        key = (str(r[righe] or "n.d."), str(r[colonne] or "n.d."))
        cells[key] = cells.get(key, 0) + r["n"]
        if r["sensibili"]:
            sensitive.add(key)
    return sorted({e for e, _ in cells}), sorted({c for _, c in cells}), cells, sensitive
