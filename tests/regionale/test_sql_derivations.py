"""On PostgreSQL the year's derivations run as SQL inside the database; they must give exactly what the portable
Python paths give on the same events (random case histories like the benchmark's, some without an ambito)."""

import importlib.util
import random
from pathlib import Path

import pytest
from django.db import connections

from cse.regionale.derivations import _derive_siuss_rows, derive_siuss_prestazioni
from cse.regionale.ingest import ingest_batch
from cse.regionale.leps import UNKNOWN_AMBITO, _event_values_python
from cse.regionale.models import PrestazioneCorrente, PrestazioneSiuss
from cse.regionale.sql import leps_event_values

pytestmark = [
    pytest.mark.django_db(databases=["default", "regionale"]),
    pytest.mark.skipif(connections["regionale"].vendor != "postgresql", reason="derivazioni SQL solo su PostgreSQL"),
]


def _bench_generator():
    path = Path(__file__).resolve().parents[2] / "bench" / "regional_ingest.py"
    spec = importlib.util.spec_from_file_location("regional_ingest_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.case_events


def _siuss_snapshot(anno: int) -> list[tuple]:
    fields = [f.name for f in PrestazioneSiuss._meta.fields if f.name != "id"]
    return sorted(PrestazioneSiuss.objects.filter(anno=anno).values_list(*fields))


def test_sql_derivations_equal_the_portable_python_ones():
    case_events, rng, events = _bench_generator(), random.Random(11), []
    for n in range(400):
        history = case_events(rng, rng.randint(10, 40), ["BA01", "BA02", "BA03"])
        if n % 7 == 0:  # residenza fittizia: no ambito, counted under "ND"
            for event in history:
                event["subject"]["ambito"] = None
        events += history
    for start in range(0, len(events), 2000):
        ingest_batch(events[start : start + 2000])
    assert PrestazioneCorrente.objects.count() > 1000

    for anno in (2023, 2026):
        for ambito in (None, "BA02", UNKNOWN_AMBITO):
            in_sql = leps_event_values(anno, ambito, UNKNOWN_AMBITO)
            assert in_sql and in_sql == _event_values_python(anno, ambito), (anno, ambito)

        rows = derive_siuss_prestazioni(anno)
        in_sql = _siuss_snapshot(anno)
        PrestazioneSiuss.objects.filter(anno=anno).delete()
        assert _derive_siuss_rows(anno, PrestazioneCorrente.objects.filter(data_inizio__year=anno)) == rows > 0
        assert _siuss_snapshot(anno) == in_sql
