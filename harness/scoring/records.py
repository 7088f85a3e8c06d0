"""Delivery records: outcomes of real AI-assisted changes, imported from CSV, listed, deleted.

Columns (header required, order free): engineer, date (ISO 8601), source, dimension (optional:
catch|keep|safety|explain|scope, empty = every dimension), outcome (pass|fail), weight (optional,
positive, default 1), note (optional), id (optional: the record's id in the system it came from).
A file with any bad row imports nothing unless ``skip_bad`` is set; every bad row is reported with
its line number.

Invariants: importing is idempotent. Each row has a stable key (:func:`harness.store.record_key`:
its ``id``, else its content), and a row whose key is already stored — even as a deleted
record — adds nothing and is counted as already present. The engineer column is a candidate id
(normalised); a deleted record keeps a tombstone saying who deleted it, when and why.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from harness.errors import DsimError, InvalidInput, NotFound
from harness.scoring.profile import DIMENSIONS
from harness.store import (
    Record,
    Store,
    display_name,
    key_of,
    near_duplicate_warning,
    normalise_candidate,
    now,
)

REQUIRED = ("engineer", "date", "source", "outcome")
KNOWN = (*REQUIRED, "dimension", "weight", "note", "id")


@dataclass(frozen=True, kw_only=True)
class ImportReport:
    """What an import did."""

    imported: int
    """Rows stored now."""
    already_present: int = 0
    """Rows whose key was stored before (or repeated within the file): nothing added."""
    skipped: list[str]
    """Bad rows left out with ``skip_bad``, one line each."""
    warnings: list[str] = field(default_factory=list)
    """Engineers who are new but close to an existing candidate id."""


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
    record = Record(
        engineer=normalise_candidate(values["engineer"]),
        engineer_name=display_name(values["engineer"]),
        date=moment,
        source=values["source"],
        dimension=values["dimension"] or None,
        outcome=values["outcome"].lower(),
        weight=weight,
        note=values["note"],
        source_id=values["id"] or None,
    )
    record.key = key_of(record)
    return record, []


def read_csv(path: Path, *, required: Sequence[str], known: Sequence[str]) -> csv.DictReader[str]:
    """The rows of a CSV file someone handed to dsim, after its header is checked: every missing
    and unknown column is listed at once (names trimmed; a byte-order mark is ignored).

    Raises:
        InvalidInput: the file cannot be read, or its header is wrong.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in known]
    if missing or unknown:
        raise InvalidInput(
            f"{path}: bad header",
            problems=[f"missing column {c}" for c in missing]
            + [f"unknown column {c}" for c in unknown],
            hint=f"columns: {', '.join(known)}",
        )
    reader.fieldnames = header
    return reader


def import_csv(store: Store, path: Path, *, skip_bad: bool = False) -> ImportReport:
    """Import a records CSV all-or-nothing (or skipping bad rows with ``skip_bad``)."""
    reader = read_csv(path, required=REQUIRED, known=KNOWN)
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
    return _store_new(store, rows, problems)


def _store_new(store: Store, rows: list[Record], skipped: list[str]) -> ImportReport:
    """Add the rows whose key is not stored yet, in one transaction."""
    known = store.candidates()
    warnings = []
    for engineer in dict.fromkeys(r.engineer for r in rows):  # file order: the first is known
        if engineer not in known:
            warning = near_duplicate_warning(engineer, known)
            if warning is not None:
                warnings.append(warning)
            known.add(engineer)
    try:
        with store.session() as s:
            keys = [r.key for r in rows]
            stored: set[str] = set()
            for i in range(0, len(keys), 500):  # bounded IN lists: databases cap parameters
                chunk = keys[i : i + 500]
                stored.update(s.scalars(select(Record.key).where(Record.key.in_(chunk))))
            new: dict[str, Record] = {}
            for row in rows:
                if row.key not in stored:
                    new.setdefault(row.key, row)
            s.add_all(new.values())
    except IntegrityError as exc:  # the unique key: another import stored some rows meanwhile
        raise DsimError(
            "another import stored some of these records at the same time; nothing was imported",
            hint="run the import again: it adds only what is missing",
        ) from exc
    return ImportReport(
        imported=len(new),
        already_present=len(rows) - len(new),
        skipped=skipped,
        warnings=warnings,
    )


def list_records(
    store: Store, *, candidate: str | None = None, deleted: bool = False
) -> list[Record]:
    """``dsim records list``: a candidate's (or everyone's) records, oldest first; tombstoned
    ones too with ``deleted``."""
    return store.records(candidate, deleted=deleted)


def delete_record(store: Store, record_id: str, *, by: str, reason: str = "") -> Record:
    """``dsim records delete ID``: tombstone one record (who, when, why); scoring stops counting
    it and re-importing it adds nothing. ``record_id`` may be a unique prefix.

    Raises:
        NotFound: no live record has that id (or the prefix is ambiguous).
        InvalidInput: ``by`` is empty.
    """
    if not by.strip():
        raise InvalidInput("say who deletes the record", hint="pass --by NAME")
    with store.session() as s:
        matches = list(
            s.scalars(
                select(Record).where(
                    Record.id.startswith(record_id, autoescape=True), Record.deleted_at.is_(None)
                )
            )
        )
        exact = [r for r in matches if r.id == record_id]
        if exact:
            matches = exact
        if len(matches) != 1:
            raise NotFound(
                f"no record {record_id!r}"
                if not matches
                else f"{record_id!r} matches {len(matches)} records",
                hint="`dsim records list` shows record ids",
            )
        row = matches[0]
        row.deleted_at = now()
        row.deleted_by = by.strip()
        row.deleted_reason = reason.strip() or None
        return row
