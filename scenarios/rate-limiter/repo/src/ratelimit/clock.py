"""Clocks: callables returning seconds as a float, only ever compared with each other."""

from __future__ import annotations

import time
from collections.abc import Callable

#: What the limiter calls to know the time (``time.monotonic`` in production).
Clock = Callable[[], float]

monotonic: Clock = time.monotonic


class ManualClock:
    """A clock that only moves when told to; for tests and simulations."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("clocks do not go backwards")
        self.now += seconds
