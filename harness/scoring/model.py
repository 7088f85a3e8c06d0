"""The judgment score's model: evidence as weighted trials, Beta posteriors, one overall score.

Per dimension, a candidate has a true level p in [0, 1]: the share of that dimension's trials they
get right. Evidence is trials with an outcome in [0, 1]:

- catch:   one trial per seeded flaw; fixed = 1, the flawed code removed instead of fixed = 0.5.
           Severity weighs flaws against each other within a scenario (weights average 1), so it
           says what matters more, never how much evidence there is;
- explain: one trial per seeded flaw: the scenario's review quality (recall + precision) / 2;
- keep:    one trial per keep (the AI's correct work): kept = 1;
- safety:  one trial per scenario: the share of regression tests still passing;
- scope:   one trial per scenario: the share of touched files within the ticket's scope.

A delivery record is one trial (on its dimension, or on every dimension when it names none); its
weight says how much it matters among the candidate's records (weights average 1), so one record
is one observation whatever its weight. Evidence of either kind loses weight with age (half-life),
which widens the interval; it does not move the estimate.

The point estimate of a dimension is what the evidence shows: its (weighted, aged) share of
successes, S / (S + F). The same performance therefore reads the same on one scenario or sixteen;
more evidence only narrows the interval. The interval is where the candidate's true level lies:
the central ``interval`` mass of the posterior Beta(a + S, b + F). The prior Beta(a, b) is the
cohort's (:func:`cohort_prior`: how spread the candidates' levels are, fitted from everyone's
evidence), so intervals follow the cohort rather than a fixed guess (in simulation they cover
76-84% in the cohorts checked; a cohort far more alike than a prior of six trials, or a
single-trial dimension spread unlike the others, is not: docs/scoring.md); below twenty
candidates it is the "neutral" Beta(1/3, 1/3) (Kerman 2011). With little evidence the interval
leans toward the cohort while the point estimate stays what the person did: "kept 1 of 1" reads
100 with an interval that may stop below 100. Comparisons rank by the posterior median of the
overall score (:attr:`Posterior.level`) and take every probability from the same draws.

The overall score weighs what a person achieved by what their changes cost:
    overall = gain × (1 − cost)
    gain = weighted mean of catch and explain (what they found and said)
    cost = weighted mean of (1 − keep), (1 − safety), (1 − scope) (what they broke or overreached)
Accepting the AI change untouched earns no gain and costs nothing: 0. Reverting everything fixes
little and loses the good work. Dimensions without evidence are left out of the gain (their
weight goes to the others) and count as no cost; with no gain evidence at all there is no overall
score. Everything is computed on seeded Monte Carlo draws, so the overall interval and every
probability of being ahead come from the same posterior as the displayed numbers.

When a candidate has both simulation evidence and delivery records on a dimension and the two
disagree beyond their uncertainty (the probability that one is above the other exceeds
``conflict_level``), the dimension follows the delivery records alone and the score says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from harness.scoring.profile import DIMENSIONS, GAIN, Profile

COST = tuple(d for d in DIMENSIONS if d not in GAIN)


@dataclass(kw_only=True)
class Evidence:
    """Weighted trials on one dimension from one source."""

    dimension: str
    successes: float
    failures: float
    source: str
    """``simulation`` or ``delivery``."""
    age_days: float = 0.0

    @property
    def trials(self) -> float:
        return self.successes + self.failures


@dataclass(kw_only=True)
class DimensionScore:
    """One number with its interval. ``mean`` is the point estimate: the posterior median (the
    name stays for the reports and exports that read it)."""

    mean: float
    low: float
    high: float
    successes: float
    failures: float
    measured: bool = True
    """False when there is no evidence at all: the number is the prior's and means nothing."""

    @property
    def trials(self) -> float:
        return self.successes + self.failures


