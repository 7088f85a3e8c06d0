"""Errors raised by the exports."""

from __future__ import annotations


class ExportError(Exception):
    """The export could not be produced; nothing was written."""


class ExportTooLarge(ExportError):
    """More rows than ``MAX_ROWS``: split the export."""

    def __init__(self, what: str, rows: int, limit: int) -> None:
        super().__init__(f"{what} has {rows} rows, more than the limit of {limit}")
        self.rows = rows
        self.limit = limit
