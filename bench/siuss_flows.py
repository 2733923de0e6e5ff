#!/usr/bin/env python3
"""Benchmark: SIUSS flows of one ente erogatore with N prestazioni, then /flussi latency under parallel polling.

    .venv/bin/python bench/siuss_flows.py --scale 50000 --parallel 100 --requests 2000 --write

1. seeds N synthetic people, each with a case taken in charge, a valid ISEE and one occasional prestazione with its
   SIUSS data (bulk inserts, not timed);
2. times `flussi_prepare` (pre-flight check, XML build, XSD validation of every flow, history, outbox) and
   `flussi_expose` (monotonic exposure instants);
3. times `--single` GET /flussi calls in process (Django test client: the view and its middleware, no HTTP server,
   no queueing), then starts the project's ASGI server (`uvicorn --workers 2` as scripts/production.py, or one
   daphne process with `--server daphne`) on the bench database and fires `--requests` GET /flussi calls from
   `--parallel` threads, each with its own single-use PDND voucher, at random `since` values, limit=100; prints
   median and p95 latency. With several workers pass `--redis redis://…` so the jti store and the rate-limit
   counters are shared (an SQLite jti table would serialise the writers). Appends a Markdown block to
   docs/benchmarks.md with --write.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8766


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=50_000)
    parser.add_argument("--parallel", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--write", action="store_true")
    parser.add_argument(
        "--poll-only", action="store_true", help="reuse the database of a previous run: measure /flussi only"
    )
    parser.add_argument("--server", choices=("uvicorn", "daphne"), default="uvicorn")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (as scripts/production.py)")
    parser.add_argument(
        "--redis", default="", help="REDIS_URL for the servers (shared jti store and rate-limit counters)"
    )
    parser.add_argument("--single", type=int, default=200, help="in-process GET /flussi calls timed one by one")
    args = parser.parse_args()
    if args.redis:
        os.environ["REDIS_URL"] = args.redis

    load_start = _loadavg()
    bench_dir = ROOT / "var" / "bench-siuss"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if "DATABASE_URL" not in os.environ and not args.poll_only:
        for name in ("cse.sqlite3", "regionale.sqlite3"):
            for suffix in ("", "-wal", "-shm"):
                (bench_dir / f"{name}{suffix}").unlink(missing_ok=True)
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / 'cse.sqlite3'}"
        os.environ["REGIONALE_DATABASE_URL"] = f"sqlite:///{bench_dir / 'regionale.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.dev")
    os.environ["DEBUG"] = "0"
    os.environ["CSE_RELAY_INLINE"] = "0"  # production: the relay is its own worker, not part of this timing
    jwks_file = bench_dir / "jwks.json"
    os.environ["SIUSS_PDND_JWKS_FILE"] = str(jwks_file)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    engine = connection.vendor
    if engine == "postgresql" and not args.poll_only:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("migrate", "--database", "regionale", verbosity=0)

    from cse.siuss.models import EserviceWaas, Flusso
    from cse.siuss.services import flussi_expose, flussi_prepare
    from cse.siuss.voucher import LocalIssuer

    issuer = LocalIssuer(kid="bench")
    jwks_file.write_text(json.dumps(issuer.jwks()))
    if args.poll_only:
        eservice = EserviceWaas.objects.select_related("ente").get(ente__codice="F284")
        ente, result, prepare_s, exposed, expose_s = eservice.ente, None, 0.0, 0, 0.0
    else:
        ente, eservice = _seed(args.scale)
        t = time.perf_counter()
        result = flussi_prepare(ente=ente, today=date(2026, 11, 20))
        prepare_s = time.perf_counter() - t
        t = time.perf_counter()
        exposed = flussi_expose(ente=ente)
        expose_s = time.perf_counter() - t

    instants = list(Flusso.objects.filter(ente=ente).order_by("esposto_ms").values_list("esposto_ms", flat=True))

    single = _single_calls(args.single, issuer, eservice, instants)
    server = subprocess.Popen(  # noqa: S603
        _server_command(args),
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=(bench_dir / "server.log").open("w"),
    )
    try:
        _wait_for_server()
        latencies, statuses = _poll_in_parallel(args, issuer, eservice, instants)
    finally:
        server.terminate()
        server.wait(timeout=10)

    ok = statuses.count(200)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    command = " ".join(
        [*(["DATABASE_URL=postgres://…"] if engine == "postgresql" else []), ".venv/bin/python", *sys.argv]
    )
    server_label = "one daphne process" if args.server == "daphne" else f"uvicorn --workers {args.workers}"
    lines = [
        f"### SIUSS flows — {engine}, {Flusso.objects.filter(ente=ente).count():,} exposed flows of one ente "
        f"({time.strftime('%Y-%m-%d')})",
        "",
        f"Command: `{command}`",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average at start {load_start}, at end {_loadavg()}",
        "",
    ]
    if result is not None:
        lines += [
            f"- `flussi_prepare` (pre-flight, XML, XSD validation, history, outbox): **{prepare_s:.1f} s** for "
            f"{result.checked:,} prestazioni → {len(result.created):,} flows, {result.with_problems} with problems "
            f"({prepare_s / max(result.checked, 1) * 1000:.2f} ms per prestazione)",
            f"- `flussi_expose`: **{expose_s:.1f} s** for {exposed:,} flows (unique instants: "
            f"{len(set(instants)) == len(instants)})",
        ]
    if single:
        lines.append(
            f"- GET /flussi?since=…&limit=100 in process (Django test client, no HTTP server), {len(single)} calls "
            f"one after the other: median **{statistics.median(single):.2f} ms**, "
            f"p95 {sorted(single)[int(len(single) * 0.95) - 1]:.2f} ms"
        )
    lines += [
        f"- GET /flussi?since=…&limit=100, {args.requests} calls from {args.parallel} parallel clients, "
        f"{server_label}, fresh voucher per call: {ok}/{len(statuses)} answered 200 "
        f"(status codes: {dict(Counter(statuses))}), "
        f"median **{statistics.median(latencies):.1f} ms**, p95 **{p95:.1f} ms**",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)


def _seed(n: int):
    """One comune with its e-service and n people, cases, ISEE, prestazioni and SIUSS data (bulk, untimed)."""
    from cse.cartella.fasi import Prestazione, Progetto, VoceNomenclatore
    from cse.cartella.models import Assistito, Cartella
    from cse.cartella.rete import Isee
    from cse.core.models import Comune, Regione
    from cse.core.services import ente_for_comune
    from cse.demo.synthetic import generate_people
    from cse.siuss.models import DatiSiuss, EserviceWaas

    regione, _ = Regione.objects.get_or_create(codice_istat="16", defaults={"nome": "Puglia"})
    comune, _ = Comune.objects.get_or_create(
        codice_istat="072029",
        defaults={"codice_catastale": "F284", "nome": "Molfetta", "sigla_provincia": "BA", "regione": regione},
    )
    ente = ente_for_comune(comune)
    eservice = EserviceWaas.objects.create(
        ente=ente,
        codice_siuss="F284",
        belfiore_sede="F284",
        cf_operatore="RSSMRA80A01F284B",
        audience="https://bench.example.invalid/siuss/waas/F284",
        purpose_ids=["bench-purpose"],
        rate_limit_per_minute=100_000,
    )
    people = []
    for person in generate_people(n, birthplaces=["F284", "A662", "H501"], seed=6):
        a = Assistito(
            owner_ente=ente,
            codice_fiscale=person.codice_fiscale,
            cognome=person.cognome,
            nome=person.nome,
            sesso=person.sesso,
            data_nascita=person.data_nascita,
            luogo_nascita=person.luogo_nascita,
            comune_residenza=comune,
        )
        a.fill_search_keys()
        people.append(a)
    Assistito.objects.bulk_create(people, batch_size=2000)
    people = list(Assistito.objects.filter(owner_ente=ente).order_by("pk"))
    cartelle = Cartella.objects.bulk_create(
        [
            Cartella(
                assistito=a,
                owner_ente=ente,
                numerata_da=ente,
                numero=f"2026/{i:06d}",
                stato="erogazione",
                area="poverta",
            )
            for i, a in enumerate(people, 1)
        ],
        batch_size=2000,
    )
    Progetto.objects.bulk_create([Progetto(cartella=c, obiettivi="bench") for c in cartelle], batch_size=2000)
    Isee.objects.bulk_create(
        [
            Isee(
                assistito=a,
                valore=Decimal("9000"),
                protocollo_dsu=f"INPS-ISEE-2026-{i:08d}A-00",
                data_presentazione=date(2026, 1, 15),
                valida_dal=date(2026, 1, 15),
                valida_al=date(2026, 12, 31),
            )
            for i, a in enumerate(people)
        ],
        batch_size=2000,
    )
    voce = VoceNomenclatore.objects.get(codice="A1.04")
    rng = random.Random(6)
    prestazioni = Prestazione.objects.bulk_create(
        [
            Prestazione(
                cartella=c,
                voce=voce,
                carattere=2,
                data_inizio=date(2026, rng.randint(2, 10), rng.randint(1, 28)),
                quantita=1,
                unita="euro",
                importo=Decimal("300.00"),
                fonte="comunale",
                erogatore="Comune",
                ente_erogatore=ente,
            )
            for c in cartelle
        ],
        batch_size=2000,
    )
    DatiSiuss.objects.bulk_create(
        [
            DatiSiuss(
                prestazione=p,
                protocollo_domanda=f"P-{p.pk}",
                presenza_prova_mezzi="1",
                quota_ente=Decimal("250"),
                quota_utente=Decimal("50"),
            )
            for p in prestazioni
        ],
        batch_size=2000,
    )
    return ente, eservice


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "n/a"


def _server_command(args) -> list[str]:
    if args.server == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(PORT), "cse.asgi:application"]
    return [
        sys.executable, "-m", "uvicorn", "cse.asgi:application", "--host", "127.0.0.1", "--port", str(PORT),
        "--workers", str(args.workers), "--no-access-log",
    ]  # fmt: skip


def _single_calls(n: int, issuer, eservice, instants) -> list[float]:
    """Server time of one call without the HTTP server and without queueing: the view and its middleware."""
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    rng = random.Random(5)
    timings = []
    for _ in range(n):
        token = issuer.issue(audience=eservice.audience, purpose_id="bench-purpose", ttl=600)
        url = f"/siuss/waas/F284/flussi?since={rng.choice(instants)}&limit=100"
        t = time.perf_counter()
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def _wait_for_server() -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/siuss/waas/F284/status", timeout=1)  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("il server di bench non risponde")


def _poll_in_parallel(args, issuer, eservice, instants):
    tokens = [
        issuer.issue(audience=eservice.audience, purpose_id="bench-purpose", ttl=600) for _ in range(args.requests)
    ]
    rng = random.Random(7)
    sinces = [rng.choice(instants) for _ in range(args.requests)]

    def call(i: int):
        request = urllib.request.Request(  # noqa: S310
            f"http://127.0.0.1:{PORT}/siuss/waas/F284/flussi?since={sinces[i]}&limit=100",
            headers={"Authorization": f"Bearer {tokens[i]}"},
        )
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        return (time.perf_counter() - t) * 1000, status

    with ThreadPoolExecutor(max_workers=args.parallel) as pool:
        results = list(pool.map(call, range(args.requests)))
    return [r[0] for r in results], [r[1] for r in results]


if __name__ == "__main__":
    main()
