"""Timing flags: a complete solution far inside the budget, and a submission long after it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from harness.cli import cli
from harness.integrity import Attempt, TimingFlag, signals


def attempt(name: str, minutes: float, *, complete: bool = True) -> Attempt:
    return Attempt(
        candidate=name,
        submission_id=f"s-{name}",
        scenario_id="greet-demo",
        minutes=minutes,
        budget_minutes=40,
        complete=complete,
    )


def test_a_complete_solution_in_a_small_share_of_the_budget_is_flagged_with_numbers() -> None:
    cohort = [attempt("a", 35), attempt("b", 30), attempt("c", 5), attempt("d", 38)]
    (flag,) = signals(cohort)
    assert flag.flag is TimingFlag.FAST_COMPLETE and flag.attempt.candidate == "c"
    assert flag.cohort_median == 32.5 and flag.faster_than == 0.75
    assert "after 5 min (budget 40 min; cohort median 32 min over 4" in flag.text()
    assert "12% of the budget" in flag.text()


def test_a_fast_incomplete_solution_is_not_flagged() -> None:
    assert signals([attempt("a", 3, complete=False), attempt("b", 30)]) == []


def test_a_submission_long_after_the_budget_is_flagged() -> None:
    (flag,) = signals([attempt("late", 200, complete=False), attempt("b", 30)])
    assert flag.flag is TimingFlag.LATE and "5.0 times the budget" in flag.text()
    assert flag.cohort_median is None  # two attempts are no cohort


def test_dsim_timing_reads_the_store(tmp_path: object) -> None:
    out = CliRunner().invoke(cli, ["--home", str(tmp_path), "timing", "--json"])
    assert out.exit_code == 0 and json.loads(out.output) == []
