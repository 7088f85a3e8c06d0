"""The JSON exchange file (schema 3): a store's evidence out, and back into another store.

The file carries everything scoring needs — submissions, their grading results, assessor
overrides, delivery records (and the assignments submissions point at) — row for row with their
ids and timestamps, so importing it into an empty store reproduces the same scores. Scores are
included too, for readers of the file; import ignores them and recomputes. docs/export-format.md
documents every field. Import validates the whole file first and imports nothing when anything is
wrong, listing every problem. Candidate ids are normalised on import
(:func:`~harness.store.normalise_candidate`), the names as written kept for display, so a file
from before normalisation joins the same people as the store.

Self-reported group memberships are deliberately not in the file: they are imported on their own
(``dsim groups import``) and must never travel with results (docs/privacy.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from harness import __version__
from harness.errors import InvalidInput
from harness.result import dump_result, load_result
from harness.store import (
    Assignment,
    Base,
    Override,
    Record,
    Result,
    Store,
    Submission,
    display_name,
    key_of,
    normalise_candidate,
)

#: The exchange file's schema. 3: candidate names beside ids, delivery records with their key,
#: source id and tombstone. 2: results carry result schema 2 (typed, findings as codes); 1 (dsim
#: 0.1.0): results upgraded on import. Every one is still read.
SCHEMA = 3
READS = (1, 2, 3)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AssignmentRow(_Row):
    id: str
    candidate: str
    candidate_name: str = ""
    scenario_id: str
    scenario_version: str
    scenario_hash: str
    scenario_ref: str
    seed: int
    variables: dict[str, Any]
    workspace: str
    base_commit: str
    started_at: datetime


class SubmissionRow(_Row):
    id: str
    assignment_id: str | None
    candidate: str
    candidate_name: str = ""
    scenario_id: str
    scenario_version: str
    scenario_ref: str
    seed: int
    diff: str
    review: str
    content_hash: str
    source: str
    elapsed_seconds: float | None
    findings: list[Any]
    submitted_at: datetime


class ResultRow(_Row):
    id: str
    submission_id: str
    key: str
    status: str
    backend: str
    isolated: bool
    data: dict[str, Any]
    """The result as stored; one written by dsim 0.1.0 (result schema 1) is upgraded on import,
    so every stored result carries the current schema."""
    graded_at: datetime

    @field_validator("data")
    @classmethod
    def _current_schema(cls, data: dict[str, Any]) -> dict[str, Any]:
        try:
            return dump_result(load_result(data))
        except InvalidInput as exc:
            raise ValueError(exc.message) from exc


class OverrideRow(_Row):
    id: str
    submission_id: str
    item: str
    verdict: str
    reason: str
    by: str
    at: datetime


class RecordRow(_Row):
    id: str
    key: str | None = None
    """Absent before schema 3: computed on import from the record's content."""
    source_id: str | None = None
    engineer: str
    engineer_name: str = ""
    date: datetime
    source: str
    dimension: str | None
    outcome: Literal["pass", "fail"]
    weight: float = Field(gt=0)
    note: str
    deleted_at: datetime | None = None
    deleted_by: str | None = None
    deleted_reason: str | None = None


class ExchangeFile(_Row):
    """The whole file."""

    schema_: Literal[1, 2, 3] = Field(alias="schema")
    dsim_version: str
    exported_at: datetime
    candidates: list[str]
    scores: list[dict[str, Any]] = []
    assignments: list[AssignmentRow] = []
    submissions: list[SubmissionRow] = []
    results: list[ResultRow] = []
    overrides: list[OverrideRow] = []
    records: list[RecordRow] = []


_TABLES: list[tuple[str, type[_Row], type[Base]]] = [
    ("assignments", AssignmentRow, Assignment),
    ("submissions", SubmissionRow, Submission),
    ("results", ResultRow, Result),
    ("overrides", OverrideRow, Override),
    ("records", RecordRow, Record),
]


