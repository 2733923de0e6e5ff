#!/usr/bin/env python3
"""Benchmark: regional ingestion throughput and derivation time over N synthetic pseudonymised events.

    REGIONALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_reg_bench \
        .venv/bin/python bench/regional_ingest.py --events 1000000 --write

Events are generated directly in the regional contract (schema-valid, random pseudonyms: no local data involved),
in case histories like the local tier produces (access → assessment → project → delivery, prestazioni, notes) spread
over five years (2022-2026), then ingested through `ingest_batch` in batches (which also folds them into the
current-state tables), then one year is derived (SIUSS prestazioni + SIOSS LEPS schede).
Targets: ≥ 5,000 events/s ingestion; < 60 s to derive a year over 10M events.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODES = ["A2.07", "A2.08", "A1.04", "A1.05", "A2.02", "A3.02", "A9.01.01", "A9.02.01"]
LEPS = [None, None, None, "A1", "A3.1", "A3.2", "A5", "A6", "A7"]
AREAS = ["famiglia_minori", "disabilita", "anziani", "poverta", "dipendenze_salute_mentale"]
FONTI = ["fnps", "poverta", "fna", "comunale", "regionale"]
AGE_BANDS = ["0-17", "18-24", "25-44", "45-64", "65-74", "75+"]


def case_events(rng: random.Random, n_events: int, ambiti: list[str]) -> list[dict]:
    """One case's history of about n_events events, sequence 1..n."""
    case_key = f"{rng.getrandbits(256):064x}"
    ambito = rng.choice(ambiti)
    subject = {
        "pseudonym": f"{rng.getrandbits(256):064x}",
        "birth_year": rng.randint(1930, 2020),
        "age_band": rng.choice(AGE_BANDS),
        "sex": rng.choice("MF"),
        "comune_istat": f"07{rng.randint(2000, 2099):04d}",
        "ambito": ambito,
        "cittadinanza": "100",
    }
    ente = f"E{rng.randint(100, 999)}"
    day = f"{rng.randint(2022, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"  # five years of history
    data_list = [
        ("cartella.aperta", {"aperta_il": day}),
        ("cartella.scheda_accesso", {"canale": "spontaneo", "area": rng.choice(AREAS), "esito": "presa_in_carico"}),
        ("cartella.fase_cambiata", {"da": "accesso", "a": "valutazione", "data": day}),
        ("cartella.fase_cambiata", {"da": "valutazione", "a": "progetto", "data": day}),
        ("cartella.fase_cambiata", {"da": "progetto", "a": "erogazione", "data": day}),
    ]
    while len(data_list) < n_events:
        if rng.random() < 0.4:
            data_list.append(
                (
                    "cartella.prestazione_erogata",
                    {
                        "prestazione_key": f"{rng.getrandbits(256):064x}",
                        "codice": rng.choice(CODES),
                        "carattere": rng.choice((1, 2)),
                        "data_inizio": day,
                        "data_fine": None,
                        "quantita": "10",
                        "unita": "ore",
                        "importo": f"{rng.randint(10, 900)}.00",
                        "fonte": rng.choice(FONTI),
                        "modulo_leps": rng.choice(LEPS),
                    },
                )
            )
        else:
            data_list.append(("cartella.diario_voce", {"tipo": "nota", "data": day}))
    return [
        {
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "schema_version": 1,
            "event_type": event_type,
            "occurred_on": day,
            "case_key": case_key,
            "sequence": seq,
            "key_version": "v1",
            "ente": ente,
            "subject": subject,
            "data": data,
        }
        for seq, (event_type, data) in enumerate(data_list, start=1)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--write", action="store_true", help="append the result to docs/benchmarks.md")
    parser.add_argument(
        "--derive-only", action="store_true", help="keep the stored events; time the derivations only (SQL and Python)"
    )
    parser.add_argument(
        "--replicate-to",
        type=int,
        default=0,
        help="grow the stored events to at least N by copying them with fresh keys (SQL), then time the derivations",
    )
    args = parser.parse_args()
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if "REGIONALE_DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            (bench_dir / f"regionale-ingest.sqlite3{suffix}").unlink(missing_ok=True)
        os.environ["REGIONALE_DATABASE_URL"] = f"sqlite:///{bench_dir / 'regionale-ingest.sqlite3'}"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{bench_dir / 'cse-ingest.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.dev")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from cse.regionale.derivations import derive_siuss_prestazioni
    from cse.regionale.ingest import ingest_batch
    from cse.regionale.leps import derive_sioss_leps_counts
    from cse.regionale.models import (
        CasoCorrente,
        EventoRegionale,
        PrestazioneCorrente,
        PrestazioneSiuss,
        SchedaLeps,
        TrasmissioneSiuss,
        ValoreLeps,
    )

    connection = connections["regionale"]
    call_command("migrate", "--database", "regionale", verbosity=0)
    if args.replicate_to:
        replicate(connection, args.replicate_to)
    if args.derive_only or args.replicate_to:
        return derive_only(connection)
    projections = (PrestazioneCorrente, TrasmissioneSiuss, CasoCorrente)
    for model in (EventoRegionale, PrestazioneSiuss, *projections, ValoreLeps, SchedaLeps):
        model.objects.all().delete()

    rng = random.Random(2026)
    ambiti = [f"BA{n:02d}" for n in range(1, 11)]
    generated, ingest_seconds = 0, 0.0
    pending: list[dict] = []

    def flush(n: int) -> float:
        nonlocal pending
        batch, pending = pending[:n], pending[n:]
        started = time.perf_counter()
        ingest_batch(batch)
        return time.perf_counter() - started

    while generated < args.events:
        events = case_events(rng, rng.randint(10, 40), ambiti)
        pending += events
        generated += len(events)
        while len(pending) >= args.batch:
            ingest_seconds += flush(args.batch)
    if pending:
        ingest_seconds += flush(len(pending))
    stored = EventoRegionale.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    siuss_rows = derive_siuss_prestazioni(2026)
    siuss_seconds = time.perf_counter() - started
    started = time.perf_counter()
    leps_values = derive_sioss_leps_counts(2026)
    leps_seconds = time.perf_counter() - started
    assert ValoreLeps.objects.count() == leps_values

    env_prefix = "REGIONALE_DATABASE_URL=postgres://… " if connection.vendor == "postgresql" else ""
    command = " ".join(sys.argv)
    text = "\n".join(
        [
            f"### regional ingestion + derivation — {connection.vendor}, {stored:,} events "
            f"({time.strftime('%Y-%m-%d')})",
            "",
            f"Command: `{env_prefix}.venv/bin/python {command}`",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "",
            f"- ingestion (`ingest_batch`, batches of {args.batch}, schema check + dedup + gap detection): "
            f"**{stored / ingest_seconds:,.0f} events/s** ({ingest_seconds:.1f} s)",
            f"- `derive_siuss_prestazioni(2026)`: **{siuss_seconds:.1f} s** ({siuss_rows:,} rows)",
            f"- `derive_sioss_leps_counts(2026)`: **{leps_seconds:.1f} s** ({leps_values:,} values)",
            "",
        ]
    )
    print(text)
    if args.write:
        with open(ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as fh:
            fh.write("\n" + text)


def replicate(connection, target: int) -> None:
    """Copy the ingested store (events + current-state tables) with fresh case, person, prestazione and event keys
    until it holds `target` events: same distributions at a larger size, for timing the derivations only (ingestion
    throughput is measured by the normal run, through ingest_batch)."""
    from cse.regionale.models import CasoCorrente, EventoRegionale, PrestazioneCorrente

    fresh = {
        "event_id": "md5(event_id::text || %(k)s)::uuid",
        "case_key": "md5(case_key || %(k)s) || md5(%(k)s || case_key)",
        "soggetto": "md5(soggetto || %(k)s) || md5(%(k)s || soggetto)",
        "prestazione_key": "md5(prestazione_key || %(k)s) || md5(%(k)s || prestazione_key)",
        "lotto_dss_id": "NULL",  # a copy is a new event: in no DSS batch
    }
    models = (EventoRegionale, PrestazioneCorrente, CasoCorrente)
    with connection.cursor() as cursor:
        originals = {}
        for model in models:  # only the ingested rows are copied, never earlier copies
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {model._meta.db_table}")  # noqa: S608
            originals[model] = cursor.fetchone()[0]
        stored, copies = EventoRegionale.objects.count(), 0
        while stored < target:
            copies += 1
            started = time.perf_counter()
            for model in models:
                table = model._meta.db_table
                columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
                select = ", ".join(fresh.get(c, c) for c in columns)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                    f"SELECT {select} FROM {table} WHERE id <= {int(originals[model])}",
                    {"k": f":{copies}"},
                )
            stored = EventoRegionale.objects.count()
            print(f"copy {copies}: {stored:,} events ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("ANALYZE")


def derive_only(connection) -> None:
    """Time a year's derivations on the events already stored: in the database (PostgreSQL) and the portable path."""
    from unittest import mock

    from cse.regionale import derivations, leps
    from cse.regionale.models import EventoRegionale

    stored = EventoRegionale.objects.count()
    for label, in_db in (("in PostgreSQL", True), ("Python (portable path)", False)):
        switch = mock.Mock(return_value=in_db)
        with mock.patch.object(derivations, "in_database", switch), mock.patch.object(leps, "in_database", switch):
            started = time.perf_counter()
            rows = derivations.derive_siuss_prestazioni(2026)
            siuss = time.perf_counter() - started
            started = time.perf_counter()
            values = leps.derive_sioss_leps_counts(2026)
            sioss = time.perf_counter() - started
        print(f"{stored:,} events, {label}: SIUSS {siuss:.1f} s ({rows:,} rows), SIOSS {sioss:.1f} s ({values:,} v.)")


if __name__ == "__main__":
    main()
