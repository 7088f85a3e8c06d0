"""Predicates over log records, built from command-line options."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .levels import Level
from .records import LogRecord

Predicate = Callable[[LogRecord], bool]


def build_filter(
    *,
    min_level: Level | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    logger: str | None = None,
) -> Predicate:
    """A predicate that keeps records matching every option given (options left None match all).

    ``since`` is inclusive and ``until`` exclusive; ``logger`` matches that logger and its
    children (``billing`` matches ``billing.invoices``, not ``billingx``).
    """
    checks: list[Predicate] = []
    if min_level is not None:
        checks.append(lambda r: r.level >= min_level)
    if since is not None:
        checks.append(lambda r: r.timestamp >= since)
    if until is not None:
        checks.append(lambda r: r.timestamp < until)
    if logger is not None:
        prefix = logger.rstrip(".") + "."
        checks.append(lambda r: r.logger == logger or r.logger.startswith(prefix))
    return lambda record: all(check(record) for check in checks)
