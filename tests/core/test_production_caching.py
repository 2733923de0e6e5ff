"""Production keeps compiled templates per process (cached loader, spelled out) and reads sessions from Redis
while writing them through to the database (a Redis restart logs nobody out)."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.template import engines
engine = engines["django"].engine
engine.get_template("cittadino/prenota.html")  # an app template is still found
loader = engine.template_loaders[0]
print(json.dumps({
    "loader": type(loader).__module__ + "." + type(loader).__name__,
    "inner": [type(inner).__module__ for inner in loader.loaders],
    "cached": len(loader.get_template_cache),
    "sessions": settings.SESSION_ENGINE,
}))
"""


def _production(extra: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"CSE_DEMO", "DEBUG", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="cse.settings.prod",
        SECRET_KEY="s" * 50,
        CSE_PSEUDONYM_KEY="p" * 40,
        WAGTAILADMIN_BASE_URL="https://cse.example.it",
        **extra,
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed probe
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2]
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_caches_compiled_templates_and_keeps_sessions_in_the_database():
    with_redis = _production({"REDIS_URL": "redis://127.0.0.1:6379/15"})
    assert with_redis["loader"] == "django.template.loaders.cached.Loader"
    assert with_redis["inner"] == ["django.template.loaders.filesystem", "django.template.loaders.app_directories"]
    assert with_redis["cached"] >= 1
    # a revoked session (row deleted) must end at once, also for open websockets: no cached copy, even with Redis
    assert with_redis["sessions"] == "django.contrib.sessions.backends.db"
    assert _production({})["sessions"] == "django.contrib.sessions.backends.db"
