"""One report section built from a typed result, without a scenario on disk."""

from __future__ import annotations

from datetime import UTC, datetime

from harness.reports.candidate import build_section
from harness.result import (
    GradingResult,
    HiddenTests,
    ItemKind,
    ItemSummary,
    Outcome,
    Regression,
    ResultStatus,
    RunStatus,
    TestOutcome,
)
from harness.scoring.posterior import GradedSubmission
from harness.store import Submission

REG = ("tests/test_a.py::test_one", "tests/test_a.py::test_two")


def graded(result: GradingResult) -> GradedSubmission:
    return GradedSubmission(
        submission_id="s1", result_id="r1", candidate="ada", scenario="gone", version="1.0.0",
        submitted_at=datetime(2026, 11, 28, tzinfo=UTC), summary=result.summary(),
        items=tuple(ItemSummary(id=i.id, kind=ItemKind(i.kind), verdict=i.verdict)
                    for i in result.items), overrides=(), full=result,
    )  # fmt: skip


def submission() -> Submission:
    return Submission(
        id="s1", candidate="ada", scenario_id="gone", scenario_version="1.0.0",
        scenario_ref="/nowhere/gone", seed=1, diff="", review="", content_hash="x",
        source="patch", findings=[],
    )  # fmt: skip


def test_a_void_run_lists_every_regression_test_it_does_not_count():
    # In a void run the regression tests passed but none of them counts: the page must not say
    # "0 / 2 still pass" and then "all regression tests pass".
    result = GradingResult(
        status=ResultStatus.GRADED,
        void=True,
        regression=Regression(total=2, passed=0, failed=REG),
        hidden=HiddenTests(
            status=RunStatus.COMPLETED,
            void=True,
            tests={t: TestOutcome(outcome=Outcome.PASSED) for t in REG},
        ),
    )
    section = build_section(graded(result), submission(), "s1")
    assert section.regression == (0, 2)
    assert [r.test for r in section.regressions] == list(REG)
    assert section.missing  # the scenario is not here: the section says so and still renders


def test_a_result_reads_as_one_line_in_listings():
    result = GradingResult(status=ResultStatus.GRADED, regression=Regression(total=3, passed=2))
    assert result.text() == "0/0 flaws fixed, 0/0 kept, regression 2/3"
    failed = GradingResult(status=ResultStatus.INFRA_ERROR, error="Docker engine not reachable")
    assert failed.text() == "Docker engine not reachable"
