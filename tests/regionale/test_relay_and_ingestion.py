"""Outbox → relay → regional store: nothing lost, nothing counted twice, nothing identifiable leaves."""

import hashlib
import hmac
import json
import random
from collections import Counter
from datetime import date

import pytest

from cse.cartella.actions.cartella import cartella_open
from cse.cartella.actions.diario import diario_add
from cse.cartella.actions.fasi import prestazione_end
from cse.cartella.relay import RELAYED_AGGREGATE_TYPES, relay_outbox
from cse.core.event_schema import EventSchemaError, validate_event
from cse.core.models import OutboxEvent
from cse.regionale.ingest import ingest_event
from cse.regionale.models import EventoRegionale, LacunaSequenza
from tests.support.factories import CartellaFactory, OperatoreFactory, register_person
from tests.support.places import home_comune, resident

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


def many_events(cases: int = 40, notes_per_case: int = 12):
    """`cases` cases of a comune, each with `notes_per_case` diary notes: the outbox holds their events only."""
    comune = home_comune()
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    rng = random.Random(3)
    for n in range(cases):
        person = register_person(
            comune,
            cognome=f"Sintetico{chr(65 + n % 26)}",
            nome="Prova",
            sesso=rng.choice("MF"),
            data_nascita=date(1940 + n, 1 + n % 12, 1 + n % 27),
        )
        case = cartella_open(assistito=person, by=worker)
        for k in range(notes_per_case):
            diario_add(
                cartella=case, tipo="nota", testo=f"nota {k}", data_evento=date(2026, 1, 1), riservata=False, by=worker
            )
    return OutboxEvent.objects.count()


