"""The store: assignments, submissions, grading results, overrides and delivery records.

One SQLAlchemy schema, any SQLAlchemy URL (SQLite embedded by default, PostgreSQL by URL); nothing
here assumes SQLite. This is the one place that knows the storage layout. Results are keyed by
content (submission content, scenario content, harness version), never by run id alone, so a
changed submission is never served a stale result. The tables change only through a revision in
``migrations/``, applied when a store is opened (a test fails when the two disagree).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from harness.errors import InfraError, NotFound
from harness.result import (
    GradingResult,
    dump_summary,
    load_result,
)
from harness.store.candidates import normalise_candidate


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class Base(DeclarativeBase):
    pass


class Assignment(Base):
    """A scenario handed to a candidate (``dsim start``)."""

    __tablename__ = "assignments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate: Mapped[str] = mapped_column(String(200), index=True)
    """The candidate id (:func:`~harness.store.candidates.normalise_candidate`)."""
    candidate_name: Mapped[str] = mapped_column(String(200), default="")
    """The name as typed at ``dsim start``, for display."""
    scenario_id: Mapped[str] = mapped_column(String(100), index=True)
    scenario_version: Mapped[str] = mapped_column(String(40))
    scenario_hash: Mapped[str] = mapped_column(String(64))
    scenario_ref: Mapped[str] = mapped_column(Text)
    """Built-in id, or the absolute folder of a scenario outside the library."""
    seed: Mapped[int] = mapped_column(BigInteger)
    variables: Mapped[dict[str, Any]] = mapped_column(JSON)
    workspace: Mapped[str] = mapped_column(Text)
    base_commit: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    invite_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    """The invite it was downloaded through (``dsim serve``); None for ``dsim start``."""


class Submission(Base):
    """A candidate's change and review notes (``dsim submit``); history is kept."""

    __tablename__ = "submissions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    assignment_id: Mapped[str | None] = mapped_column(ForeignKey("assignments.id"), nullable=True)
    candidate: Mapped[str] = mapped_column(String(200), index=True)
    """The candidate id (:func:`~harness.store.candidates.normalise_candidate`)."""
    candidate_name: Mapped[str] = mapped_column(String(200), default="")
    """The name as typed (from the assignment, or ``--candidate`` with ``--patch``)."""
    scenario_id: Mapped[str] = mapped_column(String(100), index=True)
    scenario_version: Mapped[str] = mapped_column(String(40))
    scenario_ref: Mapped[str] = mapped_column(Text)
    """Built-in id, or the absolute folder of a scenario outside the library."""
    seed: Mapped[int] = mapped_column(BigInteger)
    diff: Mapped[str] = mapped_column(Text)
    review: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(20))
    elapsed_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Result(Base):
    """The outcome of grading one submission's content against one scenario content."""

    __tablename__ = "results"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20))
    backend: Mapped[str] = mapped_column(String(20))
    isolated: Mapped[bool] = mapped_column(default=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    """:func:`result_summary` of ``data``, filled on insert: what scoring reads, so scoring a
    cohort never decodes every result's test output."""
    graded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    @property
    def result(self) -> GradingResult:
        """The typed result (stored JSON of any schema this dsim reads)."""
        return load_result(self.data)


def result_summary(data: dict[str, Any]) -> dict[str, Any]:
    """The stored summary of stored result data (either schema): item verdicts (id, kind,
    severity, verdict), regression totals, review recall and precision, scope counts — a few
    hundred bytes where ``data`` is 10-20 KB of tests and output."""
    return dump_summary(load_result(data).summary())


@event.listens_for(Result, "before_insert")
def _summarize_on_insert(_mapper: Any, _connection: Any, target: Result) -> None:
    if target.summary is None:
        target.summary = result_summary(target.data)


class Override(Base):
    """An assessor's change to one verdict; the original stays in ``results``."""

    __tablename__ = "overrides"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    item: Mapped[str] = mapped_column(String(100))
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Record(Base):
    """A delivery observation: the outcome of one real AI-assisted change.

    Deleting one leaves a tombstone (``deleted_at``, ``deleted_by``, ``deleted_reason``): the row
    stays for the audit trail and its ``key`` stays taken, so importing the same file again does
    not bring a deleted record back. Scoring reads only rows without a tombstone.
    """

    __tablename__ = "records"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(100), unique=True, default=lambda c: _default_key(c))
    """Stable identity: from the CSV's ``id`` column when given, else from the row's content
    (:func:`record_key`); re-importing a row with a key already stored adds nothing."""
    source_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """The record's id in the system it came from (the CSV's ``id`` column), if any."""
    engineer: Mapped[str] = mapped_column(String(200), index=True)
    """The candidate id (:func:`~harness.store.candidates.normalise_candidate`)."""
    engineer_name: Mapped[str] = mapped_column(String(200), default="")
    """The engineer as the CSV spelled it, for display."""
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome: Mapped[str] = mapped_column(String(10))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    note: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    deleted_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    deleted_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


def record_key(
    *,
    source_id: str | None,
    engineer: str,
    date: datetime,
    source: str,
    dimension: str | None,
    outcome: str,
    weight: float,
    note: str,
) -> str:
    """A delivery record's stable key: ``id:`` + a hash of (source, the source system's id) when
    there is one — two systems may use the same ids — else
    ``sha256:`` + a hash of its content (engineer id, date in UTC, source, dimension, outcome,
    weight, note), so the same row imported twice has the same key. Revision 0004 keeps a copy."""
    if source_id:
        scoped = f"{source.strip()}\0{source_id.strip()}"
        return "id:" + hashlib.sha256(scoped.encode()).hexdigest()
    moment = date.astimezone(UTC) if date.tzinfo else date.replace(tzinfo=UTC)
    fields = (
        normalise_candidate(engineer),
        moment.isoformat(),
        source.strip(),
        dimension or "",
        outcome.lower(),
        repr(float(weight)),
        note.strip(),
    )
    return "sha256:" + hashlib.sha256("\0".join(fields).encode()).hexdigest()


