#!/usr/bin/env python3
"""The two commands of the README, on a machine that has only Python 3.11.

python3 dev.py demo   # installs into .venv, migrates, seeds demo data, prints logins, serves on :8000
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
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.dev")
    (ROOT / "var").mkdir(exist_ok=True)
    manage("migrate", "--noinput", env=env)
    manage("migrate", "--database", "regionale", "--noinput", env=env)
    manage("seed_demo", env=env)
    port = args[0] if args else "8000"
    simulators = None
    if env.get("CSE_SIMULATORI", "1") != "0":  # ANPR, INPS, PDND and regional simulators (interop/)
        print("» avvio i simulatori dei sistemi esterni (manage.py run_simulators)", flush=True)
        simulators = subprocess.Popen([PY, "manage.py", "run_simulators"], cwd=ROOT, env=env)
    print(f"» CSE demo su http://127.0.0.1:{port}/  (Ctrl+C per fermare)", flush=True)
    try:
        return subprocess.call([PY, "manage.py", "runserver", "--insecure", port], cwd=ROOT, env=env)
    finally:
        if simulators is not None:
            simulators.terminate()
            simulators.wait(timeout=10)


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
