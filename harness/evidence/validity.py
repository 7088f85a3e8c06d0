"""Predictive validity: does a simulation score taken before a date predict delivery after it?

For every candidate with a usable graded simulation before the split and enough delivery records
from it on, the simulation score (the overall point estimate from the pre-split simulation evidence
only, aged at the split) is paired with later delivery success (the weighted share of records
passed). The pairs give Pearson and Spearman correlations with percentile-bootstrap intervals, a
calibration table (score bands against later success), and a fit of the simulation's weight in the
score's blend (``simulation_discount``) with a bootstrap interval. docs/cohort-evidence.md
explains the method and its limits.

Invariants: nothing from after the split reaches the simulation score (submissions on or after it
are ignored; a retake after the split does not hide the one before it), nothing from before it
reaches the criterion (records dated before it are ignored), and a fitted weight is only ever
*proposed* (:func:`proposed_profile`), never applied. Every random draw is seeded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from harness.evidence.stats import central_95, log_beta, rowwise_pearson, rowwise_ranks
from harness.scoring.model import (
    MIN_COHORT,
    UNIDENTIFIED_PRIOR_WEIGHT,
    Prior,
    cohort_prior,
    point,
    totals_of,
)
from harness.scoring.posterior import (
    GradedSubmission,
    delivery_evidence,
    graded_attempts,
    simulation_evidence,
)
from harness.scoring.profile import DIMENSIONS, GAIN, Profile
from harness.store import Record, Store

RESAMPLES = 2000
"""Bootstrap resamples for every interval."""
SEED = 18
"""The bootstrap's seed: the same store gives the same intervals."""
MIN_PAIRS = 10
"""Below this many candidates there are no numbers, only a warning."""
WIDE_BELOW = 30
"""Below this many candidates the numbers carry a warning that the intervals are wide."""
QUINTILES_FROM = 25
"""From this many candidates the calibration bands are score quintiles, below it 20-point bands."""
DISCOUNTS = np.round(np.arange(0.0, 3.0 + 1e-9, 0.05), 2)
"""The simulation weights the fit tries."""
BENCHMARK = (
    "the .33 that Sackett, Zhang, Berry & Lievens (2022) estimate for work-sample tests "
    "(revising the .54 of Schmidt & Hunter 1998)"
)


@dataclass(frozen=True, kw_only=True)
class Correlation:
    """A correlation with its 95% percentile-bootstrap interval; None when it cannot be
    computed (too few candidates, or no spread)."""

    value: float | None
    low: float | None
    high: float | None

    def as_dict(self) -> dict[str, float | None]:
        return {k: None if v is None else round(v, 4) for k, v in vars(self).items()}


@dataclass(frozen=True, kw_only=True)
class Band:
    """One band of simulation scores and how the candidates in it did later."""

    label: str
    """The band's score range on 0-100, e.g. ``40–60``."""
    n: int
    """Candidates in the band."""
    mean_score: float
    """Their mean simulation score, 0-100."""
    success_rate: float
    """Their mean later delivery success, 0-1 (each candidate's weighted share passed)."""


@dataclass(frozen=True, kw_only=True)
class Pair:
    """One candidate's simulation evidence before the split and delivery records from it on."""

    candidate: str
    score: float
    """The simulation's overall point estimate, 0-1."""
    success: float
    """The weighted share of later delivery records passed, 0-1."""
    simulation: dict[str, tuple[float, float]]
    """Simulation (successes, failures) per dimension, undiscounted, aged at the split."""
    delivery: dict[str, tuple[float, float]]
    """Later delivery (successes, failures) per dimension, as the score would count them."""


