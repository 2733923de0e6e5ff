#!/usr/bin/env python3
"""Benchmark: N citizens race for M slots through the real booking page (Django test client, one thread each,
a bounded pool of P concurrent requests as an ASGI server's thread pool would impose).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_booking \\
    REGIONALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_booking_reg \\
    .venv/bin/python bench/booking_race.py --clients 200 --slots 20 --pool 40 [--write]

Uses throw-away test databases (created and dropped, with a "test_" prefix). Prints a Markdown block; --write
appends it to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--slots", type=int, default=20)
    parser.add_argument("--pool", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.test")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    settings.CSE_BOOKING_RATE_LIMIT = 1_000_000
    settings.ALLOWED_HOSTS = ["*"]
    old = setup_databases(verbosity=0, interactive=False, aliases={"default", "regionale"})
    try:
        from tests.support.factories import build_world
        from tests.support.race import run_race

        world = build_world()
        results = [
            run_race(world.enti[key], clients=args.clients, slots=args.slots, pool=args.pool)
            for key in ("A1", "A2", "B1")[: args.rounds]
        ]
    finally:
        teardown_databases(old, verbosity=0)

    rows = []
    for n, r in enumerate(results, 1):
        lat = sorted(r.latencies_ms)
        p95 = lat[int(len(lat) * 0.95) - 1]
        fivexx = sum(v for k, v in r.statuses.items() if k >= 500)
        rows.append(
            f"| {n} | {r.bookings} | {r.double_booked_slots} | {r.statuses[409]} | {r.told_not_free} | {fivexx} "
            f"| {r.seconds:.2f} | {statistics.median(lat):.0f} | {p95:.0f} | {r.clients / r.seconds:.0f} |"
        )
    block = "\n".join(
        [
            "",
            f"## Booking race: {args.clients} clients, {args.slots} slots ({connection.vendor})",
            "",
            f"`bench/booking_race.py --clients {args.clients} --slots {args.slots} --pool {args.pool}` on "
            f"{platform.machine()} ({os.cpu_count()} cores shared with other work), "
            f"Python {platform.python_version()}. "
            f"Each client is its own session posting the last booking step at the same instant (barrier); client i "
            f"aims at slot i mod {args.slots}; at most {args.pool} requests are in the application at once (the "
            "server's thread/connection pool). The one-active-booking-per-slot partial unique constraint decides.",
            "",
            '| round | bookings | slots booked twice | 409 answers | told "non è più libero" | 5xx | wall s '
            "| median ms | p95 ms | requests/s |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    print(block)
    if args.write:
        with open(ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as fh:
            fh.write(block)


if __name__ == "__main__":
    main()
