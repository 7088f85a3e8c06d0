"""The judgment score: Beta posteriors over weighted evidence, delivery records that take over.

Per dimension, evidence is (successes, failures) with weights:

- catch:   each flaw, weight = severity (fixed → success; removed, i.e. the flawed code deleted
           rather than fixed → half a success and half a failure);
- keep:    each keep, weight 1 (kept → success);
- safety:  each graded submission, weight 1, split passed/total regression tests;
- explain: each submission, weight 1, split (recall + precision) / 2 of REVIEW.md findings;
- scope:   each submission, weight 1, split in-scope / touched files (protected-path attempts count
           as out of scope; an empty change is fully in scope).

Simulation evidence is multiplied by ``simulation_discount`` and by 0.5 ** (age / half-life);
delivery records enter at full weight. Posterior per dimension: Beta(α + S, β + F). The overall
score is the weighted sum of the dimensions, computed on seeded Monte Carlo draws so its interval
and every "probability ahead" are exact up to sampling error. Never evidence: infrastructure
errors, runs without isolation (local backend), flaky items. docs/scoring.md has the formulas and
a worked example.
"""

from __future__ import annotations

import gc
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np

from harness.result import (
    GradingResult,
    ItemKind,
    ItemResult,
    ItemSummary,
    ResultStatus,
    ResultSummary,
    Verdict,
)
from harness.scoring.profile import DIMENSIONS, Profile
from harness.store import Override, Record, Store, queries

_Item = TypeVar("_Item", ItemSummary, ItemResult)

#: How the exclusion of a result that is never evidence (``not ResultStatus.scored``) is worded.
EXCLUDED_STATUSES = {
    ResultStatus.INFRA_ERROR: "infrastructure error",
    ResultStatus.ERRORED: "harness could not apply",
}


@dataclass(kw_only=True)
class Evidence:
    """Weighted successes and failures for one dimension from one source."""

    dimension: str
    successes: float
    failures: float
    source: str
    """``simulation`` or ``delivery``."""


class AbilityMethod(StrEnum):
    """How a candidate's ability was estimated."""

    RASCH = "rasch"
    """Difficulty-adjusted (a Rasch fit over the cohort's verdicts)."""
    RAW = "raw pass rate"
    """The cohort is too small to fit: the share of items passed, not comparable across
    different scenarios."""


@dataclass(frozen=True, kw_only=True)
class Ability:
    """A candidate's ability on the cohort's items, and how it was estimated."""

    method: AbilityMethod
    theta: float = 0.0
    """Rasch: the ability on the logit scale."""
    se: float = 0.0
    """Rasch: its standard error."""
    items: int = 0
    """Rasch: how many items the fit used."""
    pass_rate: float = 0.0
    """Raw: the share of items passed."""
    warning: str = ""
    """Raw: why the numbers are not comparable."""

    @property
    def rasch(self) -> bool:
        return self.method == AbilityMethod.RASCH

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``dsim score --json``, exports)."""
        if self.rasch:
            return {"method": self.method.value, "theta": self.theta, "se": self.se,
                    "items": self.items}  # fmt: skip
        return {"method": self.method.value, "pass_rate": self.pass_rate, "warning": self.warning}


@dataclass(frozen=True, kw_only=True)
class AppliedOverride:
    """An assessor's override as it was applied to a verdict."""

    item: str
    verdict: Verdict
    reason: str
    by: str
    at: str
    """ISO 8601 with offset."""


@dataclass(frozen=True, kw_only=True)
class GradedSubmission:
    """One candidate's latest usable result on one scenario version, overrides applied."""

    submission_id: str
    result_id: str
    candidate: str
    scenario: str
    version: str
    submitted_at: datetime
    summary: ResultSummary
    """What the score rests on, as stored (no overrides)."""
    items: tuple[ItemSummary, ...]
    """Flaw and keep verdicts with overrides applied."""
    overrides: tuple[AppliedOverride, ...]
    full: GradingResult | None = field(default=None, repr=False)

    @property
    def result(self) -> GradingResult:
        """The whole result, overrides applied; loaded for the candidates :func:`score_all`
        returns."""
        if self.full is None:
            raise RuntimeError(
                f"result {self.result_id} was scored from its summary only: "
                "name the candidate in score_all(candidates=...) to load it"
            )
        return self.full


