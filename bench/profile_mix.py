#!/usr/bin/env python3
"""Where the time of each request of the load mix goes: SQL, view code (ORM and Python), template rendering,
middleware and authentication — in one process, through Django's test client, on the load test's database.

    REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/profile_mix.py --db cse_load --n 30 [--write]

Runs with the production settings of scripts/production.py (cse.settings.prod, PostgreSQL, Redis cache and sessions)
on a database seeded by it (`scripts/production.py --db cse_load --scale 100000 --prepare-only`). Each request type of
bench/load/locustfile.py runs --n times; per request the time is split by phase:
- SQL: wall time inside cursor.execute (connection.execute_wrapper on both databases), in whatever phase it runs;
- middleware/auth: the handler's time outside the view (sessions, authentication gate, OTP, CSRF, headers), minus
  its SQL;
- template: django.template.base.Template.render (outermost call), minus the SQL run from inside templates;
- view: the rest of the view (ORM query building, forms, Python), minus its SQL and its templates.
The test client's own work (building the request, reading the answer) is outside all four. With --pyinstrument
each request type is also recorded by pyinstrument (a `bench` extra) into var/bench/profile/<name>.txt.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))
PHASES = ("sql", "middleware", "view", "template")
AREAS = ["ente", "ambito", "area"]


class Meter:
    """Phase accounting of one request: a stack of phases, SQL time attributed to the phase it runs in."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.times = dict.fromkeys((*PHASES, "handler"), 0.0)
        self.sql_in = dict.fromkeys(("middleware", "view", "template"), 0.0)
        self.queries = 0
        self.stack = ["middleware"]
        self.template_depth = 0

    def sql(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.times["sql"] += spent
            self.sql_in[self.stack[-1]] += spent
            self.queries += 1


def instrument(meter: Meter) -> None:
    """Wrap the handler's innermost step (the view) and the outermost template render."""
    from django.core.handlers.base import BaseHandler
    from django.template.base import Template

    inner, render = BaseHandler._get_response, Template.render

    def get_response(self, request):
        meter.stack.append("view")
        started = time.perf_counter()
        try:
            return inner(self, request)
        finally:
            meter.times["view"] += time.perf_counter() - started
            meter.stack.pop()

    def template_render(self, context):
        meter.template_depth += 1
        if meter.template_depth > 1:
            try:
                return render(self, context)
            finally:
                meter.template_depth -= 1
        meter.stack.append("template")
        started = time.perf_counter()
        try:
            return render(self, context)
        finally:
            meter.times["template"] += time.perf_counter() - started
            meter.stack.pop()
            meter.template_depth -= 1

    BaseHandler._get_response = get_response
    Template.render = template_render

    from django.test.client import ClientHandler

    handler_call = ClientHandler.__call__

    def timed_call(self, environ):
        started = time.perf_counter()
        try:
            return handler_call(self, environ)
        finally:
            meter.times["handler"] += time.perf_counter() - started

    ClientHandler.__call__ = timed_call


def split(meter: Meter) -> dict[str, float]:
    """Exclusive milliseconds per phase (templates rendered by middleware, e.g. an error page, count as template)."""
    t, s = meter.times, meter.sql_in
    template_in_view = t["template"]
    return {
        "sql": t["sql"] * 1000,
        "template": (t["template"] - s["template"]) * 1000,
        "view": (t["view"] - template_in_view - s["view"]) * 1000,
        "middleware": (t["handler"] - t["view"] - s["middleware"]) * 1000,
    }


def operator_client(username_regex: str, name: str):
    """A test client logged in as an operator with a verified TOTP device, as after password + code."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.filter(username__regex=username_regex, is_active=True).order_by("username")[0]
    device = TOTPDevice.objects.filter(user=user, name=name).first() or TOTPDevice.objects.create(
        user=user, name=name, confirmed=True
    )
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


SURNAME_PREFIXES = ["ROS", "BIA", "RUS", "FER", "ESP", "COL", "RIC", "MAR", "GRE", "BRU", "DE ", "LO"]  # as locust's


def submission_token(page: str) -> dict:
    """The create form's one-time token (cse/core/submission.py), as bench/load/locustfile.py reads it (importing
    the locustfile would import locust, whose gevent monkey-patching breaks this process)."""
    match = re.search(r'name="submission_token" value="([^"]+)"', page)
    return {"submission_token": match.group(1)} if match else {}


def scenario():
    """(name, callable) of each request type of the mix; each callable issues one request and returns it."""
    import random

    from django.test import Client

    from cse.cittadino.agenda import Sportello

    random.seed(7)
    operator = operator_client(r"^[a-z]+\.(segretariato|assistente_sociale)$", "profilo-mix")
    analyst = operator_client(r"^regione\.analista", "profilo-mix")
    page = operator.get("/locale/assistiti/?q=ROS").content.decode()
    people = [int(pk) for pk in re.findall(r'href="/locale/assistiti/(\d+)/"', page)]
    cases = []
    for pk in people[:10]:
        cases += re.findall(r'href="/locale/cartelle/(\d+)/"', operator.get(f"/locale/assistiti/{pk}/").text)
    if not people or not cases:
        raise SystemExit("nessun assistito o cartella visibile: il database non è stato popolato da seed_demo")
    sportello = Sportello.objects.filter(attivo=True, ente__comune__isnull=False).select_related("ente").first()
    slots_url = f"/cittadino/prenota/?comune={sportello.ente.comune_id}&sportello={sportello.pk}"
    free = re.findall(r'name="slot"[^>]*\svalue="(\d+)"', Client(HTTP_X_FORWARDED_PROTO="https").get(slots_url).text)

    def diary_post():
        pk = random.choice(cases)
        token = submission_token(operator.get(f"/locale/cartelle/{pk}/diario/").text)
        data = {"tipo": "colloquio", "data_evento": time.strftime("%Y-%m-%d"), "testo": "Colloquio.", **token}
        return ("POST", f"/locale/cartelle/{pk}/diario/", data, operator)

    def booking_post():
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        url = f"{slots_url}&slot={free.pop() if free else 0}"
        token = submission_token(client.get(url).text)
        data = {"argomento": "informazioni", "motivo": "Informazioni", "nome": "Profilo", "cognome": "Prova",
                "email": "profilo@example.invalid", **token}  # fmt: skip
        return ("POST", url, data, client)

    def get(client, url_of):
        return lambda: ("GET", url_of(), None, client)

    anon = Client(HTTP_X_FORWARDED_PROTO="https")
    pick = random.choice
    return [
        ("GET /locale/assistiti/?q=[cognome]", get(operator, lambda: f"/locale/assistiti/?q={pick(SURNAME_PREFIXES)}")),
        ("GET /locale/assistiti/[id]/", get(operator, lambda: f"/locale/assistiti/{pick(people)}/")),
        ("GET /locale/cartelle/[id]/", get(operator, lambda: f"/locale/cartelle/{pick(cases)}/")),
        ("GET /locale/lavoro/", get(operator, lambda: "/locale/lavoro/")),
        ("POST /locale/cartelle/[id]/diario/", diary_post),
        ("GET /", get(anon, lambda: "/")),
        ("GET /cittadino/prenota/ (slot)", get(anon, lambda: slots_url)),
        ("POST /cittadino/prenota/", booking_post),
        ("GET /regionale/?anno&righe", get(analyst, lambda: f"/regionale/?anno=2026&righe={pick(AREAS)}")),
        ("GET /regionale/sioss/", get(analyst, lambda: "/regionale/sioss/")),
    ]  # fmt: skip


def measure(n: int, profile_dir: Path | None) -> list[dict]:
    from django.db import connections

    meter = Meter()
    instrument(meter)
    rows = []
    for name, make in scenario():
        make_request = make
        samples: list[dict] = []
        statuses: dict[int, int] = defaultdict(int)
        profiler = None
        if profile_dir is not None:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
        for i in range(n + 1):  # the first request warms caches and is not counted
            method, url, data, client = make_request()
            meter.reset()
            if profiler is not None and i:
                profiler.start()
            with ExitStack() as stack:
                for alias in connections:
                    stack.enter_context(connections[alias].execute_wrapper(meter.sql))
                wall, cpu = time.perf_counter(), time.process_time()
                answer = client.post(url, data) if method == "POST" else client.get(url)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if profiler is not None and i:
                profiler.stop()
            if i:
                statuses[answer.status_code] += 1
                samples.append({"wall": wall * 1000, "cpu": cpu * 1000, "queries": meter.queries, **split(meter)})
        if profiler is not None:
            profile_dir.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            (profile_dir / f"{slug}.txt").write_text(profiler.output_text(unicode=True, color=False))
        rows.append(
            {
                "name": name,
                "n": len(samples),
                "statuses": dict(statuses),
                "wall_median": statistics.median(s["wall"] for s in samples),
                **{k: statistics.mean(s[k] for s in samples) for k in ("wall", "cpu", "queries", *PHASES)},
            }
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="cse_load")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--label", default="")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from production import environment  # scripts/production.py: the topology's own settings

    os.environ.update(environment(argparse.Namespace(db=args.db, port=8543, workers=1)))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["CSE_BOOKING_RATE_LIMIT"] = "1000000"
    import django

    django.setup()
    from django.conf import settings

    profile_dir = ROOT / "var" / "bench" / "profile" if args.pyinstrument else None
    rows = measure(args.n, profile_dir)
    report(args, rows, settings)


def report(args: argparse.Namespace, rows: list[dict], settings) -> None:
    from report import publish  # bench/report.py

    lines = [
        f"### profile of the load mix — where each request's time goes{args.label} ({time.strftime('%Y-%m-%d')})",
        "",
        f"Command: `REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/profile_mix.py --db {args.db} "
        f"--n {args.n}`",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}, load average at the end {os.getloadavg()[0]:.1f}. One process, Django's test "
        f"client, production settings (sessions: `{settings.SESSION_ENGINE.rsplit('.', 1)[-1]}`), database seeded "
        "with `seed_demo --scale 100000`. Milliseconds per request, means over the runs (the phases add up to the "
        "handler's time; the rest of the wall time is the test client's own work).",
        "",
        "| request | n | wall ms (median) | wall ms (mean) | CPU ms | queries | SQL ms | view (ORM, Python) ms "
        "| template ms | middleware/auth ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *(
            f"| `{r['name']}` | {r['n']} | {r['wall_median']:.1f} | {r['wall']:.1f} | {r['cpu']:.1f} | "
            f"{r['queries']:.1f} | {r['sql']:.1f} | {r['view']:.1f} | {r['template']:.1f} | {r['middleware']:.1f} |"
            for r in rows
        ),
        "",
    ]
    publish(lines, args.write)


if __name__ == "__main__":
    main()
