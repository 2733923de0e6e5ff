import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cse.core.models import Comune
from cse.regionale.models import EventoRegionale
from cse.routers import RegionaleRouter
from cse.settings.base import INSECURE_PSEUDONYM_KEY, INSECURE_SECRET_KEY
from cse.settings.checks import check_production_settings

GOOD = {
    "SECRET_KEY": "k" * 50,
    "CSE_PSEUDONYM_KEY": "p" * 40,
    "CSE_DEMO": False,
    "DEBUG": False,
    "WAGTAILADMIN_BASE_URL": "https://cse.example.it",
}


def check(**overrides):
    check_production_settings({**GOOD, **overrides})


def start_production(env: dict[str, str]) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "CSE_PSEUDONYM_KEY", "CSE_DEMO", "DEBUG", "WAGTAILADMIN_BASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "cse.settings.prod", **env},
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_the_production_settings_module_refuses_default_keys_and_accepts_real_ones():
    refused = start_production({})
    assert refused.returncode != 0 and "SECRET_KEY mancante o di default" in refused.stderr
    accepted = start_production(
        {"SECRET_KEY": "s" * 50, "CSE_PSEUDONYM_KEY": "p" * 40, "WAGTAILADMIN_BASE_URL": "https://cse.example.it"}
    )
    assert accepted.returncode == 0, accepted.stderr


def test_production_accepts_real_keys():
    check()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": INSECURE_SECRET_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"CSE_PSEUDONYM_KEY": INSECURE_PSEUDONYM_KEY}, "CSE_PSEUDONYM_KEY"),
        ({"CSE_DEMO": True}, "CSE_DEMO"),
        ({"DEBUG": True}, "DEBUG"),
    ],
)
def test_production_refuses_to_start_with_demo_defaults(overrides, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        check(**overrides)


def test_the_regional_tier_lives_on_its_own_alias():
    router = RegionaleRouter()
    assert router.db_for_write(EventoRegionale) == "regionale"
    assert router.db_for_read(Comune) == "default"
    assert router.allow_migrate("regionale", "regionale") is True
    assert router.allow_migrate("default", "regionale") is False
    assert router.allow_migrate("regionale", "cartella") is False


@pytest.mark.django_db(databases=["default", "regionale"])
def test_regional_rows_are_written_to_the_regional_database():
    import uuid

    EventoRegionale.objects.create(
        event_id=uuid.uuid4(),
        event_type="prova",
        schema_version=1,
        case_key="k",
        sequence=1,
        payload={},
        ente="F284",
        soggetto="s",
        evento_del="2026-01-01",
    )
    assert EventoRegionale.objects.using("regionale").count() == 1
    from django.db import connections

    tables = connections["default"].introspection.table_names()
    assert "regionale_eventoregionale" not in tables
