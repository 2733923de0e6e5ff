"""The year's derivations pushed into PostgreSQL: one INSERT … SELECT for the SIUSS table and a few GROUP BY
queries for the SIOSS values, over the typed current-state tables — no Python object per prestazione.

Same results as the portable Python paths in derivations.py and leps.py (which SQLite uses); tests run both on the
same events and compare them (tests/regionale/test_sql_derivations.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connections, transaction

from cse.core.codelists.aree import SIUSS_AREA_UTENZA

from .models import CasoCorrente, Dimensione, EventoRegionale, Misura, PrestazioneCorrente, PrestazioneSiuss

DB = "regionale"


def in_database() -> bool:
    return connections[DB].vendor == "postgresql"


def _tables() -> dict[str, str]:
    q = connections[DB].ops.quote_name
    models = {"pc": PrestazioneCorrente, "cc": CasoCorrente, "ps": PrestazioneSiuss, "ev": EventoRegionale}
    return {k: q(m._meta.db_table) for k, m in models.items()}


SIUSS_COLUMNS = (
    "anno, ente, prestazione_key, soggetto, sesso, fascia_eta, comune_istat, ambito, codice, carattere, area_utenza, "
    "area, presa_in_carico, data_inizio, data_fine, quantita, unita, importo, fonte"
)


def siuss_insert_select(anno: int, ente: str | None) -> int:
    """Insert the year's SIUSS rows (the caller deleted the stale ones in the same transaction)."""
    t = _tables()
    whens = " ".join("WHEN %s THEN %s" for _ in SIUSS_AREA_UTENZA)
    area_pairs = [v for pair in SIUSS_AREA_UTENZA.items() for v in pair]
    params: list = [anno, *area_pairs, date(anno, 1, 1), date(anno, 12, 31)]
    where_ente = ""
    if ente:
        where_ente, params = " AND p.ente_erogatore = %s", [*params, ente]
    sql = (
        f"INSERT INTO {t['ps']} ({SIUSS_COLUMNS}) "  # noqa: S608 — table names from model metadata, values bound
        f"SELECT %s, p.ente_erogatore, p.prestazione_key, p.soggetto, p.sesso, p.fascia_eta, p.comune_istat, "
        f"p.ambito, p.codice, p.carattere, CASE COALESCE(c.area, '') {whens} ELSE NULL END, COALESCE(c.area, ''), "
        f"CASE WHEN c.in_carico THEN 1 ELSE 2 END, p.data_inizio, p.data_fine, p.quantita, p.unita, p.importo, "
        f"p.fonte FROM {t['pc']} p LEFT JOIN {t['cc']} c ON c.case_key = p.case_key "
        f"WHERE p.data_inizio BETWEEN %s AND %s AND NOT p.revocata{where_ente}"
    )
    with connections[DB].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def leps_event_values(
    anno: int, ambito: str | None, unknown_ambito: str
) -> dict[tuple[str, str], dict[tuple[str, str], Decimal]]:
    """(ambito, modulo) → {(misura+dimensione, chiave): value}; see leps._event_values for the meaning."""
    t = _tables()
    start, end = date(anno, 1, 1), date(anno, 12, 31)
    filters, params = "", [unknown_ambito, start, end]
    if ambito == unknown_ambito:
        filters = " AND p.ambito = ''"
    elif ambito is not None:
        filters, params = " AND p.ambito = %s", [*params, ambito]
    # Only the columns used, and keys compared byte-wise (COLLATE "C": hex pseudonyms need no linguistic order):
    # sorting a year's millions of rows by 64-character keys under the database's locale was most of the time.
    active = (
        f'SELECT COALESCE(NULLIF(p.ambito, \'\'), %s) COLLATE "C" AS g, p.modulo_leps COLLATE "C" AS modulo_leps, '  # noqa: S608
        f'p.codice, p.fonte, p.importo, p.soggetto COLLATE "C" AS soggetto, p.sesso, p.fascia_eta, '
        f'p.case_key COLLATE "C" AS case_key, p.prestazione_key COLLATE "C" AS prestazione_key '
        f"FROM {t['pc']} p "
        f"WHERE p.modulo_leps <> '' AND NOT p.revocata AND (p.data_fine IS NULL OR p.data_fine >= %s) "
        f"AND p.data_inizio <= %s{filters}"
    )
    # Each person once per (ambito, module), described by their first prestazione (lowest key): one hash
    # aggregation keeps the minimum of "key|sex|age band|case" (keys are distinct, fixed-length hex), no sort.
    people = (
        f"SELECT f.g, f.modulo_leps, split_part(f.first, '|', 2) AS sesso, split_part(f.first, '|', 3) AS fascia_eta, "  # noqa: S608,E501
        f"COALESCE(NULLIF(c.area, ''), 'nd') AS area FROM (SELECT g, modulo_leps, "
        f"MIN(prestazione_key || '|' || sesso || '|' || fascia_eta || '|' || case_key) AS first "
        f"FROM active GROUP BY g, modulo_leps, soggetto) f "
        f"LEFT JOIN {t['cc']} c ON c.case_key = split_part(f.first, '|', 4)"
    )
    phases = (
        f"SELECT case_key COLLATE \"C\" AS case_key, payload->'data'->>'a' AS fase FROM {t['ev']} "  # noqa: S608
        f"WHERE event_type = 'cartella.fase_cambiata' AND evento_del BETWEEN %s AND %s GROUP BY 1, 2"
    )
    B = Misura.BENEFICIARI
    sql = (
        f"WITH active AS MATERIALIZED ({active}), people AS MATERIALIZED ({people}), phases AS ({phases}) "  # noqa: S608
        f"SELECT g, modulo_leps, %s, codice, COUNT(*)::numeric FROM active GROUP BY 1, 2, 4 "
        f"UNION ALL SELECT g, modulo_leps, %s, fonte, SUM(importo) FROM active GROUP BY 1, 2, 4 "
        f"UNION ALL SELECT g, modulo_leps, %s, '', COUNT(*) FROM people GROUP BY 1, 2 "
        f"UNION ALL SELECT g, modulo_leps, %s, sesso, COUNT(*) FROM people GROUP BY 1, 2, 4 "
        f"UNION ALL SELECT g, modulo_leps, %s, fascia_eta, COUNT(*) FROM people GROUP BY 1, 2, 4 "
        f"UNION ALL SELECT g, modulo_leps, %s, area, COUNT(*) FROM people GROUP BY 1, 2, 4 "
        f"UNION ALL SELECT x.g, x.modulo_leps, %s, ph.fase, COUNT(*) "
        f"FROM (SELECT DISTINCT g, modulo_leps, case_key FROM active) x JOIN phases ph ON ph.case_key = x.case_key "
        f"GROUP BY 1, 2, 4"
    )
    measures = [
        Misura.INTERVENTI + Dimensione.CODICE,
        Misura.IMPORTI + Dimensione.FONTE,
        B + Dimensione.TOTALE,
        B + Dimensione.SESSO,
        B + Dimensione.FASCIA_ETA,
        B + Dimensione.AREA,
        Misura.PROCESSI + Dimensione.FASE,
    ]
    result: dict[tuple[str, str], dict[tuple[str, str], Decimal]] = defaultdict(dict)
    with transaction.atomic(using=DB), connections[DB].cursor() as cursor:
        # The CTEs carry no statistics, so the planner guesses their joins at billions of rows and sorts both sides
        # for a merge join; hashing them in memory is what fits a year's few million rows.
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, [*params, start, end, *measures])
        for g, modulo, measure, chiave, value in cursor.fetchall():
            result[(g, modulo)][(measure, chiave)] = Decimal(value)
    return dict(result)
