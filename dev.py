#!/usr/bin/env python3
"""The two commands of the README, on a machine that has only Python 3.11.

python3 dev.py demo [ADDR:]PORT  # installs into .venv, migrates, seeds demo data, prints logins, serves (:8000)
python3 dev.py test   # installs into .venv and runs the whole test suite (extra args go to pytest)
python3 dev.py prod   # the production topology on this machine (PostgreSQL, Redis, uvicorn workers, relay,
                      # task workers; scripts/production.py --help); `prod --smoke` runs the smoke test and stops
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".deps-installed"


def ensure_env() -> None:
    """Create .venv and (re)install the project when pyproject.toml changed since the last install."""
    if not PY.exists():
        print("» creo l'ambiente virtuale .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        print("» installo le dipendenze (pip install -e .[dev])", flush=True)
        subprocess.run([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([PY, "-m", "pip", "install", "-q", "-e", ".[dev]"], check=True, cwd=ROOT)
        STAMP.write_text(digest)


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PY, "manage.py", *args], check=True, cwd=ROOT, env=env)


def demo(args: list[str]) -> int:
    """Migrate, seed, collect the static files (hashed, compressed: served by WhiteNoise as in production), start
    the simulators and the server; print the address only once the server really listens on it."""
    host, port = split_addrport(args[0] if args else "8000")
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104 — the address to type, not bind
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.dev")
    env.setdefault("WAGTAILADMIN_BASE_URL", url.rstrip("/"))  # links in the demo's e-mails
    (ROOT / "var").mkdir(exist_ok=True)
    manage("migrate", "--noinput", env=env)
    manage("migrate", "--database", "regionale", "--noinput", env=env)
    manage("seed_demo", "--url", url, env=env)
    print("» preparo i file statici (collectstatic: nomi con hash, copie gzip/brotli)", flush=True)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    simulators = None
    if env.get("CSE_SIMULATORI", "1") != "0":  # ANPR, INPS, PDND, regional systems, SPID/CIE (interop/)
        print("» avvio i simulatori dei sistemi esterni (manage.py run_simulators)", flush=True)
        simulators = subprocess.Popen([PY, "manage.py", "run_simulators"], cwd=ROOT, env=env)
    server = subprocess.Popen([PY, "manage.py", "runserver", "--nostatic", f"{host}:{port}"], cwd=ROOT, env=env)
    try:
        if wait_for_port(shown, int(port), server):
            where = (
                f" (in ascolto su tutte le interfacce, {host}: da altri computer usare il nome di questa macchina,"
                " aggiunto ad ALLOWED_HOSTS)"
                if shown != host
                else ""
            )
            print(f"\n» CSE demo in ascolto su {url}{where} — Ctrl+C per fermare\n", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()
    finally:
        if simulators is not None:
            simulators.terminate()
            simulators.wait(timeout=10)


def split_addrport(value: str) -> tuple[str, str]:
    """runserver's argument: "8000", "0.0.0.0:8000", "[::1]:8000" → (host, port)."""
    if value.isdigit():
        return "127.0.0.1", value
    host, _, port = value.rpartition(":")
    return host.strip("[]") or "127.0.0.1", port


def wait_for_port(host: str, port: int, server: subprocess.Popen, timeout: float = 120) -> bool:
    """True once something accepts connections on host:port; False if the server exited first or never bound."""
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def test(args: list[str]) -> int:
    return subprocess.call([PY, "-m", "pytest", *args], cwd=ROOT)


def prod(args: list[str]) -> int:
    return subprocess.call([PY, "scripts/production.py", *args], cwd=ROOT)


def main() -> int:
    commands = {"demo": demo, "test": test, "prod": prod}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    ensure_env()
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
