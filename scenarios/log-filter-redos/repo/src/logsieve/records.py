"""One line of an application log, parsed.

Our services all log in the same shape::

    2026-11-27T10:15:02Z INFO billing.invoices invoice sent number=INV-88
    <timestamp, UTC>     <level> <logger>      <message ...>

The message is free text and often contains user input (paths, search terms, user agents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from .levels import Level, parse_level

_LINE = re.compile(r"^(?P<ts>\S+)\s+(?P<level>[A-Za-z]+)\s+(?P<logger>[\w.]+)\s+(?P<message>.*)$")


@dataclass(frozen=True)
class LogRecord:
    """A parsed log line; ``raw`` is the line as it was read, without its newline."""

    timestamp: datetime
    level: Level
    logger: str
    message: str
    raw: str


def _timestamp(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def parse_line(line: str) -> LogRecord | None:
    """Parse one log line; return None for a line that is not in our format."""
    raw = line.rstrip("\r\n")
    match = _LINE.match(raw)
    if match is None:
        return None
    try:
        timestamp = _timestamp(match["ts"])
        level = parse_level(match["level"])
    except ValueError:
        return None
    return LogRecord(timestamp, level, match["logger"], match["message"], raw)
