"""The protocol queue: a document queued with its caller's change is registered by the worker, once, whatever the
protocol does meanwhile (outage, lost answer, refusal), and the caller's callback runs exactly once."""

import hashlib
import itertools
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cse.core.models import RichiestaProtocollo, StatoProtocollazione
from cse.core.protocollo import (
    protocollo_accoda,
    protocollo_registra_in_coda,
    protocollo_riaccoda,
    register_protocollo_callback,
)
from cse.core.retry import BACKOFF_MAX, prossimo_tentativo

_aoo = itertools.count(1)
CHIAMATE: list[tuple[str, int, str]] = []


def segna_protocollata(richiesta):
    """What the bandi domain does: mark its domanda protocollata (here: note the call)."""
    CHIAMATE.append((richiesta.chiave, richiesta.numero, richiesta.stato))


def rifiuta_sempre(richiesta):
    raise RuntimeError("la domanda non si trova più")


register_protocollo_callback("test.segna", segna_protocollata)
register_protocollo_callback("test.rotta", rifiuta_sempre)


@pytest.fixture
def sim(simulator_suite, simulators, settings, comune):
    """The protocol simulator with no scenario left; the home comune gets an AOO of its own (numbers from 1)."""
    app = simulator_suite[1]["protocollo"].get_app()
    app.scenari.clear()
    with app.lock:  # keys are reused from test to test: the protocol forgets the earlier tests' registrations
        app.registrazioni.clear()
    settings.CSE_PROTOCOLLO_AOO = {comune.codice: {"amministrazione": "c_x001", "aoo": f"AOO_Q{next(_aoo):04d}"}}
    CHIAMATE.clear()
    yield app
    app.scenari.clear()


def accoda(ente, chiave="bando-7/domanda-1", contenuto=b"%PDF domanda", callback="test.segna", **changes):
    fields = {
        "ente": ente,
        "chiave": chiave,
        "verso": "entrata",
        "oggetto": "Domanda di contributo - bando 7",
        "corrispondente": "Richiedente della domanda",
        "nome_file": "domanda.pdf",
        "sha256": hashlib.sha256(contenuto).hexdigest(),
        "riferimento": "bandi.domanda:1",
        "callback": callback,
    }
    with transaction.atomic():
        return protocollo_accoda(**{**fields, **changes})


def later(minutes: float):
    return timezone.now() + timedelta(minutes=minutes)


def test_a_queued_document_is_registered_and_its_callback_runs_once(sim, comune):
    richiesta = accoda(comune)
    assert richiesta.stato == StatoProtocollazione.IN_CODA and richiesta.numero is None
    assert (richiesta.codice_amministrazione, richiesta.registro) == ("c_x001", "PROT_GEN")

    esito = protocollo_registra_in_coda()
    richiesta.refresh_from_db()
    assert esito.registrate == 1
    assert (richiesta.stato, richiesta.numero, richiesta.data) == (StatoProtocollazione.REGISTRATA, 1, date.today())
    assert "<NumeroRegistrazione>0000001</NumeroRegistrazione>" in richiesta.segnatura
    assert CHIAMATE == [("bando-7/domanda-1", 1, StatoProtocollazione.REGISTRATA)]

    assert protocollo_registra_in_coda(now=later(600)).registrate == 0
    assert len(CHIAMATE) == 1
    assert [h.stato for h in richiesta.history.order_by("history_id")] == ["in_coda", "registrata"]


def test_the_same_key_twice_queues_one_request(sim, comune):
    first = accoda(comune)
    again = accoda(comune)
    assert again.pk == first.pk and RichiestaProtocollo.objects.count() == 1
    protocollo_registra_in_coda()
    assert len(CHIAMATE) == 1


def test_a_key_reused_for_another_document_is_refused(sim, comune):
    accoda(comune)
    with pytest.raises(ValidationError) as err:
        accoda(comune, contenuto=b"un altro file")
    assert "già stata usata per un altro documento" in err.value.messages[0]


def test_bad_input_is_refused_in_italian_and_nothing_is_queued(sim, comune):
    with pytest.raises(ValidationError) as err:
        accoda(comune, verso="laterale", oggetto=" ", sha256="abc")
    assert err.value.messages == [
        "Il verso del documento deve essere «entrata» o «uscita».",
        "Indicare l'oggetto del documento da protocollare.",
        "L'impronta SHA-256 del documento non è valida (64 cifre esadecimali).",
    ]
    assert not RichiestaProtocollo.objects.exists()