@dataclass(frozen=True, kw_only=True)
class Validity:
    """What ``dsim validity`` reports."""

    split: str
    """``before 2026-06-01`` or ``each candidate's first delivery record``."""
    n: int
    """Candidates with both a simulation score before the split and enough records after it."""
    pearson: Correlation
    spearman: Correlation
    bands: tuple[Band, ...]
    """Calibration: score bands, lowest first; empty bands omitted."""
    discount: float
    """The profile's ``simulation_discount``."""
    fitted_discount: float | None
    """The simulation weight that best predicts later records; None below :data:`MIN_PAIRS`."""
    fitted_low: float | None
    fitted_high: float | None
    supported: bool | None
    """Whether ``discount`` lies inside the fitted 95% interval."""
    verdict: str
    """Plain-language summary, with n."""
    warnings: tuple[str, ...]
    at: datetime
    """When this was computed."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``dsim validity --json``)."""
        return {
            "split": self.split,
            "n": self.n,
            "pearson": self.pearson.as_dict(),
            "spearman": self.spearman.as_dict(),
            "bands": [
                {
                    "label": b.label,
                    "n": b.n,
                    "mean_score": round(b.mean_score, 1),
                    "success_rate": round(b.success_rate, 4),
                }
                for b in self.bands
            ],
            "weight": {
                "discount": self.discount,
                "fitted": self.fitted_discount,
                "low": self.fitted_low,
                "high": self.fitted_high,
                "supported": self.supported,
            },
            "verdict": self.verdict,
            "warnings": list(self.warnings),
            "at": self.at.isoformat(),
        }


# --- Correlations -------------------------------------------------------------------------------


