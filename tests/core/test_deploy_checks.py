"""Production refuses unsafe configurations at start-up, and `manage.py check --deploy` reports them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cse.core.checks import unsafe_configuration_check
from cse.settings.checks import check_production_settings, unsafe_configuration_problems

ROOT = Path(__file__).resolve().parents[2]
SAFE = {
    "CSE_WEB_WORKERS": 4,
    "REDIS_URL": "redis://redis:6379/0",
    "WAGTAILADMIN_BASE_URL": "https://cse.example.it",
    "CSE_BOOKING_RECEIPT_DAYS": 30,
    "CSE_SPID_MIN_LEVEL": 2,
}


def test_a_safe_configuration_has_no_problem():
    assert unsafe_configuration_problems(SAFE) == []


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"REDIS_URL": ""}, "WEB_CONCURRENCY=4 processi senza REDIS_URL"),
        ({"WAGTAILADMIN_BASE_URL": ""}, "WAGTAILADMIN_BASE_URL deve essere"),
        ({"WAGTAILADMIN_BASE_URL": "http://cse.example.it"}, "https://"),
        ({"CSE_BOOKING_RECEIPT_DAYS": 0}, "CSE_BOOKING_RECEIPT_DAYS"),
        ({"CSE_SPID_MIN_LEVEL": 1}, "CSE_SPID_MIN_LEVEL deve essere 2 o 3"),
    ],
)
def test_each_unsafe_setting_is_named_in_italian(overrides, message):
    problems = unsafe_configuration_problems({**SAFE, **overrides})
    assert len(problems) == 1 and message in problems[0]


def test_one_worker_without_redis_is_fine():
    assert unsafe_configuration_problems({**SAFE, "CSE_WEB_WORKERS": 1, "REDIS_URL": ""}) == []


def test_production_start_fails_on_an_unsafe_configuration():
    from cse.settings.base import INSECURE_PSEUDONYM_KEY  # noqa: F401 - the module the checks compare with

    settings = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CSE_PSEUDONYM_KEY": secrets.token_urlsafe(40),
        "CSE_DEMO": False,
        "DEBUG": False,
        **SAFE,
        "REDIS_URL": "",
    }
    with pytest.raises(ImproperlyConfigured, match="senza REDIS_URL"):
        check_production_settings(settings)


def test_the_deploy_check_reports_the_settings_in_force(settings):
    settings.CSE_WEB_WORKERS, settings.REDIS_URL = 2, ""
    settings.WAGTAILADMIN_BASE_URL = "https://cse.example.it"
    errors = unsafe_configuration_check()
    assert [e.id for e in errors] == ["cse.E001"] and "REDIS_URL" in errors[0].msg


def test_production_settings_refuse_to_start_with_workers_but_no_redis():
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CSE_PSEUDONYM_KEY", "CSE_DEMO", "DEBUG"}}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "cse.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CSE_PSEUDONYM_KEY": secrets.token_urlsafe(40),
        "WAGTAILADMIN_BASE_URL": "https://cse.example.it",
        "WEB_CONCURRENCY": "4",
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode != 0 and "WEB_CONCURRENCY=4 processi senza REDIS_URL" in result.stderr
