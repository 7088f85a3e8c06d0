"""Timing signals: how long a candidate took from the workspace download (or ``dsim start``) to
the submission, against the scenario's time budget and against the cohort.

Two patterns are flagged for a human, with the numbers: a complete solution (every flaw fixed,
every keep kept) in a small share of the budget, and a submission long after the budget. Neither
is proof of anything (a candidate may have known the bug, or come back after a weekend); a flag
never changes a verdict or a score.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class TimingFlag(StrEnum):
    FAST_COMPLETE = "fast_complete"
    """A complete solution in under ``fast_share`` of the budget."""
    LATE = "late"
    """Submitted after more than ``late_factor`` times the budget."""


@dataclass(frozen=True, kw_only=True)
class TimingSettings:
    """When a time is worth a human's look."""

    fast_share: float = 0.2
    """A complete solution faster than this share of the budget is flagged."""
    late_factor: float = 3.0
    """A submission later than this many budgets after the download is flagged."""


@dataclass(frozen=True, kw_only=True)
class Attempt:
    """One candidate's latest submission to a scenario, timed."""

    candidate: str
    submission_id: str
    scenario_id: str
    minutes: float
    """From the download (or ``dsim start``) to the submission."""
    budget_minutes: int
    """The scenario's ``time_budget_minutes``."""
    complete: bool
    """Graded with every flaw fixed and every keep kept."""


@dataclass(frozen=True, kw_only=True)
class TimingSignal:
    """A flagged attempt and the numbers a human needs to judge it."""

    attempt: Attempt
    flag: TimingFlag
    cohort_median: float | None
    """Median minutes of the scenario's cohort (None below three attempts)."""
    cohort_size: int
    faster_than: float | None
    """Share of the cohort that took longer (0..1; None below three attempts)."""

    def text(self) -> str:
        a = self.attempt
        line = f"{a.candidate}: {a.scenario_id} submitted after {a.minutes:.0f} min "
        line += f"(budget {a.budget_minutes} min"
        if self.cohort_median is not None and self.faster_than is not None:
            line += (
                f"; cohort median {self.cohort_median:.0f} min over {self.cohort_size}, "
                f"{self.faster_than:.0%} took longer"
            )
        line += ")"
        share = a.minutes / a.budget_minutes
        if self.flag is TimingFlag.FAST_COMPLETE:
            return line + f": a complete solution in {share:.0%} of the budget"
        return line + f": {share:.1f} times the budget"


def signals(
    attempts: Sequence[Attempt], settings: TimingSettings | None = None
) -> list[TimingSignal]:
    """The flagged attempts, by scenario then candidate; the cohort is each scenario's attempts."""
    settings = settings or TimingSettings()
    by_scenario: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_scenario.setdefault(attempt.scenario_id, []).append(attempt)
    out = []
    for scenario_id in sorted(by_scenario):
        cohort = by_scenario[scenario_id]
        times = [a.minutes for a in cohort]
        median = statistics.median(times) if len(times) >= 3 else None
        for attempt in sorted(cohort, key=lambda a: a.candidate):
            flag = None
            if attempt.complete and attempt.minutes < settings.fast_share * attempt.budget_minutes:
                flag = TimingFlag.FAST_COMPLETE
            elif attempt.minutes > settings.late_factor * attempt.budget_minutes:
                flag = TimingFlag.LATE
            if flag is None:
                continue
            longer = sum(t > attempt.minutes for t in times) / len(times) if median else None
            out.append(
                TimingSignal(
                    attempt=attempt,
                    flag=flag,
                    cohort_median=median,
                    cohort_size=len(times),
                    faster_than=longer,
                )
            )
    return out