def _plain(row: Base, model: type[_Row]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in model.model_fields:
        value = getattr(row, name)
        if isinstance(value, datetime):
            value = (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
        out[name] = value
    return out


def export_data(
    store: Store,
    scores: Iterable[Any],
    *,
    candidate: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The exchange file as a dict; ``candidate`` keeps one candidate's rows only."""
    from sqlalchemy import select

    candidate = normalise_candidate(candidate) if candidate is not None else None

    with store.session() as s:
        subs = [
            r
            for r in s.scalars(select(Submission).order_by(Submission.submitted_at))
            if candidate is None or r.candidate == candidate
        ]
        ids = {r.id for r in subs}
        wanted = {r.assignment_id for r in subs if r.assignment_id}
        records = [
            r
            for r in s.scalars(select(Record).order_by(Record.date))
            if candidate is None or r.engineer == candidate
        ]
        rows: dict[str, list[Base]] = {
            "assignments": [r for r in s.scalars(select(Assignment)) if r.id in wanted],
            "submissions": list(subs),
            "results": [
                r
                for r in s.scalars(select(Result).order_by(Result.graded_at))
                if r.submission_id in ids
            ],
            "overrides": [
                r
                for r in s.scalars(select(Override).order_by(Override.at))
                if r.submission_id in ids
            ],
            "records": list(records),
        }
    chosen = [sc for sc in scores if candidate is None or sc.candidate == candidate]
    names = sorted({r.candidate for r in subs} | {r.engineer for r in records})
    return {
        "schema": SCHEMA,
        "dsim_version": __version__,
        "exported_at": (now or datetime.now(UTC)).isoformat(),
        "candidates": names,
        "scores": [sc.as_dict() for sc in chosen],
        **{key: [_plain(r, model) for r in rows[key]] for key, model, _ in _TABLES},
    }


def export_json(store: Store, scores: Iterable[Any], *, candidate: str | None = None) -> str:
    return (
        json.dumps(export_data(store, scores, candidate=candidate), indent=1, ensure_ascii=False)
        + "\n"
    )


def _problems(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        where = ".".join("schema" if p == "schema_" else str(p) for p in err["loc"])
        out.append(f"{where}: {err['msg']}")
    return out


def _references(parsed: ExchangeFile, store: Store, records: list[Record]) -> list[str]:
    """Dangling references, and ids or record keys that already exist in the store."""
    from sqlalchemy import select

    problems = []
    subs = {r.id for r in parsed.submissions}
    assignments = {r.id for r in parsed.assignments}
    for key in ("results", "overrides"):
        for n, row in enumerate(getattr(parsed, key)):
            if row.submission_id not in subs:
                problems.append(f"{key}.{n}: submission {row.submission_id} is not in the file")
    for n, sub in enumerate(parsed.submissions):
        if sub.assignment_id and sub.assignment_id not in assignments:
            problems.append(f"submissions.{n}: assignment {sub.assignment_id} is not in the file")
    with store.session() as s:
        for key, _, table in _TABLES:
            ids = [r.id for r in getattr(parsed, key)]
            if len(set(ids)) != len(ids):
                problems.append(f"{key}: duplicate ids")
            column = table.__table__.c.id
            taken = list(s.scalars(select(column).where(column.in_(ids)))) if ids else []
            problems.extend(f"{key}: id {i} is already in the store" for i in taken)
        keys = [r.key for r in records]
        if len(set(keys)) != len(keys):
            problems.append("records: the same record (key) more than once")
        stored: set[str] = set()
        for i in range(0, len(keys), 500):  # bounded IN lists: databases cap parameters
            stored.update(s.scalars(select(Record.key).where(Record.key.in_(keys[i : i + 500]))))
        problems.extend(
            f"records: {r.id} is already in the store as another record (same key)"
            for r in records
            if r.key in stored
        )
    return problems


def _utc(value: Any) -> Any:
    """Timestamps go into the store in UTC (SQLite keeps no offset)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value


def _new_row(table: type[Base], row: _Row) -> Base:
    """The store row of a file row: timestamps in UTC, candidate ids normalised (the name as
    written kept), a record's key computed when the file has none."""
    values = {k: _utc(v) for k, v in row.model_dump().items()}
    for id_field, name_field in (("candidate", "candidate_name"), ("engineer", "engineer_name")):
        if id_field in values:
            values[name_field] = values.get(name_field) or display_name(values[id_field])
            values[id_field] = normalise_candidate(values[id_field])
    made = table(**values)
    if isinstance(made, Record) and not made.key:
        made.key = key_of(made)
    return made


def import_data(store: Store, data: Any) -> dict[str, int]:
    """Validate an exchange file and add its rows to ``store``; all or nothing."""
    if not isinstance(data, dict):
        raise InvalidInput("not a dsim export: expected a JSON object")
    if data.get("schema") not in READS:
        raise InvalidInput(
            f"export schema {data.get('schema')!r} is not supported",
            hint=f"this dsim reads schemas {', '.join(map(str, READS))}",
        )
    try:
        parsed = ExchangeFile.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            "the export file is invalid; nothing was imported", problems=_problems(exc)
        ) from exc
    rows = [_new_row(table, row) for key, _, table in _TABLES for row in getattr(parsed, key)]
    problems = _references(parsed, store, [r for r in rows if isinstance(r, Record)])
    if problems:
        raise InvalidInput(
            "the export file does not fit this store; nothing was imported",
            problems=problems,
            hint="import into an empty store (--db / --home)",
        )
    store.add(*rows)
    return {key: len(getattr(parsed, key)) for key, _, _ in _TABLES}


def import_file(store: Store, path: Path) -> dict[str, int]:
    """``dsim import FILE``: read and import an exchange file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from exc
    return import_json(store, text)


def import_json(store: Store, text: str) -> dict[str, int]:
    """Import an exchange file's text (see :func:`import_data`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not valid JSON: {exc}") from exc
    return import_data(store, data)
