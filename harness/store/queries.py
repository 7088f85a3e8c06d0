"""The reads scoring makes over a whole cohort, written once against the tables.

Scoring a cohort must not decode every result's test output: these queries read the small
per-result summary column, derive it only for rows written without one, and load whole results
only for the candidates a caller names.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from harness.result import GradingResult, ResultSummary, load_result, load_summary
from harness.store.models import Override, Result, Store, Submission


@dataclass(frozen=True, kw_only=True)
class LatestResult:
    """One submission and its most recent result, as scoring needs them."""

    submission_id: str
    candidate: str
    scenario_id: str
    scenario_version: str
    submitted_at: datetime
    result_id: str
    status: str
    backend: str
    isolated: bool
    summary: ResultSummary


def _chunks(ids: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """Bounded ``IN (...)`` lists: databases cap the parameters of one statement."""
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def latest_results(store: Store) -> list[LatestResult]:
    """Every submission that has a result, with its latest one, oldest submission first."""
    subs, res = Submission.__table__.c, Result.__table__.c
    with store.session() as s:
        submissions = s.execute(
            select(
                subs.id, subs.candidate, subs.scenario_id, subs.scenario_version, subs.submitted_at
            ).order_by(subs.submitted_at)
        ).all()
        results = s.execute(
            select(
                res.id, res.submission_id, res.status, res.backend, res.isolated, res.summary
            ).order_by(res.graded_at)
        ).all()
        latest = {r.submission_id: r for r in results}
        summaries = {
            r.id: load_summary(r.summary) for r in latest.values() if r.summary is not None
        }
        missing = [r.id for r in latest.values() if r.summary is None]
        for chunk in _chunks(missing):  # written around the ORM: derive it here
            summaries.update(
                (rid, load_result(data).summary())
                for rid, data in s.execute(select(res.id, res.data).where(res.id.in_(chunk)))
            )
    return [
        LatestResult(
            submission_id=sub.id,
            candidate=sub.candidate,
            scenario_id=sub.scenario_id,
            scenario_version=sub.scenario_version,
            submitted_at=sub.submitted_at,
            result_id=r.id,
            status=r.status,
            backend=r.backend,
            isolated=r.isolated,
            summary=summaries[r.id],
        )
        for sub in submissions
        if (r := latest.get(sub.id)) is not None
    ]


def all_overrides(store: Store) -> list[Override]:
    with store.session() as s:
        return list(s.scalars(select(Override)))


def whole_results(store: Store, result_ids: Sequence[str]) -> dict[str, GradingResult]:
    """The whole stored results by id (test outcomes, output, findings)."""
    res = Result.__table__.c
    out: dict[str, GradingResult] = {}
    with store.session() as s:
        for chunk in _chunks(result_ids):
            out.update(
                (rid, load_result(data))
                for rid, data in s.execute(select(res.id, res.data).where(res.id.in_(chunk)))
            )
    return out
