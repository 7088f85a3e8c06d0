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

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from harness.profile import DIMENSIONS, Profile
from harness.store import Override, Record, Result, Store, Submission

EXCLUDED_STATUSES = {"infra_error": "infrastructure error", "errored": "harness could not apply"}


@dataclass(kw_only=True)
class Evidence:
    """Weighted successes and failures for one dimension from one source."""

    dimension: str
    successes: float
    failures: float
    source: str
    """``simulation`` or ``delivery``."""


@dataclass(frozen=True, kw_only=True)
class Graded:
    """One candidate's latest usable result on one scenario version, overrides applied."""

    submission_id: str
    candidate: str
    scenario: str
    version: str
    submitted_at: datetime
    data: dict[str, Any]
    items: list[dict[str, Any]]
    overrides: list[dict[str, Any]]


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
    ability: dict[str, Any] | None = None
    graded: list[Graded] = field(default_factory=list)
    draws: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        def dim(d: DimensionScore) -> dict[str, float]:
            return {"mean": round(d.mean, 4), "low": round(d.low, 4), "high": round(d.high, 4),
                    "successes": round(d.successes, 3), "failures": round(d.failures, 3)}
        return {
            "candidate": self.candidate,
            "score": round(self.overall.mean * 100, 1),
            "interval": [round(self.overall.low * 100, 1), round(self.overall.high * 100, 1)],
            "dimensions": {k: dim(v) for k, v in self.dimensions.items()},
            "basis": self.basis, "delivery_share": round(self.delivery_share, 3),
            "scenarios": self.scenarios, "excluded": self.excluded,
            "percentile": self.percentile, "cohort_size": self.cohort_size,
            "ability": self.ability,
        }


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def apply_overrides(items: list[dict[str, Any]], overrides: list[Override]) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]]]:
    """Items with the latest override per item applied, and the overrides that were applied."""
    latest = {o.item: o for o in sorted(overrides, key=lambda o: _aware(o.at))}
    applied = []
    out = []
    for item in items:
        override = latest.get(item["id"])
        if override is not None:
            item = {**item, "verdict": override.verdict, "original_verdict": item["verdict"]}
            applied.append({"item": override.item, "verdict": override.verdict,
                            "reason": override.reason, "by": override.by,
                            "at": _aware(override.at).isoformat()})
        out.append(item)
    return out, applied


def load_graded(store: Store, candidates: Iterable[str] | None = None) -> tuple[
        dict[str, list[Graded]], dict[str, list[str]]]:
    """Latest usable result per (candidate, scenario version), and exclusions per candidate."""
    from sqlalchemy import select

    wanted = set(candidates) if candidates is not None else None
    with store.session() as s:
        subs = list(s.scalars(select(Submission).order_by(Submission.submitted_at)))
        results = list(s.scalars(select(Result).order_by(Result.graded_at)))
        overrides = list(s.scalars(select(Override)))
    latest_result: dict[str, Result] = {}
    for r in results:
        latest_result[r.submission_id] = r
    by_sub: dict[str, list[Override]] = defaultdict(list)
    for o in overrides:
        by_sub[o.submission_id].append(o)
    chosen: dict[tuple[str, str, str], Graded] = {}
    excluded: dict[str, list[str]] = defaultdict(list)
    for sub in subs:
        if wanted is not None and sub.candidate not in wanted:
            continue
        result = latest_result.get(sub.id)
        label = f"{sub.scenario_id} {sub.scenario_version} (submission {sub.id})"
        if result is None:
            continue
        if result.status in EXCLUDED_STATUSES:
            excluded[sub.candidate].append(f"{label}: {EXCLUDED_STATUSES[result.status]}")
            continue
        if not result.isolated:
            excluded[sub.candidate].append(f"{label}: graded without isolation "
                                           f"({result.backend} backend)")
            continue
        items, applied = apply_overrides(list(result.data.get("items", [])), by_sub[sub.id])
        chosen[(sub.candidate, sub.scenario_id, sub.scenario_version)] = Graded(
            submission_id=sub.id, candidate=sub.candidate, scenario=sub.scenario_id,
            version=sub.scenario_version, submitted_at=_aware(sub.submitted_at), data=result.data,
            items=items, overrides=applied)
    out: dict[str, list[Graded]] = defaultdict(list)
    for (candidate, _, _), graded in chosen.items():
        out[candidate].append(graded)
    return dict(out), dict(excluded)


