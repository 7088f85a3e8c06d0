"""Shift templates (what a shift looks like) and shifts (one occurrence, at real instants)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True)
class ShiftTemplate:
    """A named shift from ``start`` to ``end``, local wall-clock times.

    An ``end`` at or before ``start`` means the shift ends the next day (a night shift).
    """

    name: str
    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("a shift cannot start and end at the same time")

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True, order=True)
class Shift:
    """One shift: aware local datetimes, ordered by when they start."""

    start: datetime
    end: datetime
    name: str

    @property
    def day(self) -> date:
        """The local date the shift starts on."""
        return self.start.date()

    @property
    def duration(self) -> timedelta:
        """Time actually worked: shorter or longer than usual on a night when clocks change."""
        return self.end - self.start
