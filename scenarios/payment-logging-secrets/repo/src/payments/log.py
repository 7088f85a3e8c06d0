"""Structured log events.

Every event is one log record whose message reads ``event key=value ...`` for humans, and whose
``event`` and ``fields`` attributes feed the JSON log shipper.
"""

from __future__ import annotations

import logging
from typing import Any


def log_event(logger: logging.Logger, event: str, *, level: int = logging.INFO, **fields: Any) -> None:
    text = " ".join(f"{key}={value}" for key, value in fields.items())
    logger.log(level, "%s %s", event, text, extra={"event": event, "fields": fields})