def correlations(
    scores: Sequence[float],
    outcomes: Sequence[float],
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> tuple[Correlation, Correlation]:
    """Pearson and Spearman correlations of ``scores`` with ``outcomes``, each with a 95%
    percentile-bootstrap interval over the candidates (resampled in pairs)."""
    x, y = np.asarray(scores, float), np.asarray(outcomes, float)
    n = len(x)
    none = Correlation(value=None, low=None, high=None)
    if n < 3:
        return none, none
    everyone = np.arange(n)[None, :]
    idx = np.vstack([everyone, np.random.default_rng(seed).integers(0, n, (resamples, n))])
    out = []
    for r in (
        rowwise_pearson(x[idx], y[idx]),
        rowwise_pearson(rowwise_ranks(x, idx), rowwise_ranks(y, idx)),
    ):
        if not np.isfinite(r[0]):
            out.append(none)
            continue
        low, high = central_95(r[1:], min_defined=0.5)
        out.append(Correlation(value=float(r[0]), low=low, high=high))
    return out[0], out[1]


# --- Calibration --------------------------------------------------------------------------------


def calibration(scores: Sequence[float], outcomes: Sequence[float]) -> tuple[Band, ...]:
    """Score bands (quintiles of the scores from :data:`QUINTILES_FROM` candidates, else 0-20,
    20-40, … on the 0-100 scale) with their mean later success; empty bands left out."""
    x, y = np.asarray(scores, float) * 100, np.asarray(outcomes, float)
    if len(x) >= QUINTILES_FROM:
        edges = np.quantile(x, [0.2, 0.4, 0.6, 0.8])
        band = np.searchsorted(edges, x, side="left")  # ties with an edge go to the lower band
    else:
        band = np.minimum(x // 20, 4).astype(int)
    out = []
    for k in range(5):
        members = band == k
        if not members.any():
            continue
        if len(x) >= QUINTILES_FROM:
            low, high = f"{x[members].min():.0f}", f"{x[members].max():.0f}"
            label = low if low == high else f"{low}–{high}"
        else:
            label = f"{20 * k}–{20 * (k + 1)}"
        out.append(
            Band(
                label=label,
                n=int(members.sum()),
                mean_score=float(x[members].mean()),
                success_rate=float(y[members].mean()),
            )
        )
    return tuple(out)


# --- The simulation's weight --------------------------------------------------------------------


def delivery_prior(pairs: Sequence[Pair], profile: Profile) -> Prior:
    """The Beta prior the fit starts from, per dimension: the one the score itself would fit
    from the cohort (:func:`~harness.scoring.model.cohort_prior`) over the later delivery records
    alone, so that it is centred on the cohort's delivery success and as spread as its levels.
    A dimension with records from fewer than ``MIN_COHORT`` candidates is centred the same way
    with the weight the model uses when the spread cannot be measured."""
    totals = [{d: list(p.delivery.get(d, (0.0, 0.0))) for d in DIMENSIONS} for p in pairs]
    prior = cohort_prior(totals, profile)
    for d in DIMENSIONS:
        rows = [t[d] for t in totals if t[d][0] + t[d][1] >= 0.5]
        trials = sum(s + f for s, f in rows)
        centre = sum(s for s, _ in rows) / trials if trials else 0.0
        if len(rows) < MIN_COHORT and 0 < centre < 1:
            prior[d] = (
                centre * UNIDENTIFIED_PRIOR_WEIGHT,
                (1 - centre) * UNIDENTIFIED_PRIOR_WEIGHT,
            )
    return prior


def discount_likelihood(pairs: Sequence[Pair], prior: Prior) -> np.ndarray:
    """Log-likelihood of each candidate's later records (rows) under each weight in
    :data:`DISCOUNTS` (columns): the beta-binomial marginal likelihood of the later (passes,
    fails) on each dimension given Beta(a + δ·S, b + δ·F), the score's own blend with the
    simulation trials S, F counted δ times (the binomial coefficient, the same for every δ, is
    left out)."""
    rows: list[tuple[float, ...]] = []
    owners: list[int] = []
    for c, p in enumerate(pairs):
        for d, (passed, failed) in p.delivery.items():
            if passed + failed > 0:
                rows.append((*prior[d], *p.simulation.get(d, (0.0, 0.0)), passed, failed))
                owners.append(c)
    out = np.zeros((len(pairs), len(DISCOUNTS)))
    if not rows:
        return out
    a0, b0, s, f, k, m = np.array(rows).T[:, :, None]
    a = a0 + DISCOUNTS[None, :] * s
    b = b0 + DISCOUNTS[None, :] * f
    np.add.at(out, np.array(owners), log_beta(a + k, b + m) - log_beta(a, b))
    return out


def fit_discount(
    pairs: Sequence[Pair], profile: Profile, *, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[float, float, float]:
    """The simulation weight (on :data:`DISCOUNTS`) under which the simulation evidence best
    predicts the later delivery records, and its 95% percentile-bootstrap interval over
    candidates (the prior held at the full cohort's)."""
    table = discount_likelihood(pairs, delivery_prior(pairs, profile))
    n = len(pairs)
    idx = np.random.default_rng(seed + 1).integers(0, n, (resamples, n))
    flat = idx + n * np.arange(resamples)[:, None]
    counts = np.bincount(flat.ravel(), minlength=resamples * n).reshape(resamples, n)
    best = DISCOUNTS[np.argmax(counts @ table, axis=1)]
    low, high = np.percentile(best, [2.5, 97.5])
    fitted = float(DISCOUNTS[int(np.argmax(table.sum(axis=0)))])
    return fitted, round(float(low), 2), round(float(high), 2)


# --- From the store to pairs --------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _usable_runs(store: Store) -> dict[str, list[GradedSubmission]]:
    """Every usable graded submission, oldest first, overrides applied. Unlike scoring's
    ``load_graded`` (which keeps the latest per scenario version) every one is kept: the split
    decides which of a candidate's attempts counts."""
    out: dict[str, list[GradedSubmission]] = defaultdict(list)
    for graded in graded_attempts(store)[0]:
        out[graded.candidate].append(graded)
    return out


def _pair(
    name: str,
    runs: list[GradedSubmission],
    records: list[Record],
    split: datetime,
    profile: Profile,
) -> Pair | None:
    """The candidate's pair at ``split``, or None when the simulation before it has no gain
    evidence or the records after it carry no weight."""
    latest = {(g.scenario, g.version): g for g in runs if g.submitted_at < split}
    raw = replace(profile, simulation_discount=1.0)  # the fit puts its own weight on them
    sim = [e for g in latest.values() for e in simulation_evidence(g, raw, split, [])]
    if not any(e.dimension in GAIN and e.trials > 0 for e in sim):
        return None
    weight = sum(max(r.weight, 0.0) for r in records)
    if weight <= 0:
        return None
    success = sum(max(r.weight, 0.0) for r in records if r.outcome == "pass") / weight
    # Records are dated on or after the split, so none is aged: the criterion is what happened.
    later = totals_of(delivery_evidence(records, profile, split))
    simulated = totals_of(sim)
    return Pair(
        candidate=name,
        score=point(sim, profile),
        success=success,
        simulation={d: (s, f) for d, (s, f) in simulated.items() if s + f > 0},
        delivery={d: (s, f) for d, (s, f) in later.items() if s + f > 0},
    )


def pairs_of(
    store: Store, profile: Profile, *, before: datetime | None = None, min_records: int = 3
) -> tuple[list[Pair], list[str]]:
    """Each eligible candidate's pair, and what kept the others out (one line per reason)."""
    runs = _usable_runs(store)
    records: dict[str, list[Record]] = defaultdict(list)
    for r in store.records():
        records[r.engineer].append(r)
    pairs: list[Pair] = []
    no_records = too_few = no_simulation = 0
    for name in sorted(set(runs) | set(records)):
        mine = records.get(name, [])
        split = _aware(before) if before else min((_aware(r.date) for r in mine), default=None)
        later = [r for r in mine if split is not None and _aware(r.date) >= split]
        if split is None or not later:
            no_records += 1
        elif len(later) < min_records:
            too_few += 1
        elif (pair := _pair(name, runs.get(name, []), later, split, profile)) is None:
            no_simulation += 1
        else:
            pairs.append(pair)
    left_out = []
    if too_few:
        left_out.append(
            f"{too_few} candidate(s) have fewer than {min_records} delivery records after the "
            "split (left out)"
        )
    if no_simulation:
        left_out.append(
            f"{no_simulation} candidate(s) with enough delivery records have no usable graded "
            "simulation before the split (left out)"
        )
    if no_records:
        left_out.append(
            f"{no_records} candidate(s) have no delivery records after the split (left out)"
        )
    return pairs, left_out


# --- The summary --------------------------------------------------------------------------------


def _num(x: float) -> str:
    """A weight with one or two decimals: 1.0, 0.85."""
    text = f"{x:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _r(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def _verdict(
    n: int,
    pearson: Correlation,
    spearman: Correlation,
    discount: float,
    fit: tuple[float, float, float] | None,
    min_records: int,
    split: str,
) -> str:
    if n < MIN_PAIRS:
        return (
            f"Too few candidates to judge predictive validity: {n} have a simulation score "
            f"and {min_records} or more delivery records after the split ({split}); "
            f"correlations need {MIN_PAIRS} ({WIDE_BELOW} for a usable interval)."
        )
    if pearson.value is None or pearson.low is None or pearson.high is None:
        text = (
            f"Simulation scores or later delivery success do not vary across the {n} candidates: "
            "no correlation can be computed."
        )
    else:
        if pearson.low <= 0:
            reading = (
                "the interval includes zero, so the data do not yet show that the simulation "
                "predicts delivery; the estimate is "
            )
        else:
            reading = ""
        if pearson.low <= 0.33 <= pearson.high:
            reading += f"consistent with {BENCHMARK}"
        elif pearson.high < 0.33:
            reading += f"below {BENCHMARK}"
        else:
            reading += f"above {BENCHMARK}"
        spearman_text = "" if spearman.value is None else f"; Spearman {_r(spearman.value)}"
        text = (
            f"Simulation scores before the split and later delivery success correlate at "
            f"r = {_r(pearson.value)} (95% {_r(pearson.low)} to {_r(pearson.high)}"
            f"{spearman_text}; n = {n}): {reading}."
        )
    if fit is not None:
        fitted, low, high = fit
        if low <= discount <= high:
            text += (
                f" The data support counting a simulation trial as {_num(discount)} delivery "
                f"records (fitted {_num(fitted)}, 95% {_num(low)}–{_num(high)}, n = {n})."
            )
        else:
            text += (
                f" The data suggest counting a simulation trial as {_num(fitted)} delivery "
                f"records rather than {_num(discount)} (95% {_num(low)}–{_num(high)}, n = {n})"
                + (": the simulation adds little or nothing to it." if high < 0.1 else ".")
            )
    return text


def summarise(
    pairs: Sequence[Pair],
    profile: Profile,
    *,
    split: str,
    min_records: int = 3,
    left_out: Sequence[str] = (),
    now: datetime | None = None,
) -> Validity:
    """Correlations, calibration bands and the weight fit from the candidates' pairs."""
    n = len(pairs)
    scores, outcomes = [p.score for p in pairs], [p.success for p in pairs]
    warnings = []
    none = Correlation(value=None, low=None, high=None)
    pearson, spearman, fit = none, none, None
    if n < MIN_PAIRS:
        if n:
            warnings.append(
                f"only {n} candidate(s) with both: no correlations (at least {MIN_PAIRS} needed)"
            )
    else:
        pearson, spearman = correlations(scores, outcomes)
        fit = fit_discount(pairs, profile)
        if n < WIDE_BELOW:
            warnings.append(
                f"only {n} candidates: the intervals are wide; read the direction, not the value"
            )
        if fit[0] == DISCOUNTS[-1]:
            warnings.append(
                f"the fitted weight is the largest tried ({_num(DISCOUNTS[-1])}): the best "
                "weight may lie beyond it"
            )
    warnings.extend(left_out)
    return Validity(
        split=split,
        n=n,
        pearson=pearson,
        spearman=spearman,
        bands=calibration(scores, outcomes) if n >= MIN_PAIRS else (),
        discount=profile.simulation_discount,
        fitted_discount=None if fit is None else fit[0],
        fitted_low=None if fit is None else fit[1],
        fitted_high=None if fit is None else fit[2],
        supported=None if fit is None else fit[1] <= profile.simulation_discount <= fit[2],
        verdict=_verdict(
            n, pearson, spearman, profile.simulation_discount, fit, min_records, split
        ),
        warnings=tuple(warnings),
        at=now or datetime.now(UTC),
    )


def validity(
    store: Store,
    profile: Profile,
    *,
    before: datetime | None = None,
    min_records: int = 3,
    now: datetime | None = None,
) -> Validity:
    """Predictive validity of the simulation score for later delivery success.

    Args:
        before: the split: simulation evidence from submissions before it, delivery records dated
            on or after it. Without it each candidate is split at their first delivery record.
        min_records: delivery records a candidate needs after the split to count.
        now: when this is computed (stamped on the result and on a proposed profile).
    """
    pairs, left_out = pairs_of(store, profile, before=before, min_records=min_records)
    split = (
        f"before {_aware(before):%Y-%m-%d}" if before else "each candidate's first delivery record"
    )
    result = summarise(
        pairs, profile, split=split, min_records=min_records, left_out=left_out, now=now
    )
    if not pairs:
        return replace(result, verdict=_nothing(store, split, min_records))
    return result


def _nothing(store: Store, split: str, min_records: int) -> str:
    """One sentence saying what is missing when no candidate has both."""
    if not store.records():
        return (
            "No predictive validity yet: the store has no delivery records; import the outcomes "
            "of hires' real AI-assisted changes to compare them with their simulation scores."
        )
    return (
        "No predictive validity yet: no candidate has both a usable graded simulation before the "
        f"split ({split}) and {min_records} or more delivery records from it on."
    )


def proposed_profile(result: Validity) -> str:
    """A profile overlay (TOML) setting the fitted ``simulation_discount``, with comments saying
    where it comes from; for a person to review and apply with ``--profile``, never applied here.

    Raises:
        ValueError: nothing was fitted (too few candidates).
    """
    if result.fitted_discount is None:
        raise ValueError(f"no weight was fitted ({result.n} candidates, need {MIN_PAIRS})")
    return (
        f"# Proposed by `dsim validity --fit` on {result.at:%Y-%m-%d}. NOT applied: review it,\n"
        "# then pass this file as --profile to dsim score, compare and the reports.\n"
        f"# Fitted from n = {result.n} candidates (split: {result.split});\n"
        f"# 95% bootstrap interval {_num(result.fitted_low or 0.0)}–"
        f"{_num(result.fitted_high or 0.0)}.\n"
        f"# The profile in use counts a simulation trial as {_num(result.discount)} delivery "
        f"records: {'supported' if result.supported else 'not supported'} by these data.\n"
        f"# Validity: Pearson r = {_corr_text(result.pearson)}, Spearman = "
        f"{_corr_text(result.spearman)}.\n"
        "[evidence]\n"
        f"simulation_discount = {result.fitted_discount:g}\n"
    )


def _corr_text(c: Correlation) -> str:
    if c.value is None or c.low is None or c.high is None:
        return "n/a"
    return f"{c.value:.2f} (95% {c.low:.2f} to {c.high:.2f})"
