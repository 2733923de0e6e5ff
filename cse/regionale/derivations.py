"""Deterministic, re-runnable derivations over the regional events (architecture promise 6).

derive_siuss_prestazioni(anno, ente): the de-identified table of prestazioni that each ente must transmit to SIUSS
(domain.md, "SIUSS: how prestazioni reach INPS"): per prestazione the last known state in the events, the case's
area mapped to SIUSS AreaUtenza, and presa in carico = 1 when the case went beyond the access phase.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat, ExtractMonth

from cse.core.codelists.aree import AREE_SENSIBILI, SIUSS_AREA_UTENZA

from .bulk import insert_rows
from .models import CasoCorrente, PrestazioneCorrente, PrestazioneSiuss, TrasmissioneSiuss
from .sql import in_database, siuss_insert_select

DB = "regionale"


@transaction.atomic(using=DB)
def derive_siuss_prestazioni(anno: int, ente: str | None = None) -> int:
    """Rebuild the SIUSS table for a year (and one ente, or all) from the current state of each prestazione and
    of its case; returns the number of rows."""
    stale = PrestazioneSiuss.objects.filter(anno=anno)
    prestazioni = PrestazioneCorrente.objects.filter(data_inizio__year=anno, revocata=False)
    if ente:
        stale, prestazioni = stale.filter(ente=ente), prestazioni.filter(ente_erogatore=ente)
    stale.delete()
    if in_database():
        return siuss_insert_select(anno, ente)
    return _derive_siuss_rows(anno, prestazioni)


def _derive_siuss_rows(anno: int, prestazioni) -> int:
    """The portable path (SQLite): the same rows as sql.siuss_insert_select, built in Python."""
    cases = {
        k: (area, in_care) for k, area, in_care in CasoCorrente.objects.values_list("case_key", "area", "in_carico")
    }
    rows = []
    for p in prestazioni.order_by("prestazione_key").values().iterator(chunk_size=10_000):
        area, in_care = cases.get(p["case_key"], ("", False))
        rows.append(
            {
                "anno": anno,
                "ente": p["ente_erogatore"],
                "prestazione_key": p["prestazione_key"],
                "soggetto": p["soggetto"],
                "sesso": p["sesso"],
                "fascia_eta": p["fascia_eta"],
                "comune_istat": p["comune_istat"],
                "ambito": p["ambito"],
                "codice": p["codice"],
                "carattere": p["carattere"],
                "area_utenza": SIUSS_AREA_UTENZA.get(area),
                "area": area,
                "presa_in_carico": 1 if in_care else 2,
                "data_inizio": p["data_inizio"],
                "data_fine": p["data_fine"],
                "quantita": p["quantita"],
                "unita": p["unita"],
                "importo": p["importo"],
                "fonte": p["fonte"],
            }
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


# Completeness of the SIUSS transmission per ente erogatore: each prestazione of the year counted once, in the
# column of its latest insert flow's state (a withdrawn flow not yet replaced counts as "to prepare").
COMPLETENESS_COLUMNS: dict[str, str] = {
    "erogate": "Prestazioni erogate",
    "da_preparare": "Senza flusso",
    "pronte": "Flusso pronto",
    "esposte": "Esposte a INPS",
    "acquisite": "Acquisite da SIUSS",
    "in_errore": "Respinte o da correggere",
}
_COLUMN_OF_STATE = {
    None: "da_preparare",
    "annullato": "da_preparare",
    "pronto": "pronte",
    "esposto": "esposte",
    "acquisito": "acquisite",
    "errore": "in_errore",
    "da_correggere": "in_errore",
}


def latest_flow_state():
    """Subquery: the state of the prestazione's latest SIUSS insert flow (None before any flow)."""
    return TrasmissioneSiuss.objects.filter(prestazione_key=OuterRef("prestazione_key")).values("stato")[:1]


def column_of_state(state: str | None) -> str:
    """The completeness column a flow state is counted in."""
    return _COLUMN_OF_STATE.get(state, "da_preparare")


def siuss_completeness(anno: int) -> list[dict]:
    """Per ente erogatore: prestazioni erogated in the year vs flows prepared, exposed, acquired and rejected, with
    the share acquired — what the Region follows up with the enti that lag behind."""
    counts = (
        PrestazioneCorrente.objects.filter(data_inizio__year=anno, revocata=False)
        .annotate(stato=Subquery(latest_flow_state()))
        .values_list("ente_erogatore", "stato")
        .annotate(n=Count("id"))
    )
    per_ente: dict[str, dict] = {}
    for ente, state, n in counts:
        row = per_ente.setdefault(ente, {"ente": ente, **dict.fromkeys(COMPLETENESS_COLUMNS, 0)})
        row["erogate"] += n
        row[column_of_state(state)] += n
    rows = [per_ente[k] for k in sorted(per_ente)]
    for row in rows:
        row["quota_acquisite"] = round(100 * row["acquisite"] / row["erogate"], 1) if row["erogate"] else None
    return rows
