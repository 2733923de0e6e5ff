#!/usr/bin/env python3
"""Load test of the production topology: sustained requests/s and latency percentiles by number of ASGI workers.

    .venv/bin/python bench/load_test.py --scale 100000 --workers 1 2 4 --users 40 --duration 60 --write

For each worker count: starts `scripts/production.py` on its own database (`cse_load`, seeded once with `--scale`
synthetic people), prepares one TOTP device per simulated operator and analyst (var/bench/load-users.json,
made fresh each run), runs locust headless with the mix of bench/load/locustfile.py, reads locust's CSV and
stops the topology. Figures go to stdout and, with --write, to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))
PY = sys.executable
PORT = 8543
USERS_FILE = ROOT / "var" / "bench" / "load-users.json"  # TOTP keys: never in the repository
DEMO_PASSWORD = "Demo-CSE-2026!"  # noqa: S105 - the synthetic accounts' password printed by seed_demo


def own_account(template, username: str):
    """A staff account of its own for each simulated user, with the template's incarichi (same comune, same role):
    django-otp tries every device of an account and throttles the ones that fail, so simulated users sharing an
    account locked each other out — a harness artefact, not the product's behaviour (one device per operator)."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from cse.core.services import incarico_assign, operatore_create
    from cse.demo.synthetic import codice_fiscale_for

    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing
    n = int(username[-3:])
    incarichi = list(template.operatore.incarichi.filter(attivo=True).select_related("ente"))
    born = date(1970, 1 + n // 28 % 12, 1 + n % 28)
    nome = username.split(".")[1][:2].upper() + "Simulato"  # "op"/"an": operators and analysts differ
    operatore = operatore_create(
        username=username, password=DEMO_PASSWORD, first_name="Carico", last_name=f"Operatore {n}",
        email=f"{username}@example.invalid", ente=incarichi[0].ente, ruolo=incarichi[0].ruolo,
        codice_fiscale=codice_fiscale_for("Carico", nome, "M", born, "F284"),
    )  # fmt: skip
    for incarico in incarichi[1:]:
        incarico_assign(operatore=operatore, ente=incarico.ente, ruolo=incarico.ruolo)
    return operatore.user


def prepare_accounts(env: dict[str, str], operators: int, analysts: int) -> None:
    """One TOTP device per simulated user (a code is accepted once per device and time step)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cse.cittadino.agenda import Sportello

    users = get_user_model().objects
    front = list(users.filter(username__regex=r"^[a-z]+\.(segretariato|assistente_sociale)$").order_by("username"))
    regional = list(users.filter(username__startswith="regione.analista").order_by("username"))
    if not front or not regional:
        raise SystemExit("operatori sintetici non trovati: il database non è stato popolato da seed_demo")
    TOTPDevice.objects.filter(name__startswith="carico-").delete()

    def devices(accounts, count, prefix):
        made = []
        for n in range(count):
            user = own_account(accounts[n % len(accounts)], f"carico.{prefix}{n:03d}")
            key = secrets.token_hex(20)
            TOTPDevice.objects.create(user=user, name=f"carico-{prefix}-{n}", key=key, confirmed=True)
            made.append({"username": user.username, "key": key})
        return made

    sportelli = [
        {"id": s.pk, "comune": s.ente.comune_id} for s in Sportello.objects.filter(attivo=True).select_related("ente")
    ]
    USERS_FILE.parent.mkdir(parents=True, exist_ok=True)
    USERS_FILE.write_text(
        json.dumps(
            {
                "password": DEMO_PASSWORD,
                "operators": devices(front, operators, "op"),
                "analysts": devices(regional, analysts, "an"),
                "sportelli": [s for s in sportelli if s["comune"]],
            }
        )
    )
    USERS_FILE.chmod(0o600)


def wait_ready(process: subprocess.Popen, timeout: float = 900) -> None:
    import ssl
    import urllib.request

    context = ssl._create_unverified_context()  # noqa: S323 - the topology's self-signed certificate
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("la topologia si è fermata: vedere var/prod/logs/")
        try:
            with urllib.request.urlopen(f"https://127.0.0.1:{PORT}/salute/", context=context, timeout=5) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(2)
    raise SystemExit("la topologia non risponde")


def run_locust(workers: int, users: int, duration: int) -> dict:
    prefix = ROOT / "var" / "bench" / f"load-{workers}"
    prefix.parent.mkdir(parents=True, exist_ok=True)
    command = [
        PY, "-m", "locust", "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
        "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{duration}s", "--csv", str(prefix),
        "--host", f"https://127.0.0.1:{PORT}", "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, check=False)
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "workers": workers,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "rows": [r for r in rows if r["Name"] != "Aggregated"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from production import environment  # scripts/production.py: the same settings the topology runs with

    results = []
    for workers in args.workers:
        topology = subprocess.Popen(
            [PY, "scripts/production.py", "--db", "cse_load", "--port", str(PORT), "--scale", str(args.scale),
             "--workers", str(workers)],
            cwd=ROOT,
            env={**os.environ, "CSE_BOOKING_RATE_LIMIT": "1000000"},
        )  # fmt: skip
        try:
            wait_ready(topology)
            if not results:
                env = environment(argparse.Namespace(db="cse_load", port=PORT, workers=workers))
                prepare_accounts(env, operators=args.users, analysts=max(2, args.users // 10))
            results.append(run_locust(workers, args.users, args.duration))
            print(results[-1] | {"rows": len(results[-1]["rows"])}, flush=True)
        finally:
            topology.terminate()
            topology.wait(timeout=60)
    report(args, results)


def report(args: argparse.Namespace, results: list[dict]) -> None:
    from report import publish  # bench/report.py

    load = os.getloadavg()[0]
    lines = [
        f"### load test — production topology, {args.scale:,} assistiti ({time.strftime('%Y-%m-%d')})",
        "",
        f"Command: `.venv/bin/python bench/load_test.py --scale {args.scale} --workers "
        f"{' '.join(map(str, args.workers))} --users {args.users} --duration {args.duration}`",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (locust runs on the same cores), load average at the "
        f"end {load:.1f}. Mix: operators 6 (search, person, case, worklists, diary notes), citizens 3 (portal, free "
        f"slots, booking), analysts 1 (regional tables, SIOSS); {args.users} users, {args.duration} s each.",
        "",
        "| uvicorn workers | requests | errors | requests/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r['workers']} | {r['requests']:,} | {r['failures']} | {r['rps']:.1f} | {r['p50']:.0f} | "
            f"{r['p95']:.0f} | {r['p99']:.0f} |"
            for r in results
        ),
        "",
    ]
    if results:
        lines += ["Per request type (last run):", "", "| request | count | p50 ms | p95 ms | p99 ms |"]
        lines.append("|---|---|---|---|---|")
        lines += [
            f"| `{r['Type']} {r['Name']}` | {r['Request Count']} | {r['50%']} | {r['95%']} | {r['99%']} |"
            for r in results[-1]["rows"]
        ]
        lines.append("")
    publish(lines, args.write)


if __name__ == "__main__":
    main()
