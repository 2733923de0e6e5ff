#!/usr/bin/env python3
"""Benchmark: seed N synthetic assistiti, then time the operator's hot reads through the permission layer.

    .venv/bin/python bench/seed_and_list.py --scale 100000                       # SQLite file under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench .venv/bin/python bench/seed_and_list.py --scale 100000

Prints a Markdown block (append it to docs/benchmarks.md with --write).
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--write", action="store_true", help="append the result to docs/benchmarks.md")
    parser.add_argument(
        "--history-rows", type=int, default=0, help="add this many extra history rows (simulated past edits)"
    )
    args = parser.parse_args()

    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        for name in ("cse.sqlite3", "regionale.sqlite3"):
            for suffix in ("", "-wal", "-shm"):
                (bench_dir / f"{name}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / 'cse.sqlite3'}"
        os.environ["REGIONALE_DATABASE_URL"] = f"sqlite:///{bench_dir / 'regionale.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.dev")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    engine = connection.vendor
    if engine == "postgresql":
        call_command("flush", "--noinput", verbosity=0) if _has_tables(connection) else None
    call_command("migrate", verbosity=0)
    call_command("migrate", "--database", "regionale", verbosity=0)

    started = time.perf_counter()
    call_command("seed_demo", "--scale", str(args.scale), "--quiet-logins", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed_seconds = time.perf_counter() - started
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does shortly after a bulk load in production

    if args.history_rows:
        _add_history(args.history_rows)
        if engine == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    from django.contrib.auth import get_user_model

    from cse.cartella.models import Assistito, Cartella
    from cse.cartella.selectors import assistiti_search
    from cse.core.permissions import forget_cached_capabilities

    user = get_user_model().objects.get(username="molfetta.assistente_sociale")
    sample = Assistito.objects.filter(owner_ente__codice="F284").order_by("pk")[args.scale // 20]
    queries = {
        "elenco assistiti, pagina 1 (25 righe + conteggio)": lambda: (
            list(assistiti_search(user)[:25]),
            assistiti_search(user).count(),
        ),
        "ricerca per cognome (prefisso)": lambda: list(assistiti_search(user, sample.cognome[:4])[:25]),
        "ricerca per codice fiscale": lambda: list(assistiti_search(user, sample.codice_fiscale)),
        "cartelle visibili, pagina 1": lambda: list(Cartella.objects.visible_to(user)[:25]),
    }
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    case = Cartella.objects.visible_to(user).order_by("pk").first()
    pages = {
        "pagina elenco assistiti (HTML completo)": "/locale/assistiti/",
        "pagina ricerca per cognome (HTML completo)": f"/locale/assistiti/?q={sample.cognome[:4]}",
        "pagina ricerca per numero di cartella": f"/locale/assistiti/?q={case.numero}",
        "liste di lavoro (HTML completo)": "/locale/lavoro/",
        "pagina della cartella (con registro accessi)": f"/locale/cartelle/{case.pk}/",
    }
    for label, url in pages.items():
        queries[label] = lambda url=url: _get_ok(client, url)
    rows = []
    for label, fn in queries.items():
        timings = []
        for _ in range(args.runs):
            forget_cached_capabilities(user)  # measure the per-request cost, capability lookup included
            t = time.perf_counter()
            fn()
            timings.append((time.perf_counter() - t) * 1000)
        rows.append((label, statistics.median(timings), sorted(timings)[int(len(timings) * 0.95) - 1]))

    plan = ""
    if engine == "postgresql":
        qs = assistiti_search(user, sample.cognome[:4])[:25]
        with connection.cursor() as cursor:
            sql, params = qs.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(r[0] for r in cursor.fetchall())

    total = Assistito.objects.count()
    history_total = Assistito.history.count() + Cartella.history.count()
    prefix = ["DATABASE_URL=postgres://…"] if engine == "postgresql" else []
    command = " ".join([*prefix, ".venv/bin/python", *sys.argv])
    out = [
        f"### seed + hot reads — {engine}, {total:,} assistiti ({time.strftime('%Y-%m-%d')})",
        "",
        f"Command: `{command}`",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "",
        f"- `seed_demo --scale {args.scale}`: **{seed_seconds:.1f} s** "
        f"({Cartella.objects.count():,} cartelle, history rows written in bulk)",
        f"- history rows of assistiti and cartelle in the database: **{history_total:,}**",
        "",
        "| read (operator of one comune, through `visible_to`) | median ms | p95 ms |",
        "|---|---|---|",
        *[f"| {label} | {median:.2f} | {p95:.2f} |" for label, median, p95 in rows],
        "",
    ]
    if plan:
        out += ["PostgreSQL plan of the surname search:", "", "```", plan, "```", ""]
    text = "\n".join(out)
    print(text)
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)


def _get_ok(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def _add_history(count: int) -> None:
    """Simulate years of edits: extra history versions of existing people, inserted in bulk."""
    from datetime import timedelta

    from django.utils import timezone

    from cse.cartella.models import Assistito

    Historical = Assistito.history.model
    history_fields = {f.attname for f in Historical._meta.concrete_fields}
    fields = [f.attname for f in Assistito._meta.concrete_fields if f.attname in history_fields]
    people = list(Assistito.objects.values(*fields)[: max(count // 10, 1)])
    now = timezone.now()
    batch, made = [], 0
    while made < count:
        for n, person in enumerate(people):
            batch.append(
                Historical(
                    **person,
                    history_date=now - timedelta(days=made % 3650, seconds=n),
                    history_type="~",
                    history_change_reason="modifica simulata (benchmark)",
                )
            )
            made += 1
            if len(batch) >= 10_000:
                Historical.objects.bulk_create(batch)
                batch = []
            if made >= count:
                break
    if batch:
        Historical.objects.bulk_create(batch)


def _has_tables(connection) -> bool:
    return "core_comune" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
