#!/usr/bin/env python3
"""Benchmark: price of the access-log hash chain on a write, concurrent writers (no forks), and verify_audit speed.

    .venv/bin/python bench/audit_chain.py --rows 1000000 [--write]                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_audit \\
    REGIONALE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench_audit_reg \\
    .venv/bin/python bench/audit_chain.py --rows 1000000 --threads 8 [--write]

Uses throw-away test databases (created and dropped). Prints a Markdown block; --write appends it to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows bulk-loaded for the verification walk")
    parser.add_argument("--writes", type=int, default=2000, help="sequential log_access calls timed")
    parser.add_argument("--threads", type=int, default=4, help="concurrent writers (PostgreSQL)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.test")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases
    from django.utils import timezone

    from cse.core.audit import log_access
    from cse.core.audit_chain import CHAIN_FIELDS, chain_tip, row_hash, verify_access_chain
    from cse.core.models import AccessLog

    old = setup_databases(verbosity=0, interactive=False, aliases={"default", "regionale"})
    lines = []
    try:
        user = get_user_model().objects.create(username="bench.audit")
        kwargs = {"user": user, "assistito_id": 1, "oggetto_tipo": "assistito", "oggetto_id": 1, "ente_id": None}

        start = time.perf_counter()
        for _ in range(args.writes):
            AccessLog.objects.create(azione="consultazione", **kwargs)
        plain_ms = (time.perf_counter() - start) * 1000 / args.writes
        start = time.perf_counter()
        for _ in range(args.writes):
            log_access(**kwargs)
        chained_ms = (time.perf_counter() - start) * 1000 / args.writes
        lines.append(f"| one write, plain insert (no chain) | {plain_ms:.2f} ms |")
        lines.append(f"| one write, `log_access` with chain | {chained_ms:.2f} ms |")
        with connection.cursor() as cursor:  # empty the table again (TRUNCATE: the trigger refuses DELETE on PG)
            cursor.execute(
                "TRUNCATE core_accesslog" if connection.vendor == "postgresql" else "DELETE FROM core_accesslog"
            )

        if connection.vendor == "postgresql" and args.threads > 1:
            per = 200

            def writer():
                for _ in range(per):
                    log_access(**kwargs)
                connections.close_all()

            threads = [threading.Thread(target=writer) for _ in range(args.threads)]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - start
            report = verify_access_chain()
            lines.append(
                f"| {args.threads} threads × {per} concurrent writes | {args.threads * per / seconds:.0f} rows/s, "
                f"chain {'intact' if report.ok else 'BROKEN: ' + report.esito} ({report.righe} rows) |"
            )

        prev = chain_tip()
        at = timezone.now()
        start = time.perf_counter()
        batch = []
        for i in range(args.rows):
            row = AccessLog(at=at, azione="consultazione", finalita=f"lettura {i}", prev_hash=prev, **kwargs)
            row.hash = prev = row_hash(tuple(getattr(row, name) for name in CHAIN_FIELDS), prev)
            batch.append(row)
            if len(batch) == 5000:
                AccessLog.objects.bulk_create(batch)
                batch = []
        AccessLog.objects.bulk_create(batch)
        load = time.perf_counter() - start
        start = time.perf_counter()
        report = verify_access_chain()
        seconds = time.perf_counter() - start
        assert report.ok, report.esito
        lines.append(f"| bulk load of {args.rows:,} chained rows (setup) | {load:.1f} s |")
        lines.append(
            f"| `verify_audit` walk over {report.righe:,} rows | {seconds:.1f} s "
            f"({report.righe / seconds:,.0f} rows/s) |"
        )
    finally:
        teardown_databases(old, verbosity=0)

    block = "\n".join(
        [
            "",
            f"## Audit hash chain ({connection.vendor})",
            "",
            f"`bench/audit_chain.py --rows {args.rows} --writes {args.writes} --threads {args.threads}` on "
            f"{platform.machine()} ({os.cpu_count()} cores shared with other work), "
            f"Python {platform.python_version()}.",
            "",
            "| what | figure |",
            "|---|---|",
            *lines,
            "",
        ]
    )
    print(block)
    if args.write:
        with open(ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as fh:
            fh.write(block)


if __name__ == "__main__":
    main()