@dataclass(kw_only=True)
class DimensionScore:
    mean: float
    low: float
    high: float
    successes: float
    failures: float


@dataclass(kw_only=True)
class CandidateScore:
    """Everything ``dsim score`` says about one candidate."""

    candidate: str
    overall: DimensionScore
    dimensions: dict[str, DimensionScore]
    basis: str
    delivery_share: float
    scenarios: list[str]
    excluded: list[str]
    observations: int
    percentile: float | None = None
    cohort_size: int = 0
    ability: Ability | None = None
    graded: list[GradedSubmission] = field(default_factory=list)
    draws: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        def dim(d: DimensionScore) -> dict[str, float]:
            return {
                "mean": round(d.mean, 4),
                "low": round(d.low, 4),
                "high": round(d.high, 4),
                "successes": round(d.successes, 3),
                "failures": round(d.failures, 3),
            }

        return {
            "candidate": self.candidate,
            "score": round(self.overall.mean * 100, 1),
            "interval": [round(self.overall.low * 100, 1), round(self.overall.high * 100, 1)],
            "dimensions": {k: dim(v) for k, v in self.dimensions.items()},
            "basis": self.basis,
            "delivery_share": round(self.delivery_share, 3),
            "scenarios": self.scenarios,
            "excluded": self.excluded,
            "percentile": self.percentile,
            "cohort_size": self.cohort_size,
            "ability": self.ability.as_dict() if self.ability else None,
        }


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def apply_overrides(
    items: tuple[ItemSummary, ...], overrides: list[Override]
) -> tuple[tuple[ItemSummary, ...], tuple[AppliedOverride, ...]]:
    """Items with the latest override per item applied, and the overrides that were applied."""
    latest = {o.item: o for o in sorted(overrides, key=lambda o: _aware(o.at))}
    applied = tuple(
        AppliedOverride(
            item=o.item,
            verdict=Verdict(o.verdict),
            reason=o.reason,
            by=o.by,
            at=_aware(o.at).isoformat(),
        )
        for o in (latest[i.id] for i in items if i.id in latest)
    )
    return _overridden(items, applied), applied


def _overridden(
    items: tuple[_Item, ...], applied: tuple[AppliedOverride, ...]
) -> tuple[_Item, ...]:
    """``items`` with each applied override's verdict, the graded one kept as original."""
    verdicts = {o.item: o.verdict for o in applied}
    return tuple(
        item.overridden(verdicts[item.id]) if item.id in verdicts else item for item in items
    )


def load_graded(store: Store) -> tuple[dict[str, list[GradedSubmission]], dict[str, list[str]]]:
    """Latest usable result per (candidate, scenario version), from result summaries only, and
    exclusions per candidate. :func:`load_details` adds the whole results where needed."""
    by_sub: dict[str, list[Override]] = defaultdict(list)
    for o in queries.all_overrides(store):
        by_sub[o.submission_id].append(o)
    chosen: dict[tuple[str, str, str], GradedSubmission] = {}
    excluded: dict[str, list[str]] = defaultdict(list)
    for row in queries.latest_results(store):
        label = f"{row.scenario_id} {row.scenario_version} (submission {row.submission_id})"
        status = ResultStatus(row.status)
        if not status.scored:
            excluded[row.candidate].append(f"{label}: {EXCLUDED_STATUSES[status]}")
            continue
        if not row.isolated:
            excluded[row.candidate].append(
                f"{label}: graded without isolation ({row.backend} backend)"
            )
            continue
        items, applied = apply_overrides(row.summary.items, by_sub[row.submission_id])
        chosen[(row.candidate, row.scenario_id, row.scenario_version)] = GradedSubmission(
            submission_id=row.submission_id,
            result_id=row.result_id,
            candidate=row.candidate,
            scenario=row.scenario_id,
            version=row.scenario_version,
            submitted_at=_aware(row.submitted_at),
            summary=row.summary,
            items=items,
            overrides=applied,
        )
    out: dict[str, list[GradedSubmission]] = defaultdict(list)
    for (candidate, _, _), graded in chosen.items():
        out[candidate].append(graded)
    return dict(out), dict(excluded)


