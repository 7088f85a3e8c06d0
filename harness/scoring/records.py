"""Delivery records: outcomes of real AI-assisted changes, imported from CSV.

Columns (header required, order free): engineer, date (ISO 8601), source, dimension (optional:
catch|keep|safety|explain|scope, empty = every dimension), outcome (pass|fail), weight (optional,
positive, default 1), note (optional). A file with any bad row imports nothing unless
``skip_bad`` is set; every bad row is reported with its line number.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.errors import InvalidInput
from harness.scoring.profile import DIMENSIONS
from harness.store import Record, Store

REQUIRED = ("engineer", "date", "source", "outcome")
KNOWN = (*REQUIRED, "dimension", "weight", "note")


@dataclass(frozen=True, kw_only=True)
class ImportReport:
    imported: int
    skipped: list[str]


def _row(line: int, row: dict[str, str]) -> tuple[Record | None, list[str]]:
    problems = []
    values = {k: (row.get(k) or "").strip() for k in KNOWN}
    for key in REQUIRED:
        if not values[key]:
            problems.append(f"line {line}: {key} is empty")
    moment = None
    if values["date"]:
        try:
            moment = datetime.fromisoformat(values["date"])
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        except ValueError:
            problems.append(
                f"line {line}: date {values['date']!r} is not ISO 8601 (e.g. 2026-03-14)"
            )
    if values["outcome"] and values["outcome"].lower() not in ("pass", "fail"):
        problems.append(f"line {line}: outcome {values['outcome']!r} must be pass or fail")
    if values["dimension"] and values["dimension"] not in DIMENSIONS:
        problems.append(
            f"line {line}: dimension {values['dimension']!r} must be one of "
            f"{', '.join(DIMENSIONS)} or empty"
        )
    weight = 1.0
    if values["weight"]:
        try:
            weight = float(values["weight"])
            if not weight > 0:
                raise ValueError
        except ValueError:
            problems.append(f"line {line}: weight {values['weight']!r} must be a positive number")
    if problems or moment is None:
        return None, problems
    return Record(
        engineer=values["engineer"],
        date=moment,
        source=values["source"],
        dimension=values["dimension"] or None,
        outcome=values["outcome"].lower(),
        weight=weight,
        note=values["note"],
    ), []


def import_csv(store: Store, path: Path, *, skip_bad: bool = False) -> ImportReport:
    """Import a records CSV all-or-nothing (or skipping bad rows with ``skip_bad``)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in KNOWN]
    if missing or unknown:
        raise InvalidInput(
            f"{path}: bad header",
            problems=[f"missing column {c}" for c in missing]
            + [f"unknown column {c}" for c in unknown],
            hint=f"columns: {', '.join(KNOWN)}",
        )
    rows: list[Record] = []
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        record, issues = _row(line, row)
        problems.extend(issues)
        if record is not None:
            rows.append(record)
    if problems and not skip_bad:
        raise InvalidInput(
            f"{path}: {len(problems)} problem(s); nothing was imported",
            problems=problems,
            hint="fix the rows or pass --skip-bad",
        )
    store.add(*rows)
    return ImportReport(imported=len(rows), skipped=problems)
