"""The queue workers' loop: a database restart in the middle of a round is survived (connections closed, a growing
pause, the round tried again); without --loop the error reaches the caller; a full batch starts the next round at
once."""

import pytest
from django.db import DatabaseError

from cse.core import worker
from cse.core.worker import Round, run_rounds


class Stop(Exception):
    """Ends the endless loop in the test."""


def _rounds(*outcomes):
    """A round that plays `outcomes` in order (an exception is raised, a Round returned), then stops the loop."""
    queue = list(outcomes)

    def one_round() -> Round:
        if not queue:
            raise Stop
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return one_round


@pytest.fixture
def pauses(monkeypatch):
    slept, closed = [], []
    monkeypatch.setattr(worker.time, "sleep", slept.append)
    monkeypatch.setattr(worker.connections, "close_all", lambda: closed.append(True))
    return slept, closed


def test_a_database_outage_is_retried_with_a_growing_capped_pause_and_fresh_connections(pauses):
    slept, closed = pauses
    written = []
    outage = DatabaseError("server closed the connection")
    rounds = _rounds(outage, outage, outage, Round("fatto 3"), Round(""))

    with pytest.raises(Stop):
        run_rounds(rounds, name="prova", loop=True, interval=5.0, write=written.append, max_pause=30.0)

    assert slept == [10.0, 20.0, 30.0, 5.0, 5.0]  # 5·2, 5·4, capped at 30; then the normal interval
    assert len(closed) == 3
    assert written == ["fatto 3"]  # an idle round writes nothing


def test_without_loop_one_round_runs_and_a_database_error_is_raised(pauses):
    slept, _ = pauses
    with pytest.raises(DatabaseError):
        run_rounds(_rounds(DatabaseError("giù")), name="prova", loop=False, interval=5.0, write=print)
    written = []
    run_rounds(_rounds(Round("una volta")), name="prova", loop=False, interval=5.0, write=written.append)
    assert written == ["una volta"] and slept == []


def test_a_full_batch_starts_the_next_round_at_once(pauses):
    slept, _ = pauses
    with pytest.raises(Stop):
        run_rounds(_rounds(Round("100", full=True), Round("3")), name="prova", loop=True, interval=5.0, write=print)
    assert slept == [0, 5.0]
