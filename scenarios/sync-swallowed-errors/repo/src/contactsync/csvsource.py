"""Read the webshop's nightly customer export (CSV, UTF-8, header row)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from .models import REQUIRED_COLUMNS


class SourceError(Exception):
    """The export cannot be read at all (missing file, wrong columns)."""


def read_rows(path: str | Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for each data row; the header is line 1.

    Raises SourceError before the first row if the file is missing or lacks a required column,
    so a broken export never half-syncs.
    """
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise SourceError(f"cannot open {path}: {exc.strerror or exc}") from exc
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise SourceError(f"{path.name}: missing column(s) {', '.join(missing)}")
        for row in reader:
            yield reader.line_num, row
