"""Rosters: who works which shift, and what that adds up to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import cycle

from shifts.model import Shift


@dataclass(frozen=True)
class Assignment:
    person: str
    shift: Shift


def assign_round_robin(shifts: Sequence[Shift], people: Sequence[str]) -> list[Assignment]:
    """Give the shifts, in time order, to ``people`` in turn."""
    if not people:
        raise ValueError("nobody to assign shifts to")
    return [Assignment(person, shift) for shift, person in zip(sorted(shifts), cycle(people))]


def hours_by_person(assignments: Sequence[Assignment]) -> dict[str, float]:
    """Hours actually worked per person (a night shift over a DST change counts 7 or 9)."""
    hours: dict[str, float] = defaultdict(float)
    for assignment in assignments:
        hours[assignment.person] += assignment.shift.duration.total_seconds() / 3600
    return dict(hours)


def overlaps(assignments: Sequence[Assignment]) -> list[tuple[Assignment, Assignment]]:
    """Pairs of shifts given to the same person that overlap in time."""
    by_person: dict[str, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_person[assignment.person].append(assignment)
    found = []
    for person_assignments in by_person.values():
        ordered = sorted(person_assignments, key=lambda a: a.shift.start)
        for earlier, later in zip(ordered, ordered[1:]):
            if later.shift.start < earlier.shift.end:
                found.append((earlier, later))
    return found