def simulation_evidence(graded: Graded, profile: Profile, now: datetime,
                        excluded: list[str]) -> list[Evidence]:
    """The evidence one graded submission gives, discounted and aged."""
    age_days = max((now - graded.submitted_at).total_seconds() / 86400, 0.0)
    weight = profile.simulation_discount * 0.5 ** (age_days / profile.half_life_days)
    out: list[Evidence] = []

    def add(dimension: str, successes: float, failures: float) -> None:
        out.append(Evidence(dimension=dimension, successes=successes * weight,
                            failures=failures * weight, source="simulation"))

    for item in graded.items:
        if item["verdict"] == "flaky":
            excluded.append(f"{graded.scenario}: {item['id']} rests on a flaky test")
            continue
        if item["kind"] == "flaw":
            credit = {"fixed": 1.0, "removed": 0.5}.get(item["verdict"], 0.0)
            add("catch", item["severity"] * credit, item["severity"] * (1 - credit))
        else:
            ok = item["verdict"] == "kept"
            add("keep", float(ok), float(not ok))
    reg = graded.data.get("regression") or {}
    total = reg.get("total", 0)
    if total:
        add("safety", reg["passed"] / total, 1 - reg["passed"] / total)
    sections = graded.data.get("sections", {})
    review = sections.get("review")
    if review is not None:
        quality = (review["recall"] + review["precision"]) / 2
        add("explain", quality, 1 - quality)
    scope = sections.get("scope")
    if scope is not None:
        touched = scope["in_scope"] + scope["out_of_scope"]
        share = scope["in_scope"] / touched if touched else 1.0
        add("scope", share, 1 - share)
    return out


def delivery_evidence(records: Iterable[Record]) -> list[Evidence]:
    """Delivery records at full weight; a record without a dimension informs every dimension."""
    out: list[Evidence] = []
    for r in records:
        ok = r.outcome == "pass"
        dims = [r.dimension] if r.dimension else list(DIMENSIONS)
        share = r.weight / len(dims)
        out.extend(Evidence(dimension=d, successes=share * ok, failures=share * (not ok),
                            source="delivery") for d in dims)
    return out


def _seed(candidate: str) -> int:
    return int.from_bytes(hashlib.sha256(candidate.encode()).digest()[:8], "big")


def posterior(candidate: str, evidence: list[Evidence], profile: Profile) -> tuple[
        dict[str, DimensionScore], DimensionScore, dict[str, np.ndarray]]:
    """Per-dimension Beta posteriors and the overall score, from seeded draws."""
    rng = np.random.default_rng(_seed(candidate))
    lo_q, hi_q = (1 - profile.interval) / 2, 1 - (1 - profile.interval) / 2
    totals = {d: [0.0, 0.0] for d in DIMENSIONS}
    for e in evidence:
        totals[e.dimension][0] += e.successes
        totals[e.dimension][1] += e.failures
    alphas = np.array([profile.alpha + totals[d][0] for d in DIMENSIONS])
    betas = np.array([profile.beta + totals[d][1] for d in DIMENSIONS])
    # One (dimensions x draws) matrix and one quantile call for everything: seeded, repeatable.
    sample = rng.beta(alphas[:, None], betas[:, None], (len(DIMENSIONS), profile.draws))
    weights = np.array([profile.weights[d] for d in DIMENSIONS])
    overall = weights @ sample
    stacked = np.vstack([sample, overall])
    k_lo, k_hi = int(lo_q * (profile.draws - 1)), int(np.ceil(hi_q * (profile.draws - 1)))
    # Order statistics by partial sort: what np.quantile does, without its copies per call.
    parted = np.partition(stacked, [k_lo, k_hi], axis=1)
    bounds = parted[:, [k_lo, k_hi]].T
    draws = {d: sample[k] for k, d in enumerate(DIMENSIONS)}
    draws["overall"] = overall
    means = alphas / (alphas + betas)
    dims = {d: DimensionScore(mean=float(means[k]), low=float(bounds[0, k]),
                              high=float(bounds[1, k]), successes=totals[d][0],
                              failures=totals[d][1]) for k, d in enumerate(DIMENSIONS)}
    overall_score = DimensionScore(mean=float(weights @ means), low=float(bounds[0, -1]),
                                   high=float(bounds[1, -1]), successes=0, failures=0)
    return dims, overall_score, draws


def basis_text(sim_weight: float, del_weight: float, scenarios: int, observations: int) -> str:
    if del_weight <= 0:
        return f"simulation only ({scenarios} scenario{'s' * (scenarios != 1)})"
    obs = f"{observations} observation{'s' * (observations != 1)}"
    if sim_weight <= 0:
        return f"delivery records only ({obs})"
    share = del_weight / (sim_weight + del_weight)
    return (f"{share:.0%} delivery records ({obs}), "
            f"{1 - share:.0%} simulation ({scenarios} scenario{'s' * (scenarios != 1)})")


