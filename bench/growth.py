#!/usr/bin/env python3
"""Growth curves: how the hot reads and the batch jobs scale with the number of assistiti, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_growth \
    REGIONALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_growth_regionale \
        .venv/bin/python bench/growth.py --sizes 10000 100000 --write
    ... --sizes 10000 100000 1000000 --write          # the 1M point: hours of seeding, run it by hand
    ... --only siuss --write                           # re-measure one part; the others are kept from the last run

For each size N:
- reads: `seed_demo --scale N`, then the operator's case list page and worklists page through the test client
  (median of --runs requests, capability cache cleared each time, as bench/seed_and_list.py does), and the local
  database's bytes per assistito (its whole size, history and indexes included, over N);
- ingest: N × --events-per-assistito regional events (bench/regional_ingest.py's case histories) through
  `ingest_batch` into the partitioned store, then the year's derivations, and the bytes per stored event;
- siuss: N × --siuss-per-assistito prestazioni of one ente (bench/siuss_flows.py's seeding), then `flussi_prepare`
  and `flussi_expose`.

Results are kept in var/bench/growth.json (a later --only run replaces its own part), plotted log-log into
docs/growth.png and, with --write, appended as a table to docs/benchmarks.md. Reads should stay flat with N
(paginated, indexed); batch jobs should grow linearly (slope ≈ 1 on the log-log plot).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "var" / "bench" / "growth.json"
PARTS = ("reads", "ingest", "siuss")
LABELS = {
    "elenco": ("pagina elenco assistiti (HTML completo)", "ms"),
    "lavoro": ("liste di lavoro (HTML completo)", "ms"),
    "ingest": ("ingestione regionale (`ingest_batch`)", "s"),
    "siuss_derive": ("derivazione SIUSS 2026 (SQL)", "s"),
    "sioss_derive": ("derivazione SIOSS LEPS 2026 (SQL)", "s"),
    "flussi_prepare": ("`flussi_prepare`", "s"),
    "flussi_expose": ("`flussi_expose`", "s"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--events-per-assistito", type=int, default=25)
    parser.add_argument("--siuss-per-assistito", type=float, default=0.01)
    parser.add_argument("--write", action="store_true", help="append the table to docs/benchmarks.md")
    args = parser.parse_args()
    for var in ("DATABASE_URL", "REGIONALE_DATABASE_URL"):
        if not os.environ.get(var, "").startswith("postgres"):
            raise SystemExit(f"{var} must point to a PostgreSQL database (growth curves are measured there)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.dev")
    os.environ["CSE_RELAY_INLINE"] = "0"  # the local seeding must not ingest into the regional store meanwhile
    _create_databases()

    import django

    django.setup()
    from django.core.management import call_command

    if "reads" in args.only:  # the pages are served as in production: hashed static names from the manifest
        call_command("collectstatic", "--noinput", verbosity=0)
    call_command("migrate", "--database", "regionale", verbosity=0)

    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["loadavg_start"] = _loadavg()
    for size in args.sizes:
        row = results.setdefault(str(size), {})
        if "reads" in args.only:
            row.update(measure_reads(size, args.runs))
        if "ingest" in args.only:
            row.update(measure_ingest(size, args.events_per_assistito))
        if "siuss" in args.only:
            row.update(measure_siuss(max(int(size * args.siuss_per_assistito), 1)))
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1))
        print(size, json.dumps(row), flush=True)
    results["loadavg_end"] = _loadavg()
    results["command"] = " ".join(sys.argv)
    RESULTS.write_text(json.dumps(results, indent=1))
    plot(results)
    text = table(results, args)
    print(text)
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)


def _loadavg() -> str:
    """The 1, 5 and 15 minute load averages: the machine is shared, every figure says how busy it was."""
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "?"


def _admin(var: str):
    """An autocommit connection to the server's `postgres` database, and the bench database's name."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ[var])
    conn = psycopg.connect(
        host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres", autocommit=True
    )
    return conn, cfg["NAME"]


def _create_databases() -> None:
    """The two bench databases, created when missing."""
    for var in ("DATABASE_URL", "REGIONALE_DATABASE_URL"):
        conn, name = _admin(var)
        with conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')


