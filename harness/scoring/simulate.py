"""Simulated cohorts with known skill, scored by the real scoring code: the judgment score's
validation (validation/validate_scoring.py prints the tables; the tests run a fixed-seed subset).

Truth. Each candidate has a true level p per dimension, drawn from a skill distribution. On each
scenario (the real library's shapes: its flaws with their severities, its keeps):

- every flaw is fixed with probability p_catch, and named in REVIEW.md with probability
  p_explain (recall = named / flaws; the review names nothing else, so precision = recall);
- every keep is kept with probability p_keep;
- the regression suite survives whole with probability p_safety (else it breaks whole);
- the change stays within scope with probability p_scope.

Each simulated submission becomes a :class:`~harness.scoring.posterior.GradedSubmission` and goes
through :func:`~harness.scoring.posterior.simulation_evidence` and
:func:`~harness.scoring.model.posterior`, exactly as a graded one does. The true overall score is
the model's formula at the true levels. Nothing here touches a store.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np

from harness.result import (
    ItemKind,
    ItemSummary,
    RegressionTotals,
    ResultSummary,
    ReviewTotals,
    ScopeTotals,
    SummarySections,
    Verdict,
)
from harness.scoring.model import (
    COST,
    DrawnPrior,
    Evidence,
    Posterior,
    Prior,
    cohort_prior,
    posterior,
    totals_of,
)
from harness.scoring.posterior import GradedSubmission, simulation_evidence
from harness.scoring.profile import DIMENSIONS, GAIN, Profile

DISTRIBUTIONS: dict[str, tuple[float, float]] = {
    "symmetric Beta(2,2)": (2.0, 2.0),
    "skewed high Beta(5,1.5)": (5.0, 1.5),
    "skewed low Beta(1.5,5)": (1.5, 5.0),
}
"""Skill distributions of the simulated cohorts (per dimension, independent)."""
STRESS_DISTRIBUTIONS: dict[str, tuple[float, float]] = {
    "narrow Beta(6,6)": (6.0, 6.0),
    "wide Beta(1,1)": (1.0, 1.0),
}
"""Cohorts spread unlike the three above (a + b of 12 and 2 where theirs are 4 and 6.5): the
cohort prior's fit is checked on them too (validation/validate_scoring.py)."""
MIXED = "mixed per dimension"
MIXED_SKILL: dict[str, tuple[float, float]] = {
    "catch": (2.0, 2.0),
    "explain": (6.0, 6.0),
    "keep": (5.0, 1.5),
    "safety": (1.0, 1.0),
    "scope": (1.5, 5.0),
}
"""A cohort whose dimensions spread differently (validation/prior_alternatives.py)."""


def skill_distribution(name: str) -> dict[str, tuple[float, float]]:
    """Beta(a, b) per dimension of a named skill distribution."""
    if name == MIXED:
        return dict(MIXED_SKILL)
    a, b = {**DISTRIBUTIONS, **STRESS_DISTRIBUTIONS}[name]
    return dict.fromkeys(DIMENSIONS, (a, b))


NOW = datetime(2026, 1, 1, tzinfo=UTC)

PriorFit = Callable[[list[dict[str, list[float]]], Profile], "Prior | DrawnPrior"]
"""Fits a cohort prior from every candidate's (successes, failures) per dimension."""


@dataclass(frozen=True, kw_only=True)
class Shape:
    """What a scenario offers to be right or wrong about."""

    name: str
    severities: tuple[int, ...]
    keeps: int
    regression: int = 10


def library_shapes() -> list[Shape]:
    """The built-in scenarios' shapes."""
    from harness.scenarios.scenario import library

    return [
        Shape(
            name=s.id,
            severities=tuple(f.severity for f in s.manifest.flaws),
            keeps=len(s.manifest.keeps),
        )
        for s in library()
    ]


def true_overall(skill: dict[str, float], profile: Profile) -> float:
    gain = sum(profile.weights[d] * skill[d] for d in GAIN) / sum(profile.weights[d] for d in GAIN)
    cost = sum(profile.weights[d] * (1 - skill[d]) for d in COST) / sum(
        profile.weights[d] for d in COST
    )
    return gain * (1 - cost)