def test_an_unknown_callback_fails_when_queuing_not_after_the_number_is_taken(sim, comune):
    with pytest.raises(LookupError):
        accoda(comune, callback="bandi.domanda_scritto_male")
    assert not RichiestaProtocollo.objects.exists()


def test_an_outage_leaves_the_request_queued_until_its_next_attempt(sim, comune, settings):
    settings.CSE_INTEROP_RETRIES = 0
    richiesta = accoda(comune)
    sim.scenari.append("offline")

    esito = protocollo_registra_in_coda()
    richiesta.refresh_from_db()
    assert (esito.rinviate, richiesta.stato, richiesta.tentativi) == (1, StatoProtocollazione.IN_CODA, 1)
    assert "non risponde" in richiesta.ultimo_errore and richiesta.prossimo_tentativo_il > timezone.now()
    assert CHIAMATE == []

    assert protocollo_registra_in_coda().registrate == 0  # not yet due
    assert protocollo_registra_in_coda(now=later(2)).registrate == 1
    richiesta.refresh_from_db()
    assert (richiesta.stato, richiesta.numero, richiesta.tentativi) == (StatoProtocollazione.REGISTRATA, 1, 2)
    assert CHIAMATE == [("bando-7/domanda-1", 1, StatoProtocollazione.REGISTRATA)]


def test_a_lost_answer_never_costs_a_second_number(sim, comune, settings):
    """The protocol registered the document but its answer was lost: the retry gets that number, not a new one."""
    settings.CSE_INTEROP_RETRIES = 0
    richiesta = accoda(comune)
    sim.scenari.append("risposta_persa")
    assert protocollo_registra_in_coda().rinviate == 1

    protocollo_registra_in_coda(now=later(2))
    other = accoda(comune, chiave="bando-7/domanda-2", contenuto=b"%PDF seconda")
    protocollo_registra_in_coda(now=later(2))
    richiesta.refresh_from_db()
    other.refresh_from_db()
    assert (richiesta.numero, other.numero) == (1, 2)
    assert [numero for _, numero, _ in CHIAMATE] == [1, 2]


def test_a_refused_request_waits_for_an_operator_then_goes_again(sim, comune, worker):
    richiesta = accoda(comune)
    sim.scenari.append("richiesta_invalida")
    assert protocollo_registra_in_coda().in_errore == 1
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoProtocollazione.ERRORE and "RICHIESTA_INVALIDA" in richiesta.ultimo_errore
    assert protocollo_registra_in_coda(now=later(600)).registrate == 0

    protocollo_riaccoda(richiesta, by=worker)
    assert protocollo_registra_in_coda().registrate == 1
    assert CHIAMATE == [("bando-7/domanda-1", 1, StatoProtocollazione.REGISTRATA)]


def test_only_a_refused_request_can_be_queued_again(sim, comune, worker):
    richiesta = accoda(comune)
    with pytest.raises(ValidationError):
        protocollo_riaccoda(richiesta, by=worker)


def test_a_failing_callback_rolls_the_registration_back_and_the_queue_goes_on(sim, comune):
    richiesta = accoda(comune, callback="test.rotta")
    other = accoda(comune, chiave="bando-7/domanda-2", contenuto=b"%PDF seconda")
    esito = protocollo_registra_in_coda()
    assert (esito.rinviate, esito.registrate) == (1, 1)
    richiesta.refresh_from_db()
    assert (richiesta.stato, richiesta.numero, richiesta.tentativi) == (StatoProtocollazione.IN_CODA, None, 1)
    assert "RuntimeError" in richiesta.ultimo_errore
    assert sim.registrazioni["bando-7/domanda-1"].numero == 1  # the protocol keeps it for the key
    other.refresh_from_db()
    assert other.numero == 2


def test_backoff_doubles_and_stops_at_an_hour():
    now = timezone.now()
    assert [prossimo_tentativo(n, now) - now for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert prossimo_tentativo(30, now) - now == BACKOFF_MAX


def test_the_worker_command_registers_what_is_due(sim, comune):
    accoda(comune)
    out = StringIO()
    call_command("registra_protocollo", stdout=out)
    assert "protocollate 1, rinviate 0, non protocollate 0" in out.getvalue()
    assert RichiestaProtocollo.objects.get().stato == StatoProtocollazione.REGISTRATA


def test_the_demo_registers_right_after_the_commit(sim, comune, settings, django_capture_on_commit_callbacks):
    settings.CSE_PROTOCOLLO_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        accoda(comune)
    assert RichiestaProtocollo.objects.get().numero == 1 and len(CHIAMATE) == 1
