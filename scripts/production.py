"""The production topology on this machine: `python3 dev.py prod` (see README, docs/deployment.md).

Starts, with `cse.settings.prod` (DEBUG off, second factor on, secure cookies, HSTS, WhiteNoise static files):
- PostgreSQL (main + regional database) and Redis, started if they do not answer;
- the ASGI app under uvicorn with N worker processes over HTTPS (a self-signed certificate made once in var/prod/);
- the outbox relay workers (`relay_outbox --loop`), the task-queue workers (`db_worker`) and the protocol queue
  worker (`registra_protocollo --loop`), the notification worker (`invia_notifiche --loop`) and the pagoPA worker of
  the compartecipazione (`compartecipazione_pagopa --loop`).
The first run migrates both databases, collects static files and seeds synthetic data (`--scale`); later runs
keep the data. Secrets (Django key, pseudonymisation key) are generated once into var/prod/secrets.json (mode 600).

`--smoke` runs the end-to-end smoke test (tests/smoke/) against the running topology and stops it: CI does this.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "prod"
PY = sys.executable


def _secrets() -> dict[str, str]:
    path = VAR / "secrets.json"
    if not path.exists():
        VAR.mkdir(parents=True, exist_ok=True)
        values = {"SECRET_KEY": secrets.token_urlsafe(50), "CSE_PSEUDONYM_KEY": secrets.token_urlsafe(48)}
        path.write_text(json.dumps(values))
        path.chmod(0o600)
    return json.loads(path.read_text())


def _certificate() -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost (a real deployment terminates TLS at its proxy)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cert_path, key_path = VAR / "tls-cert.pem", VAR / "tls-key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cse-locale")])
    now = dt.datetime.now(dt.UTC)
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(san, critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(_secrets())
    env.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{args.db}")
    env.setdefault("REGIONALE_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{args.db}_regionale")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
    env.update(
        DJANGO_SETTINGS_MODULE="cse.settings.prod",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",  # a mail server would be SMTP
        EMAIL_FILE_PATH=str(VAR / "mail"),
        MEDIA_ROOT=str(VAR / "media"),
        WAGTAILADMIN_BASE_URL=f"https://127.0.0.1:{args.port}",
        WEB_CONCURRENCY=str(args.workers),  # what the settings' start-up check compares with REDIS_URL
        PYTHONUNBUFFERED="1",
    )
    return env


def ensure_services(env: dict[str, str], fresh: bool = False) -> None:
    subprocess.run(["bash", str(ROOT / "scripts" / "services.sh")], check=True)
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        for url in (env["DATABASE_URL"], env["REGIONALE_DATABASE_URL"]):
            name = url.rsplit("/", 1)[1]
            if fresh:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str], scale: int) -> None:
    """Migrate, collect static files, seed synthetic data the first time (data of earlier runs is kept)."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "migrate", "--database", "regionale", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    (VAR / "mail").mkdir(parents=True, exist_ok=True)
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        people = conn.execute("SELECT count(*) FROM cartella_assistito").fetchone()[0]
    if people == 0:
        # The generator lives in the demo app, which production refuses to run: seed with demo settings on the
        # production databases (only synthetic people; demo passwords, but the second factor is still required).
        seed_env = dict(env, DJANGO_SETTINGS_MODULE="cse.settings.dev", DEBUG="0", CSE_RELAY_INLINE="0")
        print(f"» dati sintetici: seed_demo --scale {scale}", flush=True)
        manage(seed_env, "seed_demo", "--scale", str(scale), "--quiet-logins")
    manage(env, "genera_slot")


