"""Places in a tree: ``path:LINE`` or ``path:START-END``, as flaw locations and review findings
name them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol


class Span(Protocol):
    """Anything with a path and a line range (a location, a review finding)."""

    @property
    def path(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True, kw_only=True)
class Location:
    """A ``path:START-END`` place in a tree."""

    path: str
    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        """Same file and at least one line in common."""
        return self.path == other.path and other.start <= self.end and self.start <= other.end


def parse_location(text: str) -> Location:
    """Parse ``path:LINE`` or ``path:START-END``; raise ValueError otherwise."""
    match = re.fullmatch(r"(?P<path>[^:\s]+):(?P<start>\d+)(?:-(?P<end>\d+))?", text.strip())
    if not match:
        raise ValueError(f"{text!r} is not path:LINE or path:START-END")
    start = int(match["start"])
    end = int(match["end"] or start)
    if end < start or start < 1:
        raise ValueError(f"{text!r}: the range must be increasing and start at 1 or more")
    return Location(path=match["path"], start=start, end=end)