@dataclass(frozen=True, kw_only=True)
class Posterior:
    """Everything the model says about one candidate."""

    dimensions: dict[str, DimensionScore]
    overall: DimensionScore
    draws: dict[str, np.ndarray]
    delivery_shares: dict[str, float]
    """Per dimension, the share of its (aged) evidence weight that comes from delivery records."""
    conflicts: tuple[str, ...] = field(default=())
    """Dimensions where delivery records disagree with the simulation (they follow the records)."""
    level: float = 0.0
    """The posterior median of the overall score: the likely true level, which comparisons rank
    by (it weighs how much evidence there is; the point estimate shows what was done)."""


def aged(weight: float, age_days: float, profile: Profile) -> float:
    """``weight`` after ``age_days``: halved every half-life."""
    factor: float = 0.5 ** (max(age_days, 0.0) / profile.half_life_days)
    return weight * factor


def age_of(moment: datetime, now: datetime) -> float:
    """Days between ``moment`` and ``now``; a moment in the future is today's (age 0)."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return max((now - moment).total_seconds() / 86400, 0.0)


def _seed(name: str) -> int:
    """Each candidate's draws are seeded by their id: repeatable, and independent between
    candidates. (Seeding by the evidence made identical evidence share one random stream, so a
    difference of 1e-10 in age read as "100% ahead".) Point estimates do not come from draws."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")


def totals_of(evidence: Iterable[Evidence]) -> dict[str, list[float]]:
    """(successes, failures) per dimension."""
    return _totals(evidence)


def _totals(evidence: Iterable[Evidence]) -> dict[str, list[float]]:
    totals = {d: [0.0, 0.0] for d in DIMENSIONS}
    for e in evidence:
        totals[e.dimension][0] += e.successes
        totals[e.dimension][1] += e.failures
    return totals


def conflicts(
    evidence: Sequence[Evidence], profile: Profile, rng: np.random.Generator
) -> tuple[str, ...]:
    """Dimensions where simulation and delivery evidence disagree beyond their uncertainty."""
    sim = _totals(e for e in evidence if e.source == "simulation")
    dlv = _totals(e for e in evidence if e.source == "delivery")
    found = []
    for d in DIMENSIONS:
        (ss, sf), (ds, df) = sim[d], dlv[d]
        if ss + sf < 1 or ds + df < 1:
            continue
        a = rng.beta(profile.alpha + ss, profile.beta + sf, 2000)
        b = rng.beta(profile.alpha + ds, profile.beta + df, 2000)
        above = float(np.mean(a > b))
        if above > profile.conflict_level or above < 1 - profile.conflict_level:
            found.append(d)
    return tuple(found)


def _combine(sample: np.ndarray, measured: np.ndarray, profile: Profile) -> np.ndarray:
    """Overall draws from dimension draws (rows in DIMENSIONS order): gain × (1 − cost)."""
    index = {d: k for k, d in enumerate(DIMENSIONS)}
    gain_w = np.array([profile.weights[d] * measured[index[d]] for d in GAIN])
    gain = (gain_w[:, None] * sample[[index[d] for d in GAIN]]).sum(axis=0) / gain_w.sum()
    cost_w = np.array([profile.weights[d] for d in COST])
    # Unmeasured cost dimensions count as no damage (their rows are replaced by 1).
    kept = np.where(
        measured[[index[d] for d in COST]][:, None], sample[[index[d] for d in COST]], 1.0
    )
    cost = (cost_w[:, None] * (1 - kept)).sum(axis=0) / cost_w.sum()
    result: np.ndarray = gain * (1 - cost)
    return result


Prior = dict[str, tuple[float, float]]
"""Beta(a, b) per dimension."""
DrawnPrior = dict[str, tuple[np.ndarray, np.ndarray]]
"""Beta(a, b) per dimension and draw: a prior integrated over an uncertain cohort spread
(validation/prior_alternatives.py measures such priors)."""