def submission(
    shape: Shape,
    *,
    fixed: Sequence[bool],
    named: int,
    kept: Sequence[bool],
    safe: bool,
    in_scope: bool,
    index: int = 0,
) -> GradedSubmission:
    """One graded submission with these outcomes."""
    flaws = len(shape.severities)
    items = [
        ItemSummary(
            id=f"f{i}",
            kind=ItemKind.FLAW,
            severity=sev,
            verdict=Verdict.FIXED if ok else Verdict.NOT_FIXED,
        )
        for i, (sev, ok) in enumerate(zip(shape.severities, fixed, strict=True))
    ] + [
        ItemSummary(id=f"k{i}", kind=ItemKind.KEEP, verdict=Verdict.KEPT if ok else Verdict.LOST)
        for i, ok in enumerate(kept)
    ]
    share = named / flaws if flaws else 0.0
    summary = ResultSummary(
        items=tuple(items),
        regression=RegressionTotals(total=shape.regression, passed=shape.regression if safe else 0),
        sections=SummarySections(
            review=ReviewTotals(recall=share, precision=share),
            scope=ScopeTotals(in_scope=1 if in_scope else 0, out_of_scope=0 if in_scope else 1),
        ),
    )
    return GradedSubmission(
        submission_id=f"s{index}",
        result_id=f"r{index}",
        candidate="simulated",
        scenario=f"{shape.name}#{index}",
        version="1.0.0",
        submitted_at=NOW,
        summary=summary,
        items=tuple(items),
        overrides=(),
    )


def simulate(
    rng: np.random.Generator, skill: dict[str, float], shapes: Sequence[Shape]
) -> list[GradedSubmission]:
    """One candidate's submissions on ``shapes``, drawn from their true levels."""
    out = []
    for index, shape in enumerate(shapes):
        flaws = len(shape.severities)
        out.append(
            submission(
                shape,
                fixed=list(rng.random(flaws) < skill["catch"]),
                named=int(rng.binomial(flaws, skill["explain"])),
                kept=list(rng.random(shape.keeps) < skill["keep"]),
                safe=bool(rng.random() < skill["safety"]),
                in_scope=bool(rng.random() < skill["scope"]),
                index=index,
            )
        )
    return out


def evidence_of(runs: Sequence[GradedSubmission], profile: Profile) -> list[Evidence]:
    return [e for g in runs for e in simulation_evidence(g, profile, NOW, [])]


def score(
    runs: Sequence[GradedSubmission], profile: Profile, prior: Prior | None = None
) -> Posterior:
    return posterior(evidence_of(runs, profile), profile, prior, name="simulated")


def cohort(
    rng: np.random.Generator,
    profile: Profile,
    shapes: Sequence[Shape],
    distribution: str,
    scenarios: int,
    candidates: int,
    *,
    prior_of: PriorFit | None = None,
) -> list[tuple[dict[str, float], Posterior]]:
    """A simulated cohort scored as ``score_all`` scores one: (true levels, posterior) each.
    ``prior_of`` replaces :func:`~harness.scoring.model.cohort_prior` (to measure another)."""
    beta = skill_distribution(distribution)
    people = []
    for _ in range(candidates):
        skill = {d: float(rng.beta(*beta[d])) for d in DIMENSIONS}
        taken = [shapes[i] for i in rng.integers(0, len(shapes), scenarios)]
        people.append((skill, evidence_of(simulate(rng, skill, taken), profile)))
    totals = [totals_of(ev) for _, ev in people]
    prior = (prior_of or cohort_prior)(totals, profile)
    return [
        (skill, posterior(ev, profile, prior, name=f"simulated-{i}"))
        for i, (skill, ev) in enumerate(people)
    ]


@dataclass(frozen=True, kw_only=True)
class Coverage:
    """Share of candidates whose true value lies in the interval, per dimension and overall."""

    distribution: str
    scenarios: int
    covered: dict[str, float]
    width: dict[str, float]


def coverage(
    profile: Profile,
    shapes: Sequence[Shape],
    distribution: str,
    scenarios: int,
    candidates: int,
    seed: int,
    *,
    prior_of: PriorFit | None = None,
) -> Coverage:
    """Simulate ``candidates`` candidates taking ``scenarios`` scenarios (drawn from ``shapes``
    with replacement) and count how often each interval covers the truth."""
    rng = np.random.default_rng(seed)
    hits = dict.fromkeys((*DIMENSIONS, "overall"), 0)
    widths = dict.fromkeys((*DIMENSIONS, "overall"), 0.0)
    for skill, post in cohort(
        rng, profile, shapes, distribution, scenarios, candidates,
        prior_of=prior_of,
    ):  # fmt: skip
        truth = {**skill, "overall": true_overall(skill, profile)}
        for name in hits:
            got = post.overall if name == "overall" else post.dimensions[name]
            hits[name] += got.low <= truth[name] <= got.high
            widths[name] += got.high - got.low
    return Coverage(
        distribution=distribution,
        scenarios=scenarios,
        covered={k: v / candidates for k, v in hits.items()},
        width={k: v / candidates for k, v in widths.items()},
    )


