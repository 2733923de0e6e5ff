#!/usr/bin/env python3
"""Benchmark: the operator's "Oggi" page with many open deadlines, through the permission layer.

Seeds the demo at --scale assistiti (seed_demo), gives one case manager (molfetta.assistente_sociale) --deadlines
open deadlines spread from 30 days ago to 30 days ahead over the cases of their comune (bulk_create: setup, not
the product's path), then times GET /operatore/oggi/ --runs times (Django test client, full middleware and
template) and prints p50/p95 and the query count as Markdown (--write appends it to docs/benchmarks.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench REGIONALE_DATABASE_URL=…/cse_bench_reg \\
        .venv/bin/python bench/oggi.py --scale 100000 --deadlines 2000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
USERNAME = "molfetta.assistente_sociale"


def _setup(args) -> None:
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / 'oggi.sqlite3'}"
        os.environ["REGIONALE_DATABASE_URL"] = f"sqlite:///{bench_dir / 'oggi_reg.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    if args.reuse:
        return
    call_command("migrate", verbosity=0)
    call_command("migrate", "--database", "regionale", verbosity=0)
    call_command("seed_demo", "--scale", str(args.scale), "--quiet-logins", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _deadlines(user, count: int) -> int:
    """`count` open deadlines for `user` (named responsible) on the open cases of their comune, round robin."""
    from django.utils import timezone

    from cse.cartella.models import Cartella, Scadenza
    from cse.core.codelists.scadenze import TipoScadenza

    have = Scadenza.objects.filter(responsabile=user, stato="aperta").count()
    cases = list(Cartella.objects.visible_to(user).exclude(stato="chiusa").values_list("pk", flat=True)[:500])
    today = timezone.localdate()
    rows = [
        Scadenza(
            cartella_id=cases[i % len(cases)],
            tipo=TipoScadenza.PROMEMORIA,
            scadenza=today + timedelta(days=(i % 61) - 30),
            responsabile=user,
            creata_da=user,
            note="bench",
        )
        for i in range(max(count - have, 0))
    ]
    Scadenza.objects.bulk_create(rows, batch_size=1000)
    return Scadenza.objects.filter(responsabile=user, stato="aperta").count()


def _time(client, runs: int) -> tuple[list[float], int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get("/operatore/oggi/")  # warm-up: templates, identity cache
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/operatore/oggi/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        client.get("/operatore/oggi/")
    return timings, len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--deadlines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep the data of the previous run")
    parser.add_argument("--write", action="store_true", help="append the result to docs/benchmarks.md")
    args = parser.parse_args()
    _setup(args)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from cse.cartella.models import Assistito

    user = get_user_model().objects.get(username=USERNAME)
    open_count = _deadlines(user, args.deadlines)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain, ALLOWED_HOSTS=["*"], CSE_REQUIRE_OTP=False):
        timings, queries = _time(client, args.runs)
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    out = "\n".join(
        [
            f"### «Oggi» with {open_count:,} open deadlines — {connection.vendor}, "
            f"{Assistito.objects.count():,} assistiti ({time.strftime('%Y-%m-%d')})",
            "",
            "| Page | p50 | p95 | Queries |",
            "|---|---|---|---|",
            f"| GET /operatore/oggi/ ({args.runs} runs) | {p50:.1f} ms | {p95:.1f} ms | {queries} |",
            "",
            f"Python {platform.python_version()}, {platform.machine()}, load average {' '.join(load)}.",
            "",
        ]
    )
    print(out)
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as f:
            f.write("\n" + out)


if __name__ == "__main__":
    main()
