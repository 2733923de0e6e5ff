"""Housekeeping done by the requests themselves, at most once per interval per process: no scheduler to deploy for
purging expired one-time rows (replayed token ids, submission tokens)."""

from __future__ import annotations

import time


class AtMostEvery:
    """`due()` is true at the first call and then once per `seconds` (monotonic clock, per process)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.seconds
        return True

    def reset(self) -> None:
        """Make the next call due (tests)."""
        self._next = 0.0