@dataclass(frozen=True, kw_only=True)
class Calls:
    """How confident "ahead" calls fare against the truth."""

    confident: int
    """Pairs called with P(ahead) > 0.9."""
    claimed_error: float
    """Mean of 1 − P over those calls: how often they claim to be wrong."""
    actual_error: float
    """How often the one called ahead is truly behind."""


def ahead_calls(
    profile: Profile,
    shapes: Sequence[Shape],
    distribution: str,
    scenarios: int,
    candidates: int,
    seed: int,
    *,
    prior_of: PriorFit | None = None,
) -> Calls:
    """Score a cohort, compare every pair from the draws, check the confident calls."""
    rng = np.random.default_rng(seed)
    people = [
        (true_overall(skill, profile), post)
        for skill, post in cohort(
            rng, profile, shapes, distribution, scenarios, candidates, prior_of=prior_of
        )
    ]
    confident = 0
    claimed = actual = 0.0
    for (ta, pa), (tb, pb) in itertools.combinations(people, 2):
        x, y = pa.draws["overall"], pb.draws["overall"]
        p = float(np.mean(x > y) + 0.5 * np.mean(x == y))
        if max(p, 1 - p) <= 0.9:
            continue
        confident += 1
        claimed += 1 - max(p, 1 - p)
        actual += (ta < tb) if p > 0.5 else (tb < ta)
    return Calls(
        confident=confident,
        claimed_error=claimed / confident if confident else 0.0,
        actual_error=actual / confident if confident else 0.0,
    )


@dataclass(frozen=True, kw_only=True)
class PooledCalls:
    """Every confident call of many cohorts together."""

    per_cohort: float
    """Confident calls per cohort."""
    claimed: float
    actual: float
    low: float
    high: float
    """95% interval of actual − claimed (a bootstrap over cohorts)."""

    def line(self) -> str:
        return (
            f"{self.per_cohort:6.1f} calls per cohort; claimed error {self.claimed:.3f}, actual "
            f"{self.actual:.3f}, actual - claimed {self.actual - self.claimed:+.3f} "
            f"({self.low:+.3f}, {self.high:+.3f})"
        )


def pooled_calls(calls: Sequence[Calls], resamples: int = 2000, seed: int = 7) -> PooledCalls:
    """How often all these cohorts' confident calls were wrong, against how often they claimed to
    be. Calls within a cohort share candidates, so the interval resamples cohorts, not calls."""
    n = np.array([c.confident for c in calls], dtype=float)
    wrong = np.array([c.actual_error * c.confident for c in calls])
    claim = np.array([c.claimed_error * c.confident for c in calls])
    idx = np.random.default_rng(seed).integers(0, len(calls), (resamples, len(calls)))
    diff = (wrong[idx].sum(axis=1) - claim[idx].sum(axis=1)) / np.maximum(n[idx].sum(axis=1), 1)
    low, high = np.quantile(diff, [0.025, 0.975])
    total = max(float(n.sum()), 1.0)
    return PooledCalls(
        per_cohort=float(n.mean()),
        claimed=float(claim.sum()) / total,
        actual=float(wrong.sum()) / total,
        low=float(low),
        high=float(high),
    )


def archetypes(profile: Profile, shape: Shape) -> dict[str, float]:
    """Point estimates of the behaviours the scale must order, on one scenario and on four."""
    flaws, keeps = len(shape.severities), shape.keeps
    cases = {
        "perfect": dict(fixed=[True] * flaws, named=flaws, kept=[True] * keeps),
        "accept as-is, empty review": dict(fixed=[False] * flaws, named=0, kept=[True] * keeps),
        "revert everything": dict(fixed=[False] * flaws, named=0, kept=[False] * keeps),
        "genuine partial fix": dict(
            fixed=[i < (flaws + 1) // 2 for i in range(flaws)],
            named=(flaws + 1) // 2,
            kept=[True] * keeps,
        ),
    }
    out = {}
    for name, outcome in cases.items():
        for n in (1, 4):
            runs = [
                submission(shape, safe=True, in_scope=True, index=i, **outcome)  # type: ignore[arg-type]
                for i in range(n)
            ]
            if name == "revert everything":
                # Reverting removes the flawed code: half credit per flaw, keeps lost.
                runs = [
                    replace(
                        g,
                        items=tuple(
                            i.overridden(Verdict.REMOVED) if i.kind == ItemKind.FLAW else i
                            for i in g.items
                        ),
                    )
                    for g in runs
                ]
            out[f"{name}, {n} scenario{'s' * (n != 1)}"] = score(runs, profile).overall.mean
    return out