def _fresh_local_database() -> None:
    """An empty, migrated local database (reference data of the data migrations included: `flush` would lose it),
    cloned from a template made once per run by migrating."""
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    conn, name = _admin("DATABASE_URL")
    template = f"{name}_template"
    with conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
            call_command("migrate", verbosity=0)
            connections.close_all()
            conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    call_command("migrate", verbosity=0)  # the migrations added since the template was made, if any


def _median_ms(fn, runs: int, before=None) -> float:
    timings = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure_reads(size: int, runs: int) -> dict:
    """Seed N assistiti, then time the two pages an operator opens first."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.seed_and_list import _get_ok
    from cse.cartella.models import Assistito
    from cse.core.permissions import forget_cached_capabilities

    _fresh_local_database()
    started = time.perf_counter()
    call_command("seed_demo", "--scale", str(size), "--quiet-logins", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        db_bytes = cursor.fetchone()[0]
    user = get_user_model().objects.get(username="molfetta.assistente_sociale")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    out = {"seed_s": seed_s, "bytes_per_assistito": db_bytes / max(Assistito.objects.count(), 1)}
    for key, url in (("elenco", "/locale/assistiti/"), ("lavoro", "/locale/lavoro/")):
        _get_ok(client, url)  # warm-up: templates compiled, connection open
        out[key] = _median_ms(lambda url=url: _get_ok(client, url), runs, lambda: forget_cached_capabilities(user))
    return out


def measure_ingest(size: int, per_assistito: int, batch: int = 2000) -> dict:
    """N × per_assistito events through ingest_batch into an emptied regional store; then a year's derivations."""
    from django.db import connections

    from bench.regional_ingest import case_events
    from cse.regionale.derivations import derive_siuss_prestazioni
    from cse.regionale.ingest import ingest_batch
    from cse.regionale.leps import derive_sioss_leps_counts

    connection = connections["regionale"]
    _truncate_regional(connection)
    rng, ambiti = random.Random(size), [f"BA{n:02d}" for n in range(1, 11)]
    target, generated, seconds, pending = size * per_assistito, 0, 0.0, []
    while generated < target or pending:
        if generated < target:
            events = case_events(rng, rng.randint(10, 40), ambiti)
            pending += events
            generated += len(events)
        if len(pending) >= batch or (generated >= target and pending):
            chunk, pending = pending[:batch], pending[batch:]
            started = time.perf_counter()
            ingest_batch(chunk)
            seconds += time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    derive_siuss_prestazioni(2026)
    siuss_s = time.perf_counter() - started
    started = time.perf_counter()
    derive_sioss_leps_counts(2026)
    sioss_s = time.perf_counter() - started
    event_bytes, store_bytes = _regional_bytes(connection)
    return {
        "events": generated,
        "ingest": seconds,
        "events_per_s": generated / seconds,
        "siuss_derive": siuss_s,
        "sioss_derive": sioss_s,
        "bytes_per_event": event_bytes / generated,
        "regional_bytes_per_event": store_bytes / generated,
    }


def _truncate_regional(connection) -> None:
    from django.apps import apps

    tables = [m._meta.db_table for m in apps.get_app_config("regionale").get_models()]
    keep = {"regionale_indicatoreleps"}  # seeded by a migration
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(t for t in tables if t not in keep)} CASCADE")


def _regional_bytes(connection) -> tuple[int, int]:
    """(events: every partition + the seen-ids table, with indexes and TOAST; the whole regional database)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('regionale_eventoregionale')"
        )
        events = cursor.fetchone()[0] or 0
        if not events:  # not partitioned
            cursor.execute("SELECT pg_total_relation_size('regionale_eventoregionale')")
            events = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_total_relation_size('regionale_eventoricevuto'), pg_database_size(current_database())"
        )
        seen, database = cursor.fetchone()
    return int(events) + int(seen), int(database)  # SUM() of bigints comes back as a Decimal


def measure_siuss(prestazioni: int) -> dict:
    """bench/siuss_flows.py's seeding of one ente with `prestazioni` prestazioni; prepare and expose timed."""
    from datetime import date

    from bench.siuss_flows import _seed
    from cse.siuss.services import flussi_expose, flussi_prepare

    _fresh_local_database()
    ente, _ = _seed(prestazioni)
    started = time.perf_counter()
    flussi_prepare(ente=ente, today=date(2026, 11, 20))
    prepare_s = time.perf_counter() - started
    started = time.perf_counter()
    flussi_expose(ente=ente)
    return {"prestazioni": prestazioni, "flussi_prepare": prepare_s, "flussi_expose": time.perf_counter() - started}


