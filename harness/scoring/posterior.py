"""The judgment score of every candidate: load the cohort's evidence from the store, turn each
graded submission and delivery record into trials (:mod:`harness.scoring.model` has the model),
and report posteriors, percentiles and the difficulty diagnostic.

Never evidence: infrastructure errors, runs without isolation (local backend), flaky items.
docs/scoring.md has the formulas, a worked example and the validation by simulation.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
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
from harness.scoring.model import (
    DimensionScore,
    Evidence,
    age_of,
    aged,
    cohort_prior,
    meaning,
    point,
    posterior,
    totals_of,
)
from harness.scoring.profile import DIMENSIONS, Profile
from harness.store import Override, Record, Store, queries

_Item = TypeVar("_Item", ItemSummary, ItemResult)

#: How the exclusion of a result that is never evidence (``not ResultStatus.scored``) is worded.
EXCLUDED_STATUSES = {
    ResultStatus.INFRA_ERROR: "infrastructure error",
    ResultStatus.ERRORED: "harness could not apply",
}


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
class CandidateScore:
    """Everything ``dsim score`` says about one candidate."""

    candidate: str
    overall: DimensionScore
    dimensions: dict[str, DimensionScore]
    basis: str
    delivery_share: float
    """The delivery records' share of the evidence, averaged over the dimensions by weight
    (``delivery_shares`` has it per dimension)."""
    scenarios: list[str]
    excluded: list[str]
    observations: int
    delivery_shares: dict[str, float] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()
    """Dimensions on which delivery records disagree with the simulation (they follow the
    records)."""
    meaning: str = ""
    """What the number and its interval mean, in plain words."""
    level: float = 0.0
    """The posterior median of the overall score (comparisons rank by it)."""
    percentile: float | None = None
    cohort_size: int = 0
    ability: Ability | None = None
    graded: list[GradedSubmission] = field(default_factory=list)
    draws: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        def dim(d: DimensionScore) -> dict[str, Any]:
            return {
                "mean": round(d.mean, 4),
                "low": round(d.low, 4),
                "high": round(d.high, 4),
                "successes": round(d.successes, 3),
                "failures": round(d.failures, 3),
                "measured": d.measured,
            }

        return {
            "candidate": self.candidate,
            "score": round(self.overall.mean * 100, 1) if self.overall.measured else None,
            "interval": [round(self.overall.low * 100, 1), round(self.overall.high * 100, 1)],
            "likely_level": round(self.level * 100, 1),
            "meaning": self.meaning,
            "dimensions": {k: dim(v) for k, v in self.dimensions.items()},
            "basis": self.basis,
            "delivery_share": round(self.delivery_share, 3),
            "delivery_shares": {k: round(v, 3) for k, v in self.delivery_shares.items()},
            "conflicts": [
                f"delivery records disagree with the simulation on {d}" for d in self.conflicts
            ],
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


def graded_attempts(store: Store) -> tuple[list[GradedSubmission], dict[str, list[str]]]:
    """Every usable graded submission in the store's order (oldest first), overrides applied,
    from result summaries only; and per candidate why the others are not evidence (not scored,
    or graded without isolation)."""
    by_sub: dict[str, list[Override]] = defaultdict(list)
    for o in queries.all_overrides(store):
        by_sub[o.submission_id].append(o)
    attempts: list[GradedSubmission] = []
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
        attempts.append(
            GradedSubmission(
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
        )
    return attempts, dict(excluded)


def load_graded(store: Store) -> tuple[dict[str, list[GradedSubmission]], dict[str, list[str]]]:
    """Latest usable result per (candidate, scenario version), from result summaries only, and
    exclusions per candidate. :func:`load_details` adds the whole results where needed."""
    attempts, excluded = graded_attempts(store)
    chosen = {(g.candidate, g.scenario, g.version): g for g in attempts}  # the latest wins
    out: dict[str, list[GradedSubmission]] = defaultdict(list)
    for graded in chosen.values():
        out[graded.candidate].append(graded)
    return dict(out), excluded


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
    """The trials one graded submission gives (see :mod:`harness.scoring.model`), aged."""
    age = age_of(graded.submitted_at, now)
    weight = aged(profile.simulation_discount, age, profile)
    out: list[Evidence] = []

    def add(dimension: str, successes: float, failures: float) -> None:
        out.append(
            Evidence(
                dimension=dimension,
                successes=successes * weight,
                failures=failures * weight,
                source="simulation",
                age_days=age,
            )
        )

    usable = []
    for item in graded.items:
        if item.verdict == Verdict.FLAKY:
            excluded.append(f"{graded.scenario}: {item.id} rests on a flaky test")
        else:
            usable.append(item)
    flaws = [i for i in usable if i.kind == ItemKind.FLAW]
    # Severity weighs flaws against each other (weights average 1): importance, not evidence.
    # Unequal weights make the weighted share noisier than an unweighted one: the scenario counts
    # as its effective number of flaws, n² / Σ weight² (Kish), never more than it has.
    mean_severity = sum(i.severity for i in flaws) / len(flaws) if flaws else 1.0
    shares = [i.severity / mean_severity for i in flaws]
    effective = len(flaws) / sum(w * w for w in shares) if flaws else 1.0
    for item, share in zip(flaws, shares, strict=True):
        credit = {Verdict.FIXED: 1.0, Verdict.REMOVED: 0.5}.get(item.verdict, 0.0)
        add("catch", share * credit * effective, share * (1 - credit) * effective)
    for item in usable:
        if item.kind != ItemKind.FLAW:
            ok = item.verdict == Verdict.KEPT
            add("keep", float(ok), float(not ok))
    reg = graded.summary.regression
    if reg.total:
        add("safety", reg.passed / reg.total, 1 - reg.passed / reg.total)
    review = graded.summary.sections.review
    if review is not None and flaws:
        quality = (review.recall + review.precision) / 2
        add("explain", quality * len(flaws), (1 - quality) * len(flaws))
    scope = graded.summary.sections.scope
    if scope is not None:
        touched = scope.in_scope + scope.out_of_scope
        share = scope.in_scope / touched if touched else 1.0
        add("scope", share, 1 - share)
    return out


def delivery_evidence(records: Sequence[Record], profile: Profile, now: datetime) -> list[Evidence]:
    """One trial per record (on its dimension, or on every dimension), aged by the record's date;
    weights say how much records matter among themselves (they average 1), never how many there
    are."""
    if not records:
        return []
    mean_weight = sum(max(r.weight, 0.0) for r in records) / len(records) or 1.0
    out: list[Evidence] = []
    for r in records:
        ok = r.outcome == "pass"
        age = age_of(r.date, now)
        share = aged(max(r.weight, 0.0) / mean_weight, age, profile)
        dims = [r.dimension] if r.dimension else list(DIMENSIONS)
        out.extend(
            Evidence(
                dimension=d,
                successes=share * ok,
                failures=share * (not ok),
                source="delivery",
                age_days=age,
            )
            for d in dims
        )
    return out


def _days(days: float) -> str:
    if days < 1:
        return "today"
    if days < 60:
        return f"{days:.0f} day{'s' * (round(days) != 1)} old"
    return f"{days / 30.4:.0f} months old"


def basis_text(
    evidence: Sequence[Evidence],
    scenarios: int,
    records: int,
    shares: dict[str, float],
    profile: Profile,
) -> str:
    """Where the score comes from: how much of each kind, how old, and, with records, the
    delivery share per dimension."""
    sim = [e for e in evidence if e.source == "simulation"]
    dlv = [e for e in evidence if e.source == "delivery"]
    parts = []
    if sim:
        parts.append(f"simulation ({scenarios} scenario{'s' * (scenarios != 1)})")
    if dlv:
        parts.append(f"delivery records ({records} record{'s' * (records != 1)})")
    if not parts:
        return "no evidence"
    if len(parts) == 1:
        parts[0] = parts[0].replace(" (", " only (", 1)
    ages = [e.age_days for e in evidence]
    newest, oldest = min(ages), max(ages)
    age = f"newest {_days(newest)}" + (
        f", oldest {_days(oldest)} (counting {0.5 ** (oldest / profile.half_life_days):.0%})"
        if oldest - newest >= 30
        else ""
    )
    text = " and ".join(parts) + f"; {age}"
    if dlv:
        text += "; delivery share " + ", ".join(f"{d} {shares.get(d, 0.0):.0%}" for d in DIMENSIONS)
    return text


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
        evidence[name] += delivery_evidence(records.get(name, []), profile, now)
    prior = cohort_prior([totals_of(evidence[name]) for name in names], profile)
    standing = _percentiles(
        {name: (_scenarios(graded.get(name, [])), point(evidence[name], profile)) for name in names}
    )
    abilities = _abilities(graded, profile)
    detailed: dict[str, list[GradedSubmission]] = defaultdict(list)
    chosen = [g for name in wanted for g in graded.get(name, [])]
    for g in load_details(store, chosen) if details else chosen:
        detailed[g.candidate].append(g)
    scores: dict[str, CandidateScore] = {}
    for name in wanted:
        post = posterior(evidence[name], profile, prior, name=name)
        runs = detailed.get(name, [])
        percentile, cohort_size = standing.get(name, (None, 0))
        shares = post.delivery_shares
        scores[name] = CandidateScore(
            candidate=name,
            overall=post.overall,
            dimensions=post.dimensions,
            basis=basis_text(
                evidence[name], len(runs), len(records.get(name, [])), shares, profile
            ),
            delivery_share=sum(profile.weights[d] * shares[d] for d in DIMENSIONS)
            / sum(profile.weights.values()),
            delivery_shares=shares,
            conflicts=post.conflicts,
            meaning=meaning(post.overall, profile.interval, len(runs)),
            level=post.level,
            scenarios=_scenarios(runs),
            excluded=skipped[name],
            observations=len(records.get(name, [])),
            percentile=percentile,
            cohort_size=cohort_size,
            ability=abilities.get(name),
            graded=runs,
            draws=post.draws if keep_draws else {},
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


def _raw(graded: list[GradedSubmission], warning: str) -> Ability:
    runs = [item for g in graded for item in g.items if item.verdict != Verdict.FLAKY]
    rate = sum(i.verdict.success for i in runs) / len(runs) if runs else 0.0
    return Ability(method=AbilityMethod.RAW, pass_rate=round(rate, 4), warning=warning)


def _abilities(graded: dict[str, list[GradedSubmission]], profile: Profile) -> dict[str, Ability]:
    """A difficulty diagnostic from a Rasch fit, when the design supports one
    (:func:`harness.scoring.difficulty.rasch_design` has the gates).

    Candidates left out of the fit get a raw pass rate saying why; a cohort that splits into
    groups sharing no item gets no adjustment at all, with the groups named. The Rasch ability
    is reported beside the score; it never replaces the score or the ranking.
    """
    from harness.scoring.difficulty import fit, rasch_design

    rows = [
        (name, item_key(g, item), int(item.verdict.success))
        for name, runs in graded.items()
        for g in runs
        for item in g.items
        if item.verdict != Verdict.FLAKY
    ]
    design = rasch_design(rows, profile)
    if design.too_small:
        warning = (
            f"cohort too small for difficulty adjustment ({design.too_small}): raw pass rates "
            "are not comparable across different scenarios"
        )
        return {name: _raw(graded[name], warning) for name in graded}
    if design.split:
        warning = (
            "no difficulty adjustment: the cohort splits into groups that took no scenario in "
            f"common ({design.split}); their abilities cannot be put on one scale"
        )
        return {name: _raw(graded[name], warning) for name in graded}
    out: dict[str, Ability] = {
        name: _raw(
            graded[name],
            "not difficulty-adjusted: too few of this candidate's items have "
            f"{profile.min_responses_per_item} responses in the cohort",
        )
        for name in graded
        if name not in design.people
    }
    fitted = fit(design.rows, penalty=profile.penalty)
    counts: dict[str, int] = defaultdict(int)
    for r in design.rows:
        counts[r[0]] += 1
    for name in design.people:
        out[name] = Ability(
            method=AbilityMethod.RASCH,
            theta=round(fitted.ability[name], 4),
            se=round(fitted.ability_se[name], 4),
            items=counts[name],
        )
    return out


def prob_ahead(a: CandidateScore, b: CandidateScore, dimension: str = "overall") -> float:
    """P(a's true value exceeds b's) on a dimension, from the posterior draws (equal draws, as
    for identical evidence, count half)."""
    x, y = a.draws[dimension], b.draws[dimension]
    return float(np.mean(x > y) + 0.5 * np.mean(x == y))
