"""The candidate's own feedback: what kinds of flaws they missed and what to practise.

Invariant: nothing here reaches the page that the candidate must not see. The model is built from
counts and categories only — no hidden test ids or messages, no flaw ids, titles or locations, no
assessor reasons, no other candidate's name, results or percentile. The template can only show
what this model holds, so the guarantee is checked here, in one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from harness.reports.render import Interval, interval_of, practice, render
from harness.result import ItemKind, Verdict
from harness.scoring.posterior import CandidateScore, GradedSubmission
from harness.scoring.profile import DIMENSIONS, Profile
from harness.store import Store


@dataclass(frozen=True, kw_only=True)
class Practice:
    """One kind of flaw (category) and how the candidate did on it."""

    category: str
    label: str
    missed: int
    total: int
    advice: str
    drills: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Habit:
    """A working habit to improve (keeping good work, not breaking things, explaining, scope)."""

    dimension: str
    label: str
    advice: str


@dataclass(frozen=True, kw_only=True)
class Attempt:
    """One scenario the candidate took, in counts only."""

    title: str
    brief: str
    fixed: int
    flaws: int
    kept: int
    keeps: int
    regression: tuple[int, int]
    named: int
    elapsed_seconds: float | None
    budget_seconds: float | None


@dataclass(frozen=True, kw_only=True)
class Feedback:
    """Everything the candidate view shows."""

    candidate: str
    generated_at: datetime
    interval_mass: float
    overall: Interval
    dimensions: Mapping[str, Interval]
    missed: tuple[Practice, ...]
    strengths: tuple[Practice, ...]
    habits: tuple[Habit, ...]
    attempts: tuple[Attempt, ...]
    integrity_flags: int


def _attempt(store: Store, graded: GradedSubmission) -> Attempt:
    from harness.errors import DsimError
    from harness.scenarios.scenario import resolve

    sub = store.submission(graded.submission_id)
    title, brief, budget = graded.scenario, "", None
    try:
        manifest = resolve(sub.scenario_ref).manifest
        title, brief = manifest.title, manifest.summary
        budget = manifest.time_budget_minutes * 60.0
    except DsimError:
        pass  # the counts below come from the stored result alone
    flaws = [i for i in graded.items if i.kind == ItemKind.FLAW]
    keeps = [i for i in graded.items if i.kind == ItemKind.KEEP]
    reg = graded.result.regression
    review = graded.result.review
    return Attempt(
        title=title,
        brief=brief,
        fixed=sum(i.verdict == Verdict.FIXED for i in flaws),
        flaws=len(flaws),
        kept=sum(i.verdict == Verdict.KEPT for i in keeps),
        keeps=len(keeps),
        regression=(reg.passed, reg.total),
        named=sum(review.named.values()) if review is not None else 0,
        elapsed_seconds=sub.elapsed_seconds,
        budget_seconds=budget,
    )


def _categories(runs: list[GradedSubmission]) -> tuple[tuple[Practice, ...], tuple[Practice, ...]]:
    texts = practice()["categories"]
    missed: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for g in runs:
        for item in g.result.items:
            if item.kind != ItemKind.FLAW or item.verdict == Verdict.FLAKY:
                continue
            category = item.category or "correctness"
            total[category] += 1
            missed[category] += item.verdict != Verdict.FIXED
    rows = [
        Practice(
            category=c,
            label=texts.get(c, {}).get("label", c),
            missed=missed[c],
            total=total[c],
            advice=texts.get(c, {}).get("advice", ""),
            drills=tuple(texts.get(c, {}).get("practise", ())),
        )
        for c in sorted(total)
    ]
    rows.sort(key=lambda p: (-p.missed, p.category))
    return (tuple(p for p in rows if p.missed), tuple(p for p in rows if not p.missed))


def _habits(score: CandidateScore, attempts: list[Attempt]) -> tuple[Habit, ...]:
    texts = practice()["habits"]
    weak = {
        "keep": any(a.kept < a.keeps for a in attempts),
        "safety": any(a.regression[0] < a.regression[1] for a in attempts),
        "explain": any(a.named < a.flaws for a in attempts),
        "scope": score.dimensions["scope"].failures > 0,
    }
    return tuple(
        Habit(dimension=d, label=texts[d]["label"], advice=texts[d]["advice"])
        for d, flag in weak.items()
        if flag
    )


def build_feedback(
    store: Store, score: CandidateScore, profile: Profile, *, now: datetime | None = None
) -> Feedback:
    """The candidate-facing view of one scored candidate."""
    runs = sorted(score.graded, key=lambda g: (g.submitted_at, g.scenario))
    attempts = [_attempt(store, g) for g in runs]
    missed, strengths = _categories(runs)
    return Feedback(
        candidate=score.candidate,
        generated_at=now or datetime.now(UTC),
        interval_mass=profile.interval,
        overall=interval_of(score.overall),
        dimensions={d: interval_of(score.dimensions[d]) for d in DIMENSIONS},
        missed=missed,
        strengths=strengths,
        habits=_habits(score, attempts),
        attempts=tuple(attempts),
        integrity_flags=sum(len(g.result.integrity) + g.result.void for g in runs),
    )


def render_feedback(feedback: Feedback) -> str:
    """The candidate view as one self-contained HTML document."""
    return render(
        "feedback.html.j2",
        f=feedback,
        generated_at=feedback.generated_at,
        interval_mass=feedback.interval_mass,
    )