def _slope(results: dict, key: str, sizes: list[int]) -> float | None:
    points = [(s, results[str(s)][key]) for s in sizes if key in results.get(str(s), {})]
    if len(points) < 2 or points[0][1] <= 0:
        return None
    (s1, t1), (s2, t2) = points[0], points[-1]
    return math.log(t2 / t1) / math.log(s2 / s1)


def _sizes(results: dict) -> list[int]:
    return sorted(int(k) for k in results if k.isdigit())


def plot(results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = _sizes(results)
    fig, (reads, batch) = plt.subplots(1, 2, figsize=(11, 4.5))
    for axis, unit in ((reads, "ms"), (batch, "s")):
        for key, (label, key_unit) in LABELS.items():
            points = [(s, results[str(s)][key]) for s in sizes if key in results[str(s)]]
            if key_unit == unit and points:
                axis.plot(*zip(*points, strict=True), marker="o", label=label.replace("`", ""))
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("assistiti")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    reads.set_ylabel("mediana (ms)")
    reads.set_title("Letture (devono restare piatte)")
    batch.set_ylabel("durata (s)")
    batch.set_title("Lavori batch (devono crescere linearmente)")
    fig.tight_layout()
    fig.savefig(ROOT / "docs" / "growth.png", dpi=110)


def table(results: dict, args) -> str:
    sizes = _sizes(results)
    head = "| measurement | " + " | ".join(f"{s:,} assistiti" for s in sizes) + " | log-log slope | verdict |"
    lines = [head, "|---" * (len(sizes) + 3) + "|"]
    for key, (label, unit) in LABELS.items():
        cells = [f"{results[str(s)][key]:,.2f} {unit}" if key in results[str(s)] else "–" for s in sizes]
        slope = _slope(results, key, sizes)
        expected_flat = unit == "ms"
        if slope is None:
            verdict = "–"
        elif expected_flat:
            verdict = "flat" if slope < 0.2 else "grows"
        else:
            verdict = "linear" if slope <= 1.15 else "super-linear"
        lines.append(f"| {label} | {' | '.join(cells)} | {'' if slope is None else f'{slope:.2f}'} | {verdict} |")
    extra = [
        ("events ingested", "events", "{:,.0f}"),
        ("ingestion events/s", "events_per_s", "{:,.0f}"),
        ("local DB bytes per assistito (history, indexes)", "bytes_per_assistito", "{:,.0f}"),
        ("bytes per stored event (partitions + seen ids)", "bytes_per_event", "{:,.0f}"),
        ("regional DB bytes per event (projections incl.)", "regional_bytes_per_event", "{:,.0f}"),
        ("SIUSS prestazioni prepared", "prestazioni", "{:,.0f}"),
    ]
    for label, key, fmt in extra:
        cells = [fmt.format(results[str(s)][key]) if key in results[str(s)] else "–" for s in sizes]
        lines.append(f"| {label} | {' | '.join(cells)} | | |")
    return "\n".join(
        [
            f"### growth curves — postgresql, {', '.join(f'{s:,}' for s in sizes)} assistiti "
            f"({time.strftime('%Y-%m-%d')})",
            "",
            f"Command: `DATABASE_URL=postgres://… REGIONALE_DATABASE_URL=postgres://… .venv/bin/python "
            f"{results.get('command', '')}`",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load "
            f"average (1, 5, 15 min) at start {results.get('loadavg_start')}, at end {results.get('loadavg_end')}",
            f"Plot: docs/growth.png. Events: {args.events_per_assistito} per assistito; SIUSS prestazioni: "
            f"{args.siuss_per_assistito:g} per assistito.",
            "",
            *lines,
            "",
        ]
    )


if __name__ == "__main__":
    main()