MIN_COHORT = 20
"""Candidates with evidence on a dimension before the cohort's spread informs its prior."""
MAX_PRIOR_WEIGHT = 6.0
"""The cohort prior never counts for more than this many trials (a + b)."""
UNIDENTIFIED_PRIOR_WEIGHT = 4.0
"""The cohort prior's weight when nearly everyone has a single trial on every dimension (the
spread cannot be measured): centred on the cohort, as diffuse as four trials."""


def cohort_prior(totals: Sequence[dict[str, list[float]]], profile: Profile) -> Prior:
    """Beta(a, b) per dimension fitted to how the cohort's levels spread (a beta-binomial
    method of moments over each candidate's (successes, failures)); the neutral prior where fewer
    than :data:`MIN_COHORT` candidates have evidence.

    A dimension where nearly everyone has a single trial (safety and scope on one scenario) says
    where the cohort is but not how spread it is; it borrows the weight (a + b) fitted on the
    cohort's other dimensions (their median), or :data:`UNIDENTIFIED_PRIOR_WEIGHT` when none is
    fitted. (A fixed weight of 4 there made the intervals of skewed cohorts too wide, 87-88%.)

    The weight is the weak point: a cohort of forty on one scenario hardly shows its spread, and
    confident comparisons there are wrong more often than they claim (docs/scoring.md, "Not
    met"). Tried and measured no better (docs/scoring.md; validation/prior_alternatives.py):
    mixing the draws over bootstrap refits, a beta-binomial likelihood fit, the weight integrated
    over its posterior, a reference spread, one spread for every dimension, higher caps."""
    prior: Prior = {d: (profile.alpha, profile.beta) for d in DIMENSIONS}
    centres: dict[str, float] = {}
    weights: dict[str, float] = {}
    for d in DIMENSIONS:
        rows = [(t[d][0], t[d][0] + t[d][1]) for t in totals if t[d][0] + t[d][1] >= 0.5]
        if len(rows) < MIN_COHORT:
            continue
        s = np.array([r[0] for r in rows])
        n = np.array([r[1] for r in rows])
        m = float(s.sum() / n.sum())
        if not 0 < m < 1:
            continue
        centres[d] = m
        inv_n = float(np.mean(1 / n))
        if inv_n > 0.9:
            continue  # one trial each: the weight is borrowed below
        spread = (float(np.var(s / n)) - m * (1 - m) * inv_n) / (1 - inv_n)
        weights[d] = (
            MAX_PRIOR_WEIGHT
            if spread <= 0
            else min(max(m * (1 - m) / spread - 1, 2 / 3), MAX_PRIOR_WEIGHT)
        )
    borrowed = float(np.median(list(weights.values()))) if weights else UNIDENTIFIED_PRIOR_WEIGHT
    for d, m in centres.items():
        weight = weights.get(d, borrowed)
        prior[d] = (m * weight, (1 - m) * weight)
    return prior


