#!/usr/bin/env python3
"""Benchmark: N citizens race for M slots through the real booking page (Django test client, one thread each,
a bounded pool of P concurrent requests as an ASGI server's thread pool would impose), and the CPU each POST costs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_booking \\
    REGIONALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_booking_reg \\
    .venv/bin/python bench/booking_race.py --clients 200 --slots 20 --pool 40 [--write]

Uses throw-away test databases (created and dropped, with a "test_" prefix). The e-mails go through the database
task queue as in production (a worker sends them later), not in the request. Two measures:
- the burst: wall time, latencies, and the CPU time of this process (utime+stime of every thread, read around the
  burst) divided by the POST count — the server and the test clients share the process, so it is an upper bound;
- the breakdown: POSTs one after the other (no concurrency), two per slot (one wins, one loses), with
  time.process_time around each POST and the time spent inside cursor.execute (connection.execute_wrapper).
Prints a Markdown block; --write appends it to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def breakdown(ente, *, posts: int) -> dict[str, dict[str, float]]:
    """Sequential POSTs, two per slot: the first wins (302), the second loses (409), after one warm-up POST not
    counted. Per outcome: median CPU ms per POST, median ms inside cursor.execute, median number of queries."""
    from django.db import connection
    from django.urls import reverse

    from tests.support.race import race_office
    from tests.support.submission import TokenClient

    sportello, slots = race_office(ente, slots=posts // 2 + 1)

    def post(i: int, slot):
        client = TokenClient(REMOTE_ADDR=f"10.9.{i % 250}.1")
        url = reverse("cittadino:prenota") + f"?comune={ente.comune_id}&sportello={sportello.pk}&slot={slot.pk}"
        data = {"argomento": "informazioni", "motivo": "Misura", "nome": "Cliente", "cognome": f"Seriale{i}",
                "email": f"seriale{i}@example.invalid"}  # fmt: skip
        return client.post(url, data).status_code

    post(10_000, slots[-1])  # warm-up: first-request costs (templates, URL resolver) are not a booking's
    samples: dict[int, list[tuple[float, float, int]]] = {}
    for i in range(posts):
        sql = [0.0, 0]

        def timed(execute, query, params, many, context, sql=sql):
            started = time.perf_counter()
            try:
                return execute(query, params, many, context)
            finally:
                sql[0] += time.perf_counter() - started
                sql[1] += 1

        with connection.execute_wrapper(timed):
            cpu = time.process_time()
            status = post(i, slots[i // 2])
            cpu = time.process_time() - cpu
        samples.setdefault(status, []).append((cpu * 1000, sql[0] * 1000, sql[1]))
    return {
        str(status): {
            "posts": len(rows),
            "cpu_ms": statistics.median(r[0] for r in rows),
            "sql_ms": statistics.median(r[1] for r in rows),
            "queries": statistics.median(r[2] for r in rows),
        }
        for status, rows in sorted(samples.items())
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--slots", type=int, default=20)
    parser.add_argument("--pool", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serial", type=int, default=40, help="POSTs of the sequential breakdown (half win)")
    parser.add_argument("--label", default="", help="what this run measures (e.g. before/after), in the heading")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.test")
    os.environ.setdefault("CSE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")  # production: a worker sends

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    settings.CSE_BOOKING_RATE_LIMIT = 1_000_000
    settings.ALLOWED_HOSTS = ["*"]
    old = setup_databases(verbosity=0, interactive=False, aliases={"default", "regionale"})
    try:
        from tests.support.places import foreign_comune, home_comune, neighbour_comune
        from tests.support.race import run_race

        places = (home_comune, neighbour_comune, foreign_comune)
        serial = breakdown(places[0](), posts=args.serial)
        results = []
        for place in places[: args.rounds]:
            ente = place()
            cpu = time.process_time()
            results.append(run_race(ente, clients=args.clients, slots=args.slots, pool=args.pool))
            results[-1].cpu_seconds = time.process_time() - cpu
        vendor = connection.vendor
    finally:
        teardown_databases(old, verbosity=0)
    publish_results(args, vendor, serial, results)


def publish_results(args: argparse.Namespace, vendor: str, serial: dict, results: list) -> None:
    from report import publish  # bench/report.py

    rows = []
    for n, r in enumerate(results, 1):
        lat = r.latencies_ms
        fivexx = sum(v for k, v in r.statuses.items() if k >= 500)
        rows.append(
            f"| {n} | {r.bookings} | {r.double_booked_slots} | {r.statuses[409]} | {r.told_not_free} | {fivexx} "
            f"| {r.seconds:.2f} | {statistics.median(lat):.0f} | {_p95(lat):.0f} | {r.clients / r.seconds:.0f} "
            f"| {r.cpu_seconds * 1000 / r.clients:.1f} |"
        )
    outcome = {"302": "wins the slot (302 → receipt)", "409": 'loses it (409, "non è più libero")'}
    lines = [
        f"### Booking race: {args.clients} clients, {args.slots} slots ({vendor}){args.label} "
        f"({time.strftime('%Y-%m-%d')})",
        "",
        f"Command: `.venv/bin/python bench/booking_race.py --clients {args.clients} --slots {args.slots} "
        f"--pool {args.pool} --rounds {args.rounds} --serial {args.serial}`",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}, load average at the end {os.getloadavg()[0]:.1f}. Each client is its own "
        f"session posting the last booking step at the same instant (barrier); client i aims at slot i mod "
        f"{args.slots}; at most {args.pool} requests are in the application at once. E-mails are queued in the "
        "database (production's task backend). CPU ms/POST: the process's CPU time over the burst divided by the "
        "POSTs (server and test clients together: an upper bound of the server's share).",
        "",
        '| round | bookings | slots booked twice | 409 answers | told "non è più libero" | 5xx | wall s '
        "| median ms | p95 ms | requests/s | CPU ms/POST |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Sequential breakdown ({args.serial} POSTs one at a time, two per slot: the first wins, the second loses; "
        "after one warm-up POST; CPU of the request in process, the test client included):",
        "",
        "| POST | count | CPU ms (median) | wall ms inside cursor.execute (median) | queries |",
        "|---|---|---|---|---|",
        *(
            f"| {outcome.get(k, k)} | {v['posts']} | {v['cpu_ms']:.1f} | {v['sql_ms']:.1f} | {v['queries']:.0f} |"
            for k, v in serial.items()
        ),
        "",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
