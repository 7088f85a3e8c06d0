"""Graded submissions stored as a grading would store them, without Docker: for the scoring,
cohort-evidence and server tests (importable from any test: tests/ is on sys.path through its
conftest)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from harness.result import (
    GradingResult,
    ItemKind,
    ItemResult,
    Regression,
    ResultStatus,
    Review,
    Scope,
    Verdict,
    dump_result,
)
from harness.store import Result, Store, Submission


def add_graded(
    store: Store,
    candidate: str,
    scenario: str,
    flaws: Mapping[str, bool],
    keeps: Mapping[str, bool] | None = None,
    *,
    severities: Mapping[str, int] | None = None,
    recall: float = 0.5,
    regression: tuple[int, int] = (10, 10),
    version: str = "1.0.0",
    at: datetime | None = None,
    days_ago: float = 0,
    status: str = "graded",
    backend: str = "docker",
) -> Submission:
    """Store one graded submission of ``candidate`` on ``scenario`` with these item verdicts:
    ``flaws`` maps flaw id -> fixed, ``keeps`` maps keep id -> kept. ``status`` and ``backend``
    make results that are not evidence (an infrastructure error, a run without isolation)."""
    sub = Submission(
        candidate=candidate,
        scenario_id=scenario,
        scenario_version=version,
        scenario_ref=scenario,
        seed=1,
        diff="",
        review="",
        content_hash="x",
        source="patch",
        findings=[],
        submitted_at=(at or datetime.now(UTC)) - timedelta(days=days_ago),
    )
    store.add(sub)
    items = [
        ItemResult(
            id=fid,
            kind=ItemKind.FLAW,
            severity=(severities or {}).get(fid, 2),
            verdict=Verdict.FIXED if ok else Verdict.NOT_FIXED,
        )
        for fid, ok in flaws.items()
    ] + [
        ItemResult(id=kid, kind=ItemKind.KEEP, verdict=Verdict.KEPT if ok else Verdict.LOST)
        for kid, ok in (keeps or {}).items()
    ]
    data = dump_result(
        GradingResult(
            status=ResultStatus(status),
            items=tuple(items),
            regression=Regression(passed=regression[0], total=regression[1]),
            review=Review(findings=1, named={}, recall=recall, precision=recall, matched=1),
            scope=Scope(
                files_touched=("a",),
                outside_needed=(),
                lines_changed=1,
                reference_lines=1,
                protected_attempts=0,
                in_scope=1,
                out_of_scope=0,
            ),
        )
    )
    store.add(
        Result(
            submission_id=sub.id, key="k", status=status, backend=backend,
            isolated=backend == "docker", data=data,
        )
    )  # fmt: skip
    return sub
