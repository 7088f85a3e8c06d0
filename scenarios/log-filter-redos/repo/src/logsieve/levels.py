"""Log levels, in order of severity."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    DEBUG = 10
    INFO = 20
    WARNING = 30
    ERROR = 40
    CRITICAL = 50


#: Spellings other libraries use for the same levels.
_ALIASES = {"WARN": Level.WARNING, "FATAL": Level.CRITICAL, "ERR": Level.ERROR}


def parse_level(name: str) -> Level:
    """``"warn"`` -> ``Level.WARNING``; raises ValueError for an unknown level."""
    key = name.strip().upper()
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        return Level[key]
    except KeyError:
        raise ValueError(f"unknown log level {name!r}") from None