class FlakyTransport:
    """Crashes the relay at random points: before sending, or after sending but before the outbox is marked."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.calls = 0

    def __call__(self, event: dict):
        self.calls += 1
        roll = self.rng.random()
        if roll < 0.15:
            raise ConnectionError("rete giù prima dell'invio")
        ingest_event(event)
        if roll < 0.30:
            raise TimeoutError("risposta persa dopo l'invio")



def relayed_events():
    """What the relay carries to the region, in order: the case and person events (the deadlines', consents' and
    approvals' own events stay local)."""
    return OutboxEvent.objects.filter(aggregate_type__in=RELAYED_AGGREGATE_TYPES).order_by("id")

def test_relay_crashes_lose_nothing_and_duplicate_nothing(db):
    total = many_events(cases=50, notes_per_case=40)
    assert total > 2000
    transport = FlakyTransport(seed=11)
    for _ in range(200):
        if not OutboxEvent.objects.filter(sent_at__isnull=True).exists():
            break
        relay_outbox(batch_size=97, sender=transport)
    assert not OutboxEvent.objects.filter(sent_at__isnull=True).exists()
    assert transport.calls > total  # there were retries
    assert EventoRegionale.objects.count() == total
    assert sorted(map(str, EventoRegionale.objects.values_list("event_id", flat=True))) == sorted(
        map(str, OutboxEvent.objects.values_list("event_id", flat=True))
    )
    for case_key in EventoRegionale.objects.values_list("case_key", flat=True).distinct():
        seqs = list(EventoRegionale.objects.filter(case_key=case_key).order_by("id").values_list("sequence", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))  # complete and delivered in order per case
    assert not LacunaSequenza.objects.exists()
    local_counts = Counter(OutboxEvent.objects.values_list("event_type", flat=True))
    assert Counter(EventoRegionale.objects.values_list("event_type", flat=True)) == local_counts


def test_nothing_identifiable_reaches_the_region_and_pseudonyms_resist_a_dictionary(settings):
    many_events(cases=8, notes_per_case=2)
    relay_outbox(sender=ingest_event)
    dump = json.dumps(list(EventoRegionale.objects.values("payload", "soggetto", "case_key", "ente", "event_type")))
    from cse.cartella.models import Assistito

    people = list(Assistito.objects.all())
    assert people
    for person in people:
        for secret in (
            person.codice_fiscale,
            person.cognome,
            person.data_nascita.isoformat(),
            person.data_nascita.strftime("%d/%m/%Y"),
        ):
            if secret:
                assert secret not in dump, secret
        assert "nota 0" not in dump and "Colloquio di prova" not in dump  # free text never leaves
    pseudonyms = set(EventoRegionale.objects.values_list("soggetto", flat=True))
    for person in people:  # an attacker who knows every CF but not the key finds no match
        cf = person.codice_fiscale.encode()
        guesses = {
            hashlib.sha256(cf).hexdigest(),
            hashlib.sha256(b"cf:" + cf).hexdigest(),
            hmac.new(b"wrong-key", b"cf:" + cf, hashlib.sha256).hexdigest(),
        }
        assert not guesses & pseudonyms


def test_the_schema_refuses_any_field_outside_the_allow_list_at_both_ends(db):
    many_events(cases=1, notes_per_case=0)
    from cse.cartella.regional_events import build_regional_event

    event = build_regional_event(OutboxEvent.objects.first())
    validate_event(event)
    for mutate in (
        lambda e: e["subject"].update(codice_fiscale="RSSMRA80A01F284B"),
        lambda e: e["data"].update(note="testo libero"),
        lambda e: e.update(nome="Mario"),
        lambda e: e["subject"].update(birth_year=None),
    ):
        bad = json.loads(json.dumps(event))
        mutate(bad)
        with pytest.raises(EventSchemaError):
            ingest_event(bad)
    assert EventoRegionale.objects.count() == 0


def test_ingestion_is_idempotent_and_detects_gaps_until_they_are_filled(db):
    many_events(cases=1, notes_per_case=3)
    from cse.cartella.regional_events import build_regional_event

    last = OutboxEvent.objects.order_by("-id").first()  # the case just opened, with its three notes
    case_events = OutboxEvent.objects.filter(aggregate_type=last.aggregate_type, aggregate_id=last.aggregate_id)
    events = [build_regional_event(e) for e in case_events.order_by("sequence")]
    assert len(events) == 4
    assert ingest_event(events[0]).stored
    assert ingest_event(events[0]).duplicate
    assert ingest_event(events[2]).gap_from == 2
    gap = LacunaSequenza.objects.get()
    assert (gap.da_sequenza, gap.a_sequenza, gap.colmata) == (2, 2, False)
    ingest_event(events[1])
    gap.refresh_from_db()
    assert gap.colmata
    assert EventoRegionale.objects.count() == 3


def test_an_undeliverable_event_holds_back_the_later_events_of_its_case_only(db):
    many_events(cases=2, notes_per_case=2)
    first_case = relayed_events().first()

    def refuses_first_case(event):
        from cse.core.pseudonym import pseudonym

        if event["case_key"] == pseudonym(f"{first_case.aggregate_type}:{first_case.aggregate_id}", domain="aggregate"):
            raise ConnectionError("giù")
        ingest_event(event)

    report = relay_outbox(sender=refuses_first_case)
    assert report.failed == 1 and report.waiting >= 2
    pending = OutboxEvent.objects.filter(sent_at__isnull=True)
    assert set(pending.values_list("aggregate_id", flat=True)) >= {first_case.aggregate_id}
    assert EventoRegionale.objects.count() == OutboxEvent.objects.filter(sent_at__isnull=False).count()


def test_the_bulk_path_stores_each_event_once_whatever_the_order_and_repeats(db):
    from cse.cartella.regional_events import build_regional_event
    from cse.regionale.ingest import ingest_batch

    total = many_events(cases=12, notes_per_case=6)
    events = [build_regional_event(e) for e in relayed_events()]
    rng = random.Random(5)
    shuffled = events + rng.sample(events, 30)  # 30 repeats, out of order
    rng.shuffle(shuffled)
    stored = 0
    for start in range(0, len(shuffled), 25):
        stored += ingest_batch(shuffled[start : start + 25]).stored
    assert stored == total == EventoRegionale.objects.count()
    assert LacunaSequenza.objects.exists()  # out-of-order arrivals were noticed …
    assert not LacunaSequenza.objects.filter(colmata=False).exists()  # … and every gap is filled
    assert ingest_batch(events).stored == 0


def test_one_bad_event_refuses_its_whole_batch(db):
    from cse.cartella.regional_events import build_regional_event
    from cse.regionale.ingest import ingest_batch

    many_events(cases=2, notes_per_case=2)
    events = [build_regional_event(e) for e in relayed_events()]
    events[-1] = {**events[-1], "data": {**events[-1]["data"], "testo": "nota libera"}}
    with pytest.raises(EventSchemaError):
        ingest_batch(events)
    assert EventoRegionale.objects.count() == 0


def test_current_state_is_the_same_whatever_the_arrival_order_and_equals_a_rebuild(db):
    from cse.cartella.regional_events import build_regional_event
    from cse.regionale.ingest import ingest_batch
    from cse.regionale.models import CasoCorrente, PrestazioneCorrente
    from cse.regionale.projections import rebuild_projections
    from tests.support.regionale import prestazione, to_erogazione

    comune = home_comune()
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    case = to_erogazione(CartellaFactory(assistito=resident(comune), by=worker), worker, area="anziani")
    first = prestazione(case, worker, "A2.07", date(2026, 2, 1), "480.00")
    prestazione_end(prestazione=first, data_fine=date(2026, 6, 30), by=worker, version=None)
    events = [build_regional_event(e) for e in relayed_events()]

    def snapshot():
        return (
            sorted(PrestazioneCorrente.objects.values_list("prestazione_key", "sequence", "data_fine", "importo")),
            sorted(CasoCorrente.objects.values_list("case_key", "area", "in_carico")),
        )

    for event in reversed(events):  # newest first: older events must not overwrite what is already known
        ingest_batch([event])
    arrived_backwards = snapshot()
    assert [row[2] for row in arrived_backwards[0]] == [date(2026, 6, 30)]  # the conclusion, not the start, wins
    assert ("anziani", True) in [(area, care) for _, area, care in arrived_backwards[1]]
    rebuild_projections()
    assert snapshot() == arrived_backwards
