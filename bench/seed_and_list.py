#!/usr/bin/env python3
"""Benchmark: seed N synthetic assistiti, then time the operator's hot reads through the permission layer, each
next to two baselines measured in the same process on the same data:

- guardian: the usual per-object way, django-guardian's get_objects_for_user() over one permission row per
  visible object (assigned in bulk to a twin account for exactly the rows our selectors let the operator see, so
  both answer the same set; a twin, so the operator's own grants stay as they are);
- floor: the same read, ordering and page with no permission filter at all (the cost of the read itself).

    .venv/bin/python bench/seed_and_list.py --scale 100000                       # SQLite file under var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_bench REGIONALE_DATABASE_URL=…/cse_bench_reg \\
        .venv/bin/python bench/seed_and_list.py --scale 100000 --history-rows 1000000

--reuse keeps the data of the previous run (no flush, no seed). BENCH_CODE_ROOT=<checkout> times another checkout's
code with this harness on the same data (the "before" column of docs/benchmarks.md). Prints Markdown (--write
appends it to docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("BENCH_CODE_ROOT") or HERE.parent).resolve()
sys.path.insert(0, str(ROOT))


def _report():
    spec = importlib.util.spec_from_file_location("bench_report", HERE / "report.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_report"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--write", action="store_true", help="append the result to docs/benchmarks.md")
    parser.add_argument("--reuse", action="store_true", help="keep the data of the previous run")
    parser.add_argument(
        "--history-rows", type=int, default=0, help="add this many extra history rows (simulated past edits)"
    )
    args = parser.parse_args()
    seed_seconds = _setup(args)

    from django.contrib.auth import get_user_model
    from django.db import connection

    from cse.cartella.models import Assistito, Cartella

    user = get_user_model().objects.get(username="molfetta.assistente_sociale")
    twin = _guardian_twin(user)
    sample = Assistito.objects.filter(owner_ente__codice="F284").order_by("pk")[args.scale // 20]
    report = _report()
    reads = _reads(user, twin, sample)
    rows = [report.RatioRow(label, *(_time(args.runs, user, fn) if fn else None for fn in fns)) for label, fns in reads]
    from django.conf import settings
    from django.test.utils import override_settings

    # plain static storage: the pages render without a collectstatic of the checkout under test
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": _PLAIN_STATIC}}):
        pages, counts = _pages(args.runs, user, twin, sample, report)
    rows += pages

    total = Assistito.objects.count()
    history_total = Assistito.history.count() + Cartella.history.count()
    prefix = ["DATABASE_URL=postgres://…"] if connection.vendor == "postgresql" else []
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    out = [
        f"### seed + hot reads against guardian and the floor — {connection.vendor}, {total:,} assistiti "
        f"({time.strftime('%Y-%m-%d')})",
        "",
        f"Command: `{' '.join([*prefix, '.venv/bin/python', *sys.argv])}` (code: `{ROOT.name}`)",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average at the end: {' '.join(load)}",
        "",
        f"- seed: {'reused' if seed_seconds is None else f'**{seed_seconds:.1f} s**'} "
        f"({Cartella.objects.count():,} cartelle); history rows of assistiti and cartelle: **{history_total:,}**",
        "",
        *report.ratio_table(rows),
        "",
        "| page | SQL queries |",
        "|---|---|",
        *[f"| {label} | {n} |" for label, n in counts.items()],
        "",
    ]
    plan = _plan(user, sample)
    if plan:
        out += ["PostgreSQL plan of the surname search:", "", "```", plan, "```", ""]
    report.publish(out, args.write)


_PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _setup(args) -> float | None:
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ:
        if not args.reuse:
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

    if args.reuse:
        return None
    if connection.vendor == "postgresql" and _has_tables(connection):
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("migrate", "--database", "regionale", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", "--scale", str(args.scale), "--quiet-logins", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed_seconds = time.perf_counter() - started
    if args.history_rows:
        _add_history(args.history_rows)
    _analyze(connection)  # what autovacuum does shortly after a bulk load in production
    return seed_seconds


def _analyze(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _guardian_twin(user):
    """A second account holding one guardian row per object the operator sees (bulk_create: it is setup), so
    get_objects_for_user() answers exactly the set our selectors answer. Checked, not assumed."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection

    from cse.cartella.models import Assistito, AssistitoUserObjectPermission, Cartella, CartellaUserObjectPermission
    from cse.cartella.selectors import assistiti_search

    twin, _ = get_user_model().objects.get_or_create(username="bench.guardian_twin")
    people = set(assistiti_search(user).values_list("pk", flat=True))
    cases = set(Cartella.objects.visible_to(user).values_list("pk", flat=True))
    for model, codename, wanted in (
        (AssistitoUserObjectPermission, "view_assistito", people),
        (CartellaUserObjectPermission, "view_cartella", cases),
    ):
        permission = Permission.objects.get(content_type__app_label="cartella", codename=codename)
        have = set(model.objects.filter(user=twin, permission=permission).values_list("content_object_id", flat=True))
        model.objects.filter(user=twin).exclude(content_object_id__in=wanted).delete()
        model.objects.bulk_create(
            [model(user=twin, permission=permission, content_object_id=pk) for pk in wanted - have], batch_size=5000
        )
    _analyze(connection)
    assert set(_guardian(twin, "view_assistito", Assistito).values_list("pk", flat=True)) == people
    assert set(_guardian(twin, "view_cartella", Cartella).values_list("pk", flat=True)) == cases
    return twin


