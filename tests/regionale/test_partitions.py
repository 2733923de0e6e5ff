"""The regional store partitioned by month (PostgreSQL) and keyed by ambito (both databases): events land in their
month, nothing is refused for lack of a partition, event_id stays unique across months, a detached month leaves the
rest queryable, and a projection row stays one per key when the person moves to another ambito."""

import copy
import importlib.util
import random
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from cse.regionale import partitions
from cse.regionale.ingest import ingest_batch, ingest_event
from cse.regionale.models import CasoCorrente, EventoRegionale, EventoRicevuto, LottoDss, PrestazioneCorrente
from cse.regionale.projections import rebuild_projections

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])
postgres_only = pytest.mark.skipif(
    connections["regionale"].vendor != "postgresql", reason="partizioni mensili solo su PostgreSQL"
)


@pytest.fixture(autouse=True)
def _forget_partitions():
    """Each test runs in a transaction rolled back at its end: the partitions it created go with it."""
    partitions._known.clear()
    yield
    partitions._known.clear()


def _case(seed: int = 5, n: int = 12, ambito: str = "BA01") -> list[dict]:
    path = Path(__file__).resolve().parents[2] / "bench" / "regional_ingest.py"
    spec = importlib.util.spec_from_file_location("regional_ingest_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.case_events(random.Random(seed), n, [ambito])


def _dated(events: list[dict], day: str) -> list[dict]:
    for event in events:
        event["occurred_on"] = day
    return events


def _partition_of(event_id: str) -> str:
    with connections["regionale"].cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM regionale_eventoregionale WHERE event_id = %s", [event_id])
        return cursor.fetchone()[0]


@postgres_only
def test_events_land_in_their_month_partition_created_on_demand():
    assert partitions.is_partitioned()
    march, june = _dated(_case(1), "2019-03-15"), _dated(_case(2), "2019-06-30")
    assert date(2019, 3, 1) not in partitions.existing_months()

    ingest_batch(march)
    ingest_event(june[0])

    assert _partition_of(march[0]["event_id"]) == "regionale_eventoregionale_p2019_03"
    assert _partition_of(june[0]["event_id"]) == "regionale_eventoregionale_p2019_06"
    assert {date(2019, 3, 1), date(2019, 6, 1)} <= partitions.existing_months()
    assert EventoRegionale.objects.filter(evento_del__month=3).count() == len(march)


@postgres_only
def test_a_month_without_its_partition_goes_to_the_default_one_then_moves_out():
    events = _dated(_case(3), "2018-11-02")
    partitions._known.add(date(2018, 11, 1))  # as if another process had the month cached: no partition made

    assert ingest_batch(events).stored == len(events)
    assert _partition_of(events[0]["event_id"]) == "regionale_eventoregionale_default"
    partitions._known.clear()
    assert partitions.ensure_months([date(2018, 11, 5)]) == []  # PostgreSQL could not take rows from default

    call_command("crea_partizioni", "--mesi", "1", "--sposta", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _partition_of(events[0]["event_id"]) == "regionale_eventoregionale_p2018_11"
    assert EventoRegionale.objects.count() == len(events)


@postgres_only
def test_crea_partizioni_prepares_the_coming_months():
    created = partitions.create_ahead(2, start=date(2031, 11, 20))
    assert created == [date(2031, 11, 1), date(2031, 12, 1), date(2032, 1, 1)]
    assert partitions.create_ahead(2, start=date(2031, 11, 20)) == []


def test_a_repeated_event_id_is_refused_even_with_another_month():
    events = _case(4)
    assert ingest_batch(events).stored == len(events)
    again = copy.deepcopy(events[0])
    again["occurred_on"] = "2017-02-10"  # another month: another partition on PostgreSQL

    assert ingest_event(again).duplicate
    assert ingest_batch([again]).duplicates == 1
    assert EventoRegionale.objects.count() == EventoRicevuto.objects.count() == len(events)


@postgres_only
def test_detaching_a_month_leaves_the_other_months_queryable():
    old, recent = _dated(_case(6), "2016-01-10"), _dated(_case(7), "2016-02-10")
    ingest_batch(old + recent)
    with pytest.raises(CommandError, match="non ancora inviati al DSS"):
        call_command("stacca_partizione", "2016-01")

    lotto = LottoDss.objects.create(id_lotto="L1", primo_evento=1, ultimo_evento=1, n_eventi=len(old))
    EventoRegionale.objects.filter(evento_del__month=1, evento_del__year=2016).update(lotto_dss=lotto)
    call_command("stacca_partizione", "2016-01", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert date(2016, 1, 1) not in partitions.existing_months()
    assert set(EventoRegionale.objects.values_list("evento_del", flat=True)) == {date(2016, 2, 10)}
    with connections["regionale"].cursor() as cursor:  # the detached month is still there, to be archived
        cursor.execute("SELECT COUNT(*) FROM regionale_eventoregionale_p2016_01")
        assert cursor.fetchone()[0] == len(old)
    assert ingest_batch(old).duplicates == len(old)  # its event ids are still known: no re-ingestion


def _moved(events: list[dict]) -> tuple[dict, list[dict]]:
    """A prestazione of the case, and two later events after the person moved to BA09: its conclusion and a phase
    change of the case."""
    first = next(e for e in events if e["event_type"] == "cartella.prestazione_erogata")
    phase = next(e for e in events if e["event_type"] == "cartella.fase_cambiata")
    later = []
    for n, (original, event_type) in enumerate(
        ((first, "cartella.prestazione_conclusa"), (phase, "cartella.fase_cambiata")), start=1
    ):
        event = copy.deepcopy(original)
        event.update(event_id=str(uuid.uuid4()), sequence=len(events) + n, event_type=event_type)
        event["subject"] = {**original["subject"], "ambito": "BA09"}
        later.append(event)
    later[0]["data"]["data_fine"] = "2026-12-01"
    return first, later


def _prestazioni(key: str) -> list[tuple]:
    return list(PrestazioneCorrente.objects.filter(prestazione_key=key).values_list("ambito", "sequence"))


def test_a_prestazione_and_a_case_stay_one_row_when_the_person_moves_to_another_ambito():
    events = _case(8, n=30)
    first, later = _moved(events)

    ingest_batch(events)
    ingest_batch(later)

    assert _prestazioni(first["data"]["prestazione_key"]) == [("BA09", len(events) + 1)]
    assert list(CasoCorrente.objects.values_list("ambito", "in_carico")) == [("BA09", True)]
    assert PrestazioneCorrente.objects.count() == sum(e["event_type"].endswith("erogata") for e in events)

    columns = ("prestazione_key", "ambito", "sequence", "data_fine")
    stored = sorted(PrestazioneCorrente.objects.values_list(*columns))
    cases = list(CasoCorrente.objects.values_list("case_key", "ambito", "area"))
    rebuild_projections()
    assert sorted(PrestazioneCorrente.objects.values_list(*columns)) == stored
    assert list(CasoCorrente.objects.values_list("case_key", "ambito", "area")) == cases


def test_an_older_event_from_the_previous_ambito_does_not_move_the_row_back():
    events = _case(9, n=30)
    first, later = _moved(events)

    ingest_batch(later)  # the newer events arrive first
    ingest_batch(events)

    assert _prestazioni(first["data"]["prestazione_key"]) == [("BA09", len(events) + 1)]
    assert list(CasoCorrente.objects.values_list("ambito", "in_carico")) == [("BA09", True)]