class Topology:
    """The processes of the topology, restarted when one exits (what systemd's Restart=always does in production):
    a database or Redis restart may stop a worker, it must not stop the service."""

    def __init__(self, commands: dict[str, list[str]], env: dict[str, str]):
        self.commands, self.env, self.processes = commands, env, {}
        self.logs = VAR / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.restarts = 0
        self._stopping = threading.Event()
        for name in commands:
            self._spawn(name)
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _spawn(self, name: str) -> None:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        self.processes[name] = subprocess.Popen(
            self.commands[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        print(f"» avviato {name} (pid {self.processes[name].pid}), log in {self.logs / f'{name}.log'}", flush=True)

    def _watch(self) -> None:
        while not self._stopping.wait(1):
            for name, process in list(self.processes.items()):
                if process.poll() is not None and not self._stopping.is_set():
                    print(f"» {name} terminato (codice {process.returncode}): lo riavvio", flush=True)
                    self.restarts += 1
                    time.sleep(1)
                    self._spawn(name)

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.processes.values())

    def stop(self) -> None:
        self._stopping.set()
        for p in self.processes.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.processes.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def start(env: dict[str, str], args: argparse.Namespace) -> Topology:
    cert, key = _certificate()
    commands = {
        "web": [
            PY, "-m", "uvicorn", "cse.asgi:application", "--host", "127.0.0.1", "--port", str(args.port),
            "--workers", str(args.workers), "--ssl-certfile", str(cert), "--ssl-keyfile", str(key),
            "--proxy-headers", "--no-access-log", "--timeout-graceful-shutdown", "10",
            # longer than a client's pause between pages (uvicorn's 5 s default raced with reused connections)
            "--timeout-keep-alive", "30",
        ],
        **{f"relay-{n}": [PY, "manage.py", "relay_outbox", "--loop"] for n in range(1, args.relays + 1)},
        "protocollo": [PY, "manage.py", "registra_protocollo", "--loop"],  # the protocol queue (skip-locked rows)
        "notifiche": [PY, "manage.py", "invia_notifiche", "--loop"],  # provvedimenti → App IO / e-mail (skip-locked)
        # the pagoPA notices of the compartecipazione (skip-locked rows) and the reconciliation of their receipts
        "pagopa": [PY, "manage.py", "compartecipazione_pagopa", "--loop"],
        **{
            f"tasks-{n}": [PY, "manage.py", "db_worker", "--worker-id", f"tasks-{n}", "--interval", "0.5"]
            for n in range(1, args.task_workers + 1)
        },
    }  # fmt: skip
    return Topology(commands, env)


def wait_ready(port: int, timeout: float = 90) -> None:
    context = ssl._create_unverified_context()  # noqa: S323 - our own self-signed certificate, on loopback
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"https://127.0.0.1:{port}/salute/", context=context, timeout=5) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"la topologia non risponde su https://127.0.0.1:{port}/salute/ entro {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--workers", type=int, default=2, help="processi uvicorn (ASGI)")
    parser.add_argument("--relays", type=int, default=1, help="processi relay dell'outbox")
    parser.add_argument("--task-workers", type=int, default=1, help="processi della coda dei task")
    parser.add_argument("--scale", type=int, default=2000, help="assistiti sintetici al primo avvio")
    parser.add_argument("--db", default="cse_prod", help="nome del database principale (il regionale: NOME_regionale)")
    parser.add_argument("--smoke", action="store_true", help="esegue lo smoke test e ferma tutto")
    parser.add_argument("--fresh", action="store_true", help="ricrea i database da zero (CI)")
    parser.add_argument("--prepare-only", action="store_true", help="migra e popola i database, senza avviare")
    args, pytest_args = parser.parse_known_args()
    # SIGTERM (systemd, the load test, a supervisor) stops the topology like Ctrl-C: the `finally` below stops the
    # children, which would otherwise outlive this process and keep their database connections.
    signal.signal(signal.SIGTERM, _interrupt)
    env = environment(args)
    ensure_services(env, fresh=args.fresh)
    prepare(env, args.scale)
    if args.prepare_only:
        return 0
    topology = start(env, args)
    try:
        wait_ready(args.port)
        print(f"» CSE in produzione su https://127.0.0.1:{args.port}/ (certificato autofirmato)", flush=True)
        if args.smoke:
            # The smoke test reads the production databases (pytest-django's test settings, no test database).
            smoke_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
            smoke_env["CSE_SMOKE_URL"] = f"https://127.0.0.1:{args.port}"
            command = [PY, "-m", "pytest", "tests/smoke", "-p", "no:xdist", *pytest_args]
            return subprocess.call(command, cwd=ROOT, env=smoke_env)
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        topology.stop()


if __name__ == "__main__":
    sys.exit(main())
