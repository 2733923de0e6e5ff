"""The loop every queue worker runs (`manage.py <command> --loop`): one round after another, pausing when there was
nothing left to do, and surviving a database restart.

A round that hits a DatabaseError loses nothing — every queue keeps its rows until a round commits them, and the
idempotency keys make a repeated call safe — so the worker closes its connections and retries with a growing pause
(capped). Without `loop` a single round runs and any error is raised (cron, tests)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Round:
    """What one round did: a line for the log ("" when it did nothing) and whether it filled its batch (the next
    round starts at once: there is more waiting)."""

    line: str = ""
    full: bool = False


def run_rounds(
    one_round: Callable[[], Round],
    *,
    name: str,
    loop: bool,
    interval: float,
    write: Callable[[str], None],
    max_pause: float = 30.0,
) -> None:
    outage = 0
    while True:
        try:
            done = one_round()
        except DatabaseError:
            if not loop:
                raise
            outage += 1
            logger.warning("%s: database non raggiungibile (tentativo %s), riprovo", name, outage)
            connections.close_all()
            time.sleep(min(max_pause, interval * 2**outage))
            continue
        outage = 0
        if done.line:
            write(done.line)
        if not loop:
            return
        time.sleep(0 if done.full else interval)
