#!/usr/bin/env python3
"""Fault drills on the production topology: restarts under load, and backup → restore → verify.

    .venv/bin/python bench/fault_drill.py restart [--write]   # PostgreSQL and Redis restarted while operators write
    .venv/bin/python bench/fault_drill.py backup  [--write]   # pg_dump both databases, restore into fresh ones,
                                                              # compare row counts, verify the access-log chain

`restart` starts the topology (`scripts/production.py --db cse_drill`), logs in four operators (password + TOTP) who
each add diary notes in a loop, restarts PostgreSQL, then Redis, and measures: the time until the readiness probe and
the first write succeed again with no manual action, and afterwards that every write the app acknowledged (302) is
in the database and every outbox event reached the regional database exactly once. Requests that failed during the
outage are counted, not hidden. It restarts the machine's PostgreSQL and Redis: never run it next to other work.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))
PY = sys.executable
PORT = 8643
URL = f"https://127.0.0.1:{PORT}"
DB = "cse_drill"


def _env() -> dict[str, str]:
    from production import environment

    return environment(argparse.Namespace(db=DB, port=PORT))


def _django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def probe() -> dict | None:
    try:
        answer = httpx.get(f"{URL}/salute/", verify=False, timeout=3)  # noqa: S501 - own self-signed certificate
        return answer.json()
    except (httpx.HTTPError, ValueError):
        return None


def restart_postgres() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)


def restart_redis() -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], check=False)
    time.sleep(2)
    subprocess.run(["bash", str(ROOT / "scripts" / "services.sh")], check=True)


class Writer(threading.Thread):
    """One operator adding diary notes to their cases as fast as the app answers."""

    def __init__(self, username: str, key: str, cartelle: list[int], marker: str):
        super().__init__(daemon=True)
        self.username, self.key, self.cartelle, self.marker = username, key, cartelle, marker
        self.acked: list[str] = []
        self.failed = 0
        self.stop = threading.Event()
        self.last_ok = 0.0
        self.http: httpx.Client | None = None

    def client(self) -> httpx.Client:
        from django_otp.oath import TOTP

        client = httpx.Client(base_url=URL, verify=False, timeout=10, headers={"Referer": f"{URL}/"})  # noqa: S501
        client.get("/operatore/accesso/")
        token = client.cookies["csrftoken"]
        client.post("/operatore/accesso/", data={"csrfmiddlewaretoken": token, "username": self.username,
                                                 "password": "Demo-CSE-2026!"})  # fmt: skip
        code = f"{TOTP(bytes.fromhex(self.key)).token():06d}"
        token = client.cookies["csrftoken"]  # logging in rotates the CSRF token
        answer = client.post("/operatore/accesso/secondo-fattore/", data={"csrfmiddlewaretoken": token, "token": code})
        if answer.status_code != 302 or "/accesso/" in answer.headers.get("location", ""):
            raise SystemExit(f"{self.username}: accesso con secondo fattore non riuscito")
        return client

    def run(self) -> None:
        client = self.http  # logged in by the drill before the threads start: a failed login stops the drill
        n = 0
        while not self.stop.is_set():
            n += 1
            text = f"{self.marker}-{self.username}-{n}"
            pk = self.cartelle[n % len(self.cartelle)]
            try:
                page = client.get(f"/locale/cartelle/{pk}/diario/")  # the form's one-time token, as a browser
                token = re.search(r'name="submission_token" value="([^"]+)"', page.text)
                answer = client.post(
                    f"/locale/cartelle/{pk}/diario/",
                    data={"csrfmiddlewaretoken": client.cookies.get("csrftoken", ""), "tipo": "colloquio",
                          "data_evento": time.strftime("%Y-%m-%d"), "testo": text,
                          "submission_token": token.group(1) if token else ""},
                )  # fmt: skip
            except httpx.HTTPError:
                self.failed += 1
                time.sleep(0.2)
                continue
            # acknowledged = sent back to the diary; a redirect to a login page is a refusal, not a write
            if answer.status_code == 302 and "/accesso/" not in answer.headers.get("location", ""):
                self.acked.append(text)
                self.last_ok = time.monotonic()
            else:
                self.failed += 1
                time.sleep(0.2)


def drill_restart(args: argparse.Namespace) -> list[str]:
    env = _env()
    topology = subprocess.Popen([PY, "scripts/production.py", "--db", DB, "--port", str(PORT), "--scale", "300"],
                                cwd=ROOT)  # fmt: skip
    try:
        deadline = time.monotonic() + 900
        while probe() is None and time.monotonic() < deadline:
            time.sleep(2)
        _django(env)
        from django.contrib.auth import get_user_model
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from cse.cartella.fasi import VoceDiario
        from cse.cartella.models import Cartella
        from cse.core.models import OutboxEvent
        from cse.regionale.models import EventoRegionale

        marker = f"drill-{uuid.uuid4().hex[:8]}"
        writers = []
        for username in ("molfetta.assistente_sociale", "giovinazzo.assistente_sociale",
                         "molfetta.responsabile", "giovinazzo.responsabile"):  # fmt: skip
            user = get_user_model().objects.get(username=username)
            key = secrets.token_hex(20)
            TOTPDevice.objects.create(user=user, name=f"{marker}-{username}", key=key, confirmed=True)
            cartelle = list(
                Cartella.objects.filter(owner_ente__incarichi__operatore__user=user)
                .exclude(stato="chiusa")
                .values_list("pk", flat=True)[:10]
            )
            writers.append(Writer(username, key, cartelle, marker))
        first_event = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for w in writers:
            w.http = w.client()
        for w in writers:
            w.start()
        time.sleep(10)
        figures = {}
        for label, restart, component in (
            ("PostgreSQL", restart_postgres, "database"),
            ("Redis", restart_redis, "channel_layer"),
        ):
            started = time.monotonic()
            restart()
            while (probe() or {}).get("componenti", {}).get(component) != "ok":
                time.sleep(0.2)
            ready = time.monotonic() - started
            while min(w.last_ok for w in writers) < started:
                time.sleep(0.2)
            figures[label] = (ready, time.monotonic() - started)
            time.sleep(10)
        for w in writers:
            w.stop.set()
        for w in writers:
            w.join(timeout=30)
        from django.db import connections

        connections.close_all()
        acked = {t for w in writers for t in w.acked}
        stored = set(VoceDiario.objects.filter(testo__startswith=marker).values_list("testo", flat=True))
        new_events = OutboxEvent.objects.filter(pk__gt=first_event)
        deadline = time.monotonic() + 120
        while new_events.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(1)
        event_ids = [str(e) for e in new_events.values_list("event_id", flat=True)]
        regional = EventoRegionale.objects.filter(event_id__in=event_ids).count()
    finally:
        topology.terminate()
        topology.wait(timeout=60)
    lost = acked - stored
    return [
        f"### fault drill: PostgreSQL and Redis restarted under load ({time.strftime('%Y-%m-%d')})",
        "",
        "Command: `.venv/bin/python bench/fault_drill.py restart`",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores. Topology: 2 uvicorn workers, 1 relay, 1 task worker "
        "(`scripts/production.py`); 4 operators adding diary notes in a loop.",
        "",
        "| restarted | probe ready again after | first acknowledged write after |",
        "|---|---|---|",
        *(f"| {k} | {v[0]:.1f} s | {v[1]:.1f} s |" for k, v in figures.items()),
        "",
        f"- writes acknowledged (302): **{len(acked):,}**; found in the database: {len(acked & stored):,}; "
        f"**lost: {len(lost)}**; committed but not acknowledged (answer lost in the outage): {len(stored - acked)}",
        f"- requests that failed during the outages (error or refused): {sum(w.failed for w in writers)}",
        f"- outbox events of the drill: {len(event_ids):,}; still unsent after 120 s: "
        f"{new_events.filter(sent_at__isnull=True).count()}; in the regional database: {regional:,} "
        f"(duplicates are impossible: event_id is unique there)",
        "",
    ]


def _counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]  # fmt: skip
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def drill_backup(args: argparse.Namespace) -> list[str]:
    env = _env()
    subprocess.run([PY, "scripts/production.py", "--db", DB, "--prepare-only", "--scale", "300"], cwd=ROOT, check=True)
    dump_dir = ROOT / "var" / "bench" / "backup"
    dump_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    verify = None
    for key in ("DATABASE_URL", "REGIONALE_DATABASE_URL"):
        source = env[key]
        name = source.rsplit("/", 1)[1]
        target = f"{name}_ripristino"
        dump = dump_dir / f"{name}.dump"
        started = time.monotonic()
        subprocess.run(["pg_dump", "-Fc", "-h", "127.0.0.1", "-U", "postgres", "-f", str(dump), name], check=True)
        dumped = time.monotonic() - started
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", target], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", target], check=True)
        started = time.monotonic()
        subprocess.run(["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "-d", target, "--no-owner", "-j", "2",
                        str(dump)], check=True)  # fmt: skip
        restored = time.monotonic() - started
        before, after = _counts(source), _counts(source.rsplit("/", 1)[0] + f"/{target}")
        differ = [t for t in before if before[t] != after.get(t)]
        rows.append((name, dump.stat().st_size, dumped, restored, len(before), sum(before.values()), differ))
        if key == "DATABASE_URL":
            verify_env = dict(env, DATABASE_URL=source.rsplit("/", 1)[0] + f"/{target}")
            started = time.monotonic()
            check = subprocess.run([PY, "manage.py", "verify_audit"], cwd=ROOT, env=verify_env,
                                   capture_output=True, text=True)  # fmt: skip
            verify = (check.returncode, check.stdout.strip().splitlines()[-1:], time.monotonic() - started)
    return [
        f"### backup and restore drill ({time.strftime('%Y-%m-%d')})",
        "",
        f"Command: `.venv/bin/python bench/fault_drill.py backup --db {DB}` (pg_dump -Fc, pg_restore -j 2 into fresh "
        "databases)",
        "",
        "| database | dump size | pg_dump | pg_restore | tables | rows | tables whose count differs |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {n} | {size / 1e6:.1f} MB | {d:.1f} s | {r:.1f} s | {t} | {rows_:,} | {len(diff)} {diff[:5]} |"
            for n, size, d, r, t, rows_, diff in rows
        ),
        "",
        f"- `manage.py verify_audit` on the restored main database: exit {verify[0]} ({' '.join(verify[1])}), "
        f"{verify[2]:.1f} s",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("drill", choices=["restart", "backup"])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--db", default=DB, help="database of the topology (created and seeded if missing)")
    args = parser.parse_args()
    globals()["DB"] = args.db
    from report import publish  # bench/report.py

    publish(drill_restart(args) if args.drill == "restart" else drill_backup(args), args.write)


if __name__ == "__main__":
    main()