def key_of(row: Record) -> str:
    """:func:`record_key` of a record row."""
    return record_key(
        source_id=row.source_id,
        engineer=row.engineer,
        date=row.date,
        source=row.source,
        dimension=row.dimension,
        outcome=row.outcome,
        weight=row.weight if row.weight is not None else 1.0,
        note=row.note or "",
    )


def _default_key(context: Any) -> str:
    """The key of a record inserted without one, from the row being inserted: ORM rows and
    rows written around the ORM (bulk inserts) alike."""
    row = context.get_current_parameters()
    weight = row.get("weight")
    return record_key(
        source_id=row.get("source_id"),
        engineer=row["engineer"],
        date=row["date"],
        source=row["source"],
        dimension=row.get("dimension"),
        outcome=row["outcome"],
        weight=1.0 if weight is None else weight,
        note=row.get("note") or "",
    )


class Store:
    """A handle on one database; cheap to create, safe to share between threads."""

    def __init__(self, url: str) -> None:
        """Open the store at ``url``, creating or upgrading its tables to this dsim's schema
        (:mod:`harness.store.migrations`); raises InfraError when it cannot be opened."""
        from harness.store import migrations

        self.url = url
        try:
            self.engine: Engine = create_engine(url, future=True)
            migrations.upgrade(self.engine)
        except SQLAlchemyError as exc:
            raise InfraError(
                f"cannot open the store at {url}",
                hint=f"check --db / DSIM_DB ({type(exc).__name__}: {exc})",
            ) from exc

    def fill_summaries(self, batch: int = 500) -> int:
        """Fill ``results.summary`` where it is missing (rows written around the ORM; stores from
        before the column are filled by their upgrade); returns how many rows were filled."""
        table = Result.__table__
        assert isinstance(table, Table)
        filled = 0
        while True:
            with self.engine.begin() as conn:
                rows = conn.execute(
                    select(table.c.id, table.c.data).where(table.c.summary.is_(None)).limit(batch)
                ).all()
                for rid, data in rows:
                    conn.execute(
                        update(table).where(table.c.id == rid).values(summary=result_summary(data))
                    )
            filled += len(rows)
            if len(rows) < batch:
                return filled

    def close(self) -> None:
        """Return every pooled connection (the store stays usable and reconnects on demand)."""
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def add(self, *rows: Base) -> None:
        with self.session() as s:
            s.add_all(rows)

    def submission(self, submission_id: str) -> Submission:
        with self.session() as s:
            row = s.get(Submission, submission_id)
            if row is None:
                row = s.scalars(
                    select(Submission).where(Submission.id.startswith(submission_id))
                ).first()
            if row is None:
                raise NotFound(
                    f"no submission {submission_id!r}", hint="`dsim results` lists submissions"
                )
            return row

    def submissions(
        self,
        *,
        candidate: str | None = None,
        scenario: str | None = None,
        latest_only: bool = False,
    ) -> list[Submission]:
        with self.session() as s:
            query = select(Submission).order_by(Submission.submitted_at)
            if candidate:
                query = query.where(Submission.candidate == normalise_candidate(candidate))
            if scenario:
                query = query.where(Submission.scenario_id == scenario)
            rows = list(s.scalars(query))
        if latest_only:
            latest: dict[tuple[str, str], Submission] = {}
            for row in rows:
                latest[(row.candidate, row.scenario_id)] = row
            rows = sorted(latest.values(), key=lambda r: r.submitted_at)
        return rows

    def assignment(self, assignment_id: str) -> Assignment:
        with self.session() as s:
            row = s.get(Assignment, assignment_id)
            if row is None:
                raise NotFound(
                    f"no assignment {assignment_id!r}",
                    hint="start the scenario again with `dsim start`",
                )
            return row

    def result_for(self, submission_id: str, key: str) -> Result | None:
        with self.session() as s:
            return s.scalars(
                select(Result)
                .where(
                    Result.submission_id == submission_id,
                    Result.key == key,
                    Result.status != "infra_error",
                )
                .order_by(Result.graded_at.desc())
            ).first()

    def latest_result(self, submission_id: str) -> Result | None:
        with self.session() as s:
            return s.scalars(
                select(Result)
                .where(Result.submission_id == submission_id)
                .order_by(Result.graded_at.desc())
            ).first()

    def overrides(self, submission_ids: Sequence[str]) -> list[Override]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(Override)
                    .where(Override.submission_id.in_(list(submission_ids)))
                    .order_by(Override.at)
                )
            )

    def records(self, engineer: str | None = None, *, deleted: bool = False) -> list[Record]:
        """Delivery records, oldest first; ``engineer`` is normalised; tombstoned ones only with
        ``deleted``."""
        with self.session() as s:
            query = select(Record).order_by(Record.date, Record.id)
            if engineer:
                query = query.where(Record.engineer == normalise_candidate(engineer))
            if not deleted:
                query = query.where(Record.deleted_at.is_(None))
            return list(s.scalars(query))

    def candidates(self) -> set[str]:
        """Every candidate id the store knows (assignments, submissions, delivery records)."""
        with self.session() as s:
            return (
                set(s.scalars(select(Assignment.candidate).distinct()))
                | set(s.scalars(select(Submission.candidate).distinct()))
                | set(s.scalars(select(Record.engineer).distinct()))
            )
