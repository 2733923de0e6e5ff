"""The readiness probe: public, component states only, 503 only when the main database is gone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


def test_everything_answers(client):
    answer = client.get("/salute/")
    assert answer.status_code == 200
    assert answer.json() == {
        "stato": "ok",
        "componenti": {"database": "ok", "database_regionale": "ok", "channel_layer": "ok"},
    }
    assert "no-cache" in answer["Cache-Control"]


def test_a_missing_channel_layer_degrades_but_keeps_serving(client, monkeypatch):
    monkeypatch.setattr("cse.core.health.get_channel_layer", lambda: None)  # AttributeError inside the probe
    answer = client.get("/salute/")
    assert answer.status_code == 200
    assert answer.json()["stato"] == "degradato"
    assert answer.json()["componenti"]["channel_layer"] == "non_raggiungibile"


def test_without_the_main_database_the_probe_fails(client, monkeypatch):
    from cse.core import health

    real = health._database
    monkeypatch.setattr(health, "_database", lambda alias: "non_raggiungibile" if alias == "default" else real(alias))
    answer = client.get("/salute/")
    assert answer.status_code == 503
    assert answer.json() == {
        "stato": "non_disponibile",
        "componenti": {"database": "non_raggiungibile", "database_regionale": "ok", "channel_layer": "ok"},
    }


def test_the_probe_only_answers_get(client):
    assert client.post("/salute/").status_code == 405