def posterior(
    evidence: Sequence[Evidence],
    profile: Profile,
    prior: Prior | DrawnPrior | None = None,
    *,
    name: str = "",
) -> Posterior:
    """Per-dimension posteriors and the overall score, on draws seeded by ``name`` (the
    candidate id). ``prior`` (from :func:`cohort_prior`) replaces the profile's neutral prior;
    a :data:`DrawnPrior` gives draw k its own Beta (the same for every candidate)."""
    rng = np.random.default_rng(_seed(name))
    clash = conflicts(evidence, profile, rng)
    used = [e for e in evidence if not (e.dimension in clash and e.source == "simulation")]
    totals = _totals(used)
    delivered = _totals(e for e in used if e.source == "delivery")
    base: Prior | DrawnPrior = prior or {d: (profile.alpha, profile.beta) for d in DIMENSIONS}
    size = (profile.draws,)
    alphas = np.array([np.broadcast_to(base[d][0] + totals[d][0], size) for d in DIMENSIONS])
    betas = np.array([np.broadcast_to(base[d][1] + totals[d][1], size) for d in DIMENSIONS])
    measured = np.array([totals[d][0] + totals[d][1] > 0 for d in DIMENSIONS])
    sample = rng.beta(alphas, betas)
    draws = {d: sample[k] for k, d in enumerate(DIMENSIONS)}
    stacked = [sample]
    has_gain = any(measured[DIMENSIONS.index(d)] for d in GAIN)
    if has_gain:
        overall = _combine(sample, measured, profile)
        stacked.append(overall[None, :])
    else:
        overall = np.full(profile.draws, np.nan)
    draws["overall"] = overall
    matrix = np.vstack(stacked)
    lo_q, hi_q = (1 - profile.interval) / 2, 1 - (1 - profile.interval) / 2
    low, mid, high = np.quantile(matrix, [lo_q, 0.5, hi_q], axis=1)
    shown = _shares(totals, profile)
    dims = {}
    for k, d in enumerate(DIMENSIONS):
        estimate = shown[d] if measured[k] else float(mid[k])
        dims[d] = DimensionScore(
            mean=estimate,
            low=float(low[k]),
            high=float(high[k]),
            successes=totals[d][0],
            failures=totals[d][1],
            measured=bool(measured[k]),
        )
    if has_gain:
        estimate = _plug_in(totals, shown, profile)
        overall_score = DimensionScore(
            mean=estimate, low=float(low[-1]), high=float(high[-1]),
            successes=0.0, failures=0.0,
        )  # fmt: skip
    else:
        overall_score = DimensionScore(
            mean=0.0, low=0.0, high=1.0, successes=0.0, failures=0.0, measured=False
        )
    shares = {
        d: (sum(delivered[d]) / sum(totals[d])) if sum(totals[d]) > 0 else 0.0 for d in DIMENSIONS
    }
    return Posterior(
        dimensions=dims, overall=overall_score, draws=draws, delivery_shares=shares,
        conflicts=clash, level=float(mid[-1]) if has_gain else 0.0,
    )  # fmt: skip


def _shares(totals: dict[str, list[float]], profile: Profile) -> dict[str, float]:
    """Each measured dimension's observed share of successes."""
    return {d: s / (s + f) for d, (s, f) in totals.items() if s + f > 0}


def _plug_in(totals: dict[str, list[float]], shares: dict[str, float], profile: Profile) -> float:
    """gain × (1 − cost) at the observed shares (unmeasured gain dimensions left out, unmeasured
    cost dimensions counting as no damage)."""
    gain_dims = [d for d in GAIN if d in shares]
    if not gain_dims:
        return 0.0
    gain = sum(profile.weights[d] * shares[d] for d in gain_dims) / sum(
        profile.weights[d] for d in gain_dims
    )
    cost = sum(profile.weights[d] * (1 - shares.get(d, 1.0)) for d in COST) / sum(
        profile.weights[d] for d in COST
    )
    return gain * (1 - cost)


def point(evidence: Sequence[Evidence], profile: Profile) -> float:
    """The overall point estimate without drawing (for percentiles over a whole cohort)."""
    totals = _totals(evidence)
    return _plug_in(totals, _shares(totals, profile), profile)


def meaning(overall: DimensionScore, interval: float, scenarios: int) -> str:
    """What the number and its interval mean, in two sentences a hiring manager can read."""
    if not overall.measured:
        return (
            "No score yet: nothing graded shows what this person finds and fixes. One graded "
            "scenario gives a first, wide estimate."
        )
    width = (overall.high - overall.low) * 100
    return (
        f"{overall.mean * 100:.0f} means: on the evidence so far, this person finds, fixes and "
        f"explains about {overall.mean * 100:.0f}% of what a careful reviewer would, discounted "
        "by what their changes break or add beyond the ticket (0 = accepts the AI change as it "
        f"is). With {interval:.0%} probability their true level lies between "
        f"{overall.low * 100:.0f} and {overall.high * 100:.0f}; "
        + (
            f"each further scenario narrows that {width:.0f}-point range."
            if scenarios
            else "graded scenarios or more delivery records narrow that range."
        )
    )