def score_all(store: Store, profile: Profile, *, now: datetime | None = None,
              candidates: Iterable[str] | None = None) -> dict[str, CandidateScore]:
    """Score every candidate (or the named ones), with cohort percentiles and Rasch abilities."""
    now = now or datetime.now(UTC)
    graded, excluded = load_graded(store)  # the whole cohort: percentiles and difficulty need it
    records: dict[str, list[Record]] = defaultdict(list)
    for r in store.records():
        records[r.engineer].append(r)
    names = set(graded) | set(records) | set(excluded)
    scores: dict[str, CandidateScore] = {}
    for name in sorted(names):
        skipped = list(excluded.get(name, []))
        evidence = [e for g in graded.get(name, []) for e in simulation_evidence(
            g, profile, now, skipped)]
        evidence += delivery_evidence(records.get(name, []))
        dims, overall, draws = posterior(name, evidence, profile)
        sim = sum(e.successes + e.failures for e in evidence if e.source == "simulation")
        dlv = sum(e.successes + e.failures for e in evidence if e.source == "delivery")
        runs = graded.get(name, [])
        scores[name] = CandidateScore(
            candidate=name, overall=overall, dimensions=dims,
            basis=basis_text(sim, dlv, len(runs), len(records.get(name, []))),
            delivery_share=dlv / (sim + dlv) if sim + dlv else 0.0,
            scenarios=sorted(f"{g.scenario}@{g.version}" for g in runs), excluded=skipped,
            observations=len(records.get(name, [])), graded=runs, draws=draws)
    _percentiles(scores)
    _abilities(scores, graded, profile)
    if candidates is not None:
        wanted = set(candidates)
        return {k: v for k, v in scores.items() if k in wanted}
    return scores


def _percentiles(scores: dict[str, CandidateScore]) -> None:
    """Percentile among candidates who took exactly the same scenario versions."""
    cohorts: dict[tuple[str, ...], list[CandidateScore]] = defaultdict(list)
    for s in scores.values():
        if s.scenarios:
            cohorts[tuple(s.scenarios)].append(s)
    for members in cohorts.values():
        for s in members:
            s.cohort_size = len(members)
            others = [m.overall.mean for m in members if m is not s]
            if others:
                below = sum(o < s.overall.mean for o in others)
                ties = sum(o == s.overall.mean for o in others)
                s.percentile = round(100 * (below + ties / 2) / len(others), 1)


def item_key(graded: Graded, item: dict[str, Any]) -> str:
    return f"{graded.scenario}@{graded.version}:{item['id']}"


def _abilities(scores: dict[str, CandidateScore], graded: dict[str, list[Graded]],
               profile: Profile) -> None:
    """Difficulty-adjusted ability from a Rasch fit, when the cohort is large enough."""
    from harness.difficulty import fit

    rows = [(name, item_key(g, item), int(item["verdict"] in ("fixed", "kept")))
            for name, runs in graded.items() for g in runs for item in g.items
            if item["verdict"] != "flaky"]
    people = {r[0] for r in rows}
    per_item: dict[str, int] = defaultdict(int)
    for r in rows:
        per_item[r[1]] += 1
    enough = (len(people) >= profile.min_candidates
              and all(n >= profile.min_responses_per_item for n in per_item.values()))
    if not enough:
        for name in people:
            runs = [item for g in graded[name] for item in g.items if item["verdict"] != "flaky"]
            rate = sum(i["verdict"] in ("fixed", "kept") for i in runs) / len(runs) if runs else 0
            scores[name].ability = {
                "method": "raw pass rate", "pass_rate": round(rate, 4),
                "warning": f"cohort too small for difficulty adjustment ({len(people)} "
                           f"candidates, need {profile.min_candidates}, and every item "
                           f"{profile.min_responses_per_item} responses): raw pass rates are "
                           "not comparable across different scenarios"}
        return
    fitted = fit(rows, penalty=profile.penalty)
    for name in people:
        scores[name].ability = {"method": "rasch", "theta": round(fitted.ability[name], 4),
                                "se": round(fitted.ability_se[name], 4),
                                "items": len(per_item)}


def prob_ahead(a: CandidateScore, b: CandidateScore, dimension: str = "overall") -> float:
    """P(a's true value exceeds b's) on a dimension, from the posterior draws."""
    return float(np.mean(a.draws[dimension] > b.draws[dimension]))
