"""Durations as people write them in config files: ``"1h30m"``, ``"500ms"``, ``"2d"``, ``"45"``.

A bare number is seconds. Units: ms, s, m, h, d; parts are added up and may not repeat a unit.
"""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)")
_BARE = re.compile(r"\d+(?:\.\d+)?")


def parse_duration(text: str) -> timedelta:
    """``"1h30m"`` -> ``timedelta(hours=1, minutes=30)``; ValueError for anything else."""
    value = str(text).strip().lower().replace(" ", "")
    if _BARE.fullmatch(value):
        return timedelta(seconds=float(value))
    seconds = 0.0
    seen: set[str] = set()
    position = 0
    for match in _PART.finditer(value):
        if match.start() != position or match[2] in seen:
            raise ValueError(f"not a duration: {text!r}")
        seen.add(match[2])
        seconds += float(match[1]) * _UNITS[match[2]]
        position = match.end()
    if not value or position != len(value):
        raise ValueError(f"not a duration: {text!r}")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The shortest spelling ``parse_duration`` reads back: ``timedelta(minutes=90)`` -> ``"1h30m"``."""
    millis = round(value.total_seconds() * 1000)
    if millis == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