def load_details(store: Store, graded: list[GradedSubmission]) -> list[GradedSubmission]:
    """The same results with their whole stored results (overrides applied)."""
    whole = queries.whole_results(store, [g.result_id for g in graded])
    # The overrides found for the summary apply to the whole items just the same.
    return [
        replace(
            g,
            full=replace(
                whole[g.result_id], items=_overridden(whole[g.result_id].items, g.overrides)
            ),
        )
        for g in graded
    ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Scoring a large store makes millions of objects (decoded results, evidence) and no
    reference cycles; with the cycle collector running, its full passes walk every one of them
    again and again as the heap grows: ``score_all`` over 10,000 results took 4.4-7.8 s with the
    collector and 3.7-4.1 s without it (benchmarks/bench_scoring.py). Cycles made meanwhile are
    collected after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def simulation_evidence(
    graded: GradedSubmission, profile: Profile, now: datetime, excluded: list[str]
) -> list[Evidence]:
    """The evidence one graded submission gives, discounted and aged."""
    age_days = max((now - graded.submitted_at).total_seconds() / 86400, 0.0)
    weight = profile.simulation_discount * 0.5 ** (age_days / profile.half_life_days)
    out: list[Evidence] = []

    def add(dimension: str, successes: float, failures: float) -> None:
        out.append(
            Evidence(
                dimension=dimension,
                successes=successes * weight,
                failures=failures * weight,
                source="simulation",
            )
        )

    for item in graded.items:
        if item.verdict == Verdict.FLAKY:
            excluded.append(f"{graded.scenario}: {item.id} rests on a flaky test")
            continue
        if item.kind == ItemKind.FLAW:
            credit = {Verdict.FIXED: 1.0, Verdict.REMOVED: 0.5}.get(item.verdict, 0.0)
            add("catch", item.severity * credit, item.severity * (1 - credit))
        else:
            ok = item.verdict == Verdict.KEPT
            add("keep", float(ok), float(not ok))
    reg = graded.summary.regression
    if reg.total:
        add("safety", reg.passed / reg.total, 1 - reg.passed / reg.total)
    review = graded.summary.sections.review
    if review is not None:
        quality = (review.recall + review.precision) / 2
        add("explain", quality, 1 - quality)
    scope = graded.summary.sections.scope
    if scope is not None:
        touched = scope.in_scope + scope.out_of_scope
        share = scope.in_scope / touched if touched else 1.0
        add("scope", share, 1 - share)
    return out


def delivery_evidence(records: Iterable[Record]) -> list[Evidence]:
    """Delivery records at full weight; a record without a dimension informs every dimension."""
    out: list[Evidence] = []
    for r in records:
        ok = r.outcome == "pass"
        dims = [r.dimension] if r.dimension else list(DIMENSIONS)
        share = r.weight / len(dims)
        out.extend(
            Evidence(
                dimension=d, successes=share * ok, failures=share * (not ok), source="delivery"
            )
            for d in dims
        )
    return out


def _seed(candidate: str) -> int:
    return int.from_bytes(hashlib.sha256(candidate.encode()).digest()[:8], "big")


def _beta(
    evidence: list[Evidence], profile: Profile
) -> tuple[dict[str, list[float]], np.ndarray, np.ndarray]:
    """Summed (successes, failures) per dimension and the posterior Beta parameters."""
    totals = {d: [0.0, 0.0] for d in DIMENSIONS}
    for e in evidence:
        totals[e.dimension][0] += e.successes
        totals[e.dimension][1] += e.failures
    alphas = np.array([profile.alpha + totals[d][0] for d in DIMENSIONS])
    betas = np.array([profile.beta + totals[d][1] for d in DIMENSIONS])
    return totals, alphas, betas


def overall_mean(evidence: list[Evidence], profile: Profile) -> float:
    """The overall score's posterior mean, without drawing: all that percentiles need."""
    _, alphas, betas = _beta(evidence, profile)
    return float(_weights(profile) @ (alphas / (alphas + betas)))


def _weights(profile: Profile) -> np.ndarray:
    return np.array([profile.weights[d] for d in DIMENSIONS])


def posterior(
    candidate: str, evidence: list[Evidence], profile: Profile
) -> tuple[dict[str, DimensionScore], DimensionScore, dict[str, np.ndarray]]:
    """Per-dimension Beta posteriors and the overall score, from seeded draws."""
    rng = np.random.default_rng(_seed(candidate))
    lo_q, hi_q = (1 - profile.interval) / 2, 1 - (1 - profile.interval) / 2
    totals, alphas, betas = _beta(evidence, profile)
    # One (dimensions x draws) matrix and one quantile call for everything: seeded, repeatable.
    sample = rng.beta(alphas[:, None], betas[:, None], (len(DIMENSIONS), profile.draws))
    weights = _weights(profile)
    overall = weights @ sample
    stacked = np.vstack([sample, overall])
    k_lo, k_hi = int(lo_q * (profile.draws - 1)), int(np.ceil(hi_q * (profile.draws - 1)))
    # Order statistics by partial sort: what np.quantile does, without its copies per call.
    parted = np.partition(stacked, [k_lo, k_hi], axis=1)
    bounds = parted[:, [k_lo, k_hi]].T
    draws = {d: sample[k] for k, d in enumerate(DIMENSIONS)}
    draws["overall"] = overall
    means = alphas / (alphas + betas)
    dims = {
        d: DimensionScore(
            mean=float(means[k]),
            low=float(bounds[0, k]),
            high=float(bounds[1, k]),
            successes=totals[d][0],
            failures=totals[d][1],
        )
        for k, d in enumerate(DIMENSIONS)
    }
    overall_score = DimensionScore(
        mean=float(weights @ means),
        low=float(bounds[0, -1]),
        high=float(bounds[1, -1]),
        successes=0,
        failures=0,
    )
    return dims, overall_score, draws


def basis_text(sim_weight: float, del_weight: float, scenarios: int, observations: int) -> str:
    if del_weight <= 0:
        return f"simulation only ({scenarios} scenario{'s' * (scenarios != 1)})"
    obs = f"{observations} observation{'s' * (observations != 1)}"
    if sim_weight <= 0:
        return f"delivery records only ({obs})"
    share = del_weight / (sim_weight + del_weight)
    return (
        f"{share:.0%} delivery records ({obs}), "
        f"{1 - share:.0%} simulation ({scenarios} scenario{'s' * (scenarios != 1)})"
    )


def score_all(
    store: Store,
    profile: Profile,
    *,
    now: datetime | None = None,
    candidates: Iterable[str] | None = None,
    keep_draws: bool = True,
    details: bool = True,
) -> dict[str, CandidateScore]:
    """Score every candidate, or only the named ones, against the whole cohort.

    Percentiles and Rasch abilities always come from every stored result's summary; the costly
    parts (posterior draws, whole results for reports) are made for the returned candidates only,
    so naming them is what keeps one candidate's score fast in a large store. ``keep_draws=False``
    drops each candidate's draws once its intervals are known (only comparisons need them:
    192 KB per candidate at 4,000 draws). ``details=False`` loads no whole results at all: each
    :class:`GradedSubmission` keeps its summary only (the server scores everyone this way and
    loads one candidate's details with :func:`load_details` when a page needs them).
    """
    with _collector_paused():
        return _score_all(store, profile, now or datetime.now(UTC), candidates, keep_draws, details)


def _score_all(
    store: Store,
    profile: Profile,
    now: datetime,
    candidates: Iterable[str] | None,
    keep_draws: bool,
    details: bool = True,
) -> dict[str, CandidateScore]:
    graded, excluded = load_graded(store)
    records: dict[str, list[Record]] = defaultdict(list)
    for r in store.records():
        records[r.engineer].append(r)
    names = set(graded) | set(records) | set(excluded)
    wanted = sorted(names if candidates is None else names & set(candidates))
    evidence: dict[str, list[Evidence]] = {}
    skipped: dict[str, list[str]] = {}
    for name in names:
        skipped[name] = list(excluded.get(name, []))
        evidence[name] = [
            e
            for g in graded.get(name, [])
            for e in simulation_evidence(g, profile, now, skipped[name])
        ]
        evidence[name] += delivery_evidence(records.get(name, []))
    standing = _percentiles(
        {
            name: (_scenarios(graded.get(name, [])), overall_mean(evidence[name], profile))
            for name in names
        }
    )
    abilities = _abilities(graded, profile)
    detailed: dict[str, list[GradedSubmission]] = defaultdict(list)
    chosen = [g for name in wanted for g in graded.get(name, [])]
    for g in load_details(store, chosen) if details else chosen:
        detailed[g.candidate].append(g)
    scores: dict[str, CandidateScore] = {}
    for name in wanted:
        dims, overall, draws = posterior(name, evidence[name], profile)
        sim = sum(e.successes + e.failures for e in evidence[name] if e.source == "simulation")
        dlv = sum(e.successes + e.failures for e in evidence[name] if e.source == "delivery")
        runs = detailed.get(name, [])
        percentile, cohort_size = standing.get(name, (None, 0))
        scores[name] = CandidateScore(
            candidate=name,
            overall=overall,
            dimensions=dims,
            basis=basis_text(sim, dlv, len(runs), len(records.get(name, []))),
            delivery_share=dlv / (sim + dlv) if sim + dlv else 0.0,
            scenarios=_scenarios(runs),
            excluded=skipped[name],
            observations=len(records.get(name, [])),
            percentile=percentile,
            cohort_size=cohort_size,
            ability=abilities.get(name),
            graded=runs,
            draws=draws if keep_draws else {},
        )
    return scores


def _scenarios(runs: list[GradedSubmission]) -> list[str]:
    return sorted(f"{g.scenario}@{g.version}" for g in runs)


def _percentiles(means: dict[str, tuple[list[str], float]]) -> dict[str, tuple[float | None, int]]:
    """Percentile of each overall mean among candidates who took exactly the same scenario
    versions, and that cohort's size."""
    cohorts: dict[tuple[str, ...], list[tuple[str, float]]] = defaultdict(list)
    for name, (scenarios, mean) in means.items():
        if scenarios:
            cohorts[tuple(scenarios)].append((name, mean))
    out: dict[str, tuple[float | None, int]] = {}
    for members in cohorts.values():
        ordered = np.sort(np.array([mean for _, mean in members]))
        for name, mean in members:
            if len(members) == 1:
                out[name] = (None, 1)
                continue
            below = int(np.searchsorted(ordered, mean, side="left"))
            ties = int(np.searchsorted(ordered, mean, side="right")) - below - 1  # not itself
            out[name] = (round(100 * (below + ties / 2) / (len(members) - 1), 1), len(members))
    return out


def item_key(graded: GradedSubmission, item: ItemSummary) -> str:
    return f"{graded.scenario}@{graded.version}:{item.id}"


def _abilities(graded: dict[str, list[GradedSubmission]], profile: Profile) -> dict[str, Ability]:
    """Difficulty-adjusted ability from a Rasch fit, when the cohort is large enough."""
    from harness.scoring.difficulty import fit

    rows = [
        (name, item_key(g, item), int(item.verdict.success))
        for name, runs in graded.items()
        for g in runs
        for item in g.items
        if item.verdict != Verdict.FLAKY
    ]
    people = {r[0] for r in rows}
    per_item: dict[str, int] = defaultdict(int)
    for r in rows:
        per_item[r[1]] += 1
    enough = len(people) >= profile.min_candidates and all(
        n >= profile.min_responses_per_item for n in per_item.values()
    )
    if not enough:
        out = {}
        for name in people:
            runs = [item for g in graded[name] for item in g.items if item.verdict != Verdict.FLAKY]
            rate = sum(i.verdict.success for i in runs) / len(runs) if runs else 0
            out[name] = Ability(
                method=AbilityMethod.RAW,
                pass_rate=round(rate, 4),
                warning=f"cohort too small for difficulty adjustment ({len(people)} "
                f"candidates, need {profile.min_candidates}, and every item "
                f"{profile.min_responses_per_item} responses): raw pass rates are "
                "not comparable across different scenarios",
            )
        return out
    fitted = fit(rows, penalty=profile.penalty)
    return {
        name: Ability(
            method=AbilityMethod.RASCH,
            theta=round(fitted.ability[name], 4),
            se=round(fitted.ability_se[name], 4),
            items=len(per_item),
        )
        for name in people
    }


def prob_ahead(a: CandidateScore, b: CandidateScore, dimension: str = "overall") -> float:
    """P(a's true value exceeds b's) on a dimension, from the posterior draws."""
    return float(np.mean(a.draws[dimension] > b.draws[dimension]))