def _guardian(twin, codename: str, model):
    from guardian.shortcuts import get_objects_for_user

    klass = model.objects.all()
    if model._meta.model_name == "assistito":
        klass = klass.select_related("comune_residenza").filter(unito_a__isnull=True)
    return get_objects_for_user(twin, f"cartella.{codename}", klass=klass, accept_global_perms=False)


def _reads(user, twin, sample) -> list:
    """(label, (product, guardian, floor)): the same read three ways."""
    from cse.cartella.models import Assistito, Cartella
    from cse.cartella.selectors import assistiti_search, person_match

    people = Assistito.objects.select_related("comune_residenza")
    surname, cf = sample.cognome[:4], sample.codice_fiscale

    def page_and_count(qs):
        return lambda: (list(qs()[:25]), qs().count())

    return [
        (
            "elenco assistiti, pagina 1 (25 righe + conteggio)",
            (
                page_and_count(lambda: assistiti_search(user)),
                page_and_count(lambda: _guardian(twin, "view_assistito", Assistito)),
                page_and_count(lambda: people.all()),
            ),
        ),
        (
            "ricerca per cognome (prefisso), 25 righe",
            (
                lambda: list(assistiti_search(user, surname)[:25]),
                lambda: list(_guardian(twin, "view_assistito", Assistito).filter(person_match(surname))[:25]),
                lambda: list(people.filter(person_match(surname))[:25]),
            ),
        ),
        (
            "ricerca per codice fiscale",
            (
                lambda: list(assistiti_search(user, cf)),
                lambda: list(_guardian(twin, "view_assistito", Assistito).filter(codice_fiscale=cf).order_by()),
                lambda: list(people.filter(codice_fiscale=cf).order_by()),
            ),
        ),
        (
            "cartelle visibili, pagina 1 (25 righe)",
            (
                lambda: list(Cartella.objects.visible_to(user)[:25]),
                lambda: list(_guardian(twin, "view_cartella", Cartella)[:25]),
                lambda: list(Cartella.objects.all()[:25]),
            ),
        ),
    ]


def _time(runs: int, user, fn):
    from cse.core.permissions import forget_cached_capabilities

    report = sys.modules["bench_report"]
    timings = []
    for _ in range(runs):
        forget_cached_capabilities(user)  # measure the per-request cost, the identity query included
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return report.Timing.of(timings)


def _pages(runs: int, user, twin, sample, report):
    """Whole pages through the test client (middleware, gate, template). The person list is also served with its
    selector swapped for guardian's and for no filter at all: same view, same template, same rows shown."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import cse.locale.views as locale_views
    from cse.cartella.models import Assistito, Cartella
    from cse.cartella.selectors import person_match

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    case = Cartella.objects.visible_to(user).order_by("pk").first()
    surname = sample.cognome[:4]
    own = locale_views.assistiti_search

    def search_with(base):
        return lambda _user, query="": base().filter(person_match(query)) if query.strip() else base()

    swaps = (
        own,
        search_with(lambda: _guardian(twin, "view_assistito", Assistito)),
        search_with(lambda: Assistito.objects.select_related("comune_residenza")),
    )
    pages = {
        "pagina elenco assistiti (HTML completo)": ("/locale/assistiti/", True),
        "pagina ricerca per cognome (HTML completo)": (f"/locale/assistiti/?q={surname}", True),
        "pagina ricerca per numero di cartella": (f"/locale/assistiti/?q={case.numero}", False),
        "liste di lavoro (HTML completo)": ("/locale/lavoro/", False),
        "pagina della cartella (con registro accessi)": (f"/locale/cartelle/{case.pk}/", False),
    }
    rows, counts = [], {}
    for label, (url, with_baselines) in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            _get_ok(client, url)
        counts[label] = len(ctx.captured_queries)
        timings = []
        for swap in swaps if with_baselines else swaps[:1]:
            locale_views.assistiti_search = swap
            try:
                timings.append(_time(runs, user, lambda url=url: _get_ok(client, url)))
            finally:
                locale_views.assistiti_search = own
        timings += [None] * (3 - len(timings))
        rows.append(report.RatioRow(label, *timings))
    return rows, counts


def _plan(user, sample) -> str:
    from django.db import connection

    from cse.cartella.selectors import assistiti_search

    if connection.vendor != "postgresql":
        return ""
    qs = assistiti_search(user, sample.cognome[:4])[:25]
    with connection.cursor() as cursor:
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(r[0] for r in cursor.fetchall())


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
