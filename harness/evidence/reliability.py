"""Reliability: how consistent the score is, and how large its error is near a cut (issue 18).

The AERA/APA/NCME *Standards for Educational and Psychological Testing* (2014) ask for both:
Standard 2.3 — report reliability or precision for each score that is used, with how it was
estimated and from whom; Standard 2.14 — where scores are used against a cut score, report the
standard error of measurement near the cut. So:

- per scenario version, KR-20 (internal consistency of its flaw and keep verdicts) with a 95%
  bootstrap interval over candidates;
- over the cohort, the Rasch person-separation reliability (when the design allows the fit
  scoring would allow), the marginal reliability of the judgment score with a bootstrap
  interval, its standard error of measurement on the 0-100 scale, and that error near the cut.

Invariant: a small sample never yields a solid-looking number. Under :data:`MIN_CANDIDATES`
candidates (or two items) there is no number, only a warning; under :data:`SOLID_CANDIDATES` the
number comes with a warning naming n. Bootstraps are seeded, so the same cohort always reports
the same interval.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.evidence.cohort import Cohort
from harness.evidence.items import fit_cohort
from harness.evidence.stats import central_95

MIN_CANDIDATES = 10
"""Below this many candidates a reliability is not computed at all."""
SOLID_CANDIDATES = 30
"""Below this many candidates a reliability is shown with a warning naming n."""
MIN_ITEMS = 2
"""KR-20 needs at least two items."""
RESAMPLES = 2000
"""Bootstrap resamples over candidates for each 95% interval."""
NEAR_CUT_POINTS = 10.0
"""Candidates within this many points (0-100) of the cut give the conditional SEM."""
MIN_NEAR_CUT = 5
"""Fewer candidates than this near the cut: no conditional SEM."""
SEED = 18
"""Base seed of the bootstraps (issue 18), mixed with what is being resampled."""


@dataclass(frozen=True, kw_only=True)
class ScenarioReliability:
    """KR-20 of one scenario version's flaw and keep verdicts."""

    scenario: str
    """The scenario id."""
    version: str
    """The scenario version."""
    candidates: int
    """Candidates with a verdict on every one of its items (the complete rows KR-20 uses)."""
    items: int
    """Flaws and keeps of the version with at least one verdict."""
    kr20: float | None
    """Kuder-Richardson 20; None when the sample is too small or scores do not vary."""
    low: float | None
    """Lower end of the 95% bootstrap interval."""
    high: float | None
    """Upper end of the 95% bootstrap interval."""
    warning: str
    """Why the number is missing or shaky; "" when solid."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-able, the number beside its n."""
        return {
            "scenario": self.scenario,
            "version": self.version,
            "kr20": {
                "value": _round(self.kr20),
                "low": _round(self.low),
                "high": _round(self.high),
                "n": self.candidates,
                "items": self.items,
            },
            "warning": self.warning,
        }


@dataclass(frozen=True, kw_only=True)
class Reliability:
    """Every reliability the cohort supports, with the warnings that qualify them."""

    scenarios: tuple[ScenarioReliability, ...]
    """One per scenario version, sorted."""
    separation: float | None
    """Rasch person-separation reliability (var(θ̂) − mean se²) / var(θ̂); None without a fit."""
    separation_n: int
    """Candidates in the Rasch fit."""
    marginal: float | None
    """Marginal reliability of the judgment score: 1 − mean(sd²) / var(score)."""
    marginal_low: float | None
    """Lower end of its 95% bootstrap interval."""
    marginal_high: float | None
    """Upper end of its 95% bootstrap interval."""
    sem: float | None
    """Standard error of measurement on the 0-100 scale: 100·sqrt(mean sd²)."""
    cut: float | None
    """The cut score (0-100), from the argument or the profile; None when there is none."""
    sem_at_cut: float | None
    """100·sqrt(mean sd²) over the candidates within :data:`NEAR_CUT_POINTS` of the cut."""
    near_cut: int
    """How many candidates ``sem_at_cut`` used."""
    candidates: int
    """Candidates with a measured judgment score."""
    warnings: tuple[str, ...]
    """Why a cohort-level number is missing or shaky."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-able, each number beside its n."""
        return {
            "candidates": self.candidates,
            "scenarios": [s.as_dict() for s in self.scenarios],
            "separation": {"value": _round(self.separation), "n": self.separation_n},
            "marginal": {
                "value": _round(self.marginal),
                "low": _round(self.marginal_low),
                "high": _round(self.marginal_high),
                "n": self.candidates,
            },
            "sem": {"value": _round(self.sem), "n": self.candidates},
            "sem_at_cut": {
                "value": _round(self.sem_at_cut),
                "cut": self.cut,
                "within": NEAR_CUT_POINTS,
                "n": self.near_cut,
            },
            "warnings": list(self.warnings),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _rng(*what: str) -> np.random.Generator:
    """A generator seeded from :data:`SEED` and a label, so each bootstrap is repeatable."""
    return np.random.default_rng([SEED, zlib.crc32("\0".join(what).encode())])


def _kr20s(x: np.ndarray) -> np.ndarray:
    """KR-20 of each (candidates × items) 0/1 matrix in a stack ``x[..., n, k]``; NaN where the
    total score does not vary. Population moments (ddof 0) on both sides, as in the formula."""
    k = x.shape[-1]
    p = x.mean(axis=-2)
    pq = (p * (1 - p)).sum(axis=-1)
    var = x.sum(axis=-1).var(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(var > 0, k / (k - 1) * (1 - pq / var), np.nan)


def kr20(matrix: np.ndarray) -> float | None:
    """Kuder-Richardson 20 of a candidates × items 0/1 matrix (complete rows):
    k/(k−1) · (1 − Σ pᵢqᵢ / var(total)). None when the total does not vary or k < 2.

    It estimates how strongly the items agree on who is better; it can be negative when they
    disagree more than chance would make them.
    """
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[1] < MIN_ITEMS or x.shape[0] < 2:
        return None
    value = float(_kr20s(x[None])[0])
    return None if np.isnan(value) else value


def kr20_interval(
    matrix: np.ndarray, *, rng: np.random.Generator
) -> tuple[float | None, float | None, float | None]:
    """KR-20 with its 95% percentile-bootstrap interval (:data:`RESAMPLES` resamples of
    candidates); resamples whose total does not vary are dropped."""
    x = np.asarray(matrix, dtype=float)
    value = kr20(x)
    if value is None:
        return None, None, None
    idx = rng.integers(0, len(x), size=(RESAMPLES, len(x)))
    return value, *central_95(_kr20s(x[idx]))


def _marginals(score: np.ndarray, var_error: np.ndarray) -> np.ndarray:
    """var(level) / (var(level) + mean(sd²)) along the last axis: the share of the spread of the
    posterior levels that is true difference, each person's error being their posterior variance
    (the marginal reliability of an EAP-type estimate); NaN where levels do not vary."""
    var = score.var(axis=-1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(var > 0, var / (var + var_error.mean(axis=-1)), np.nan)


def _small(what: str, n: int) -> str:
    if n < MIN_CANDIDATES:
        return f"{what}: too few candidates ({n}, need {MIN_CANDIDATES}) for a number"
    if n < SOLID_CANDIDATES:
        return (
            f"{what} rests on only {n} candidates (under {SOLID_CANDIDATES}): read it and its "
            "interval as rough"
        )
    return ""


def _scenarios(cohort: Cohort) -> list[ScenarioReliability]:
    versions: dict[tuple[str, str], dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for r in cohort.responses:
        versions[r.scenario, r.version][r.candidate][r.item] = r.passed
    out = []
    for (scenario, version), rows in versions.items():
        items = sorted({item for verdicts in rows.values() for item in verdicts})
        complete = [v for _, v in sorted(rows.items()) if len(v) == len(items)]
        n, k = len(complete), len(items)
        what = f"{scenario}@{version} KR-20"
        value = low = high = None
        if k < MIN_ITEMS:
            warning = f"{what}: one item only, no internal consistency to measure"
        elif n < MIN_CANDIDATES:
            warning = _small(what, n)
        else:
            matrix = np.array([[v[i] for i in items] for v in complete], dtype=float)
            value, low, high = kr20_interval(matrix, rng=_rng("kr20", scenario, version))
            warning = (
                _small(what, n)
                if value is not None
                else f"{what}: every candidate passed the same number of items, no variance"
            )
        if len(complete) < len(rows):
            left = len(rows) - len(complete)
            note = f"{left} candidate(s) with a flaky item left out"
            warning = f"{warning}; {note}" if warning else f"{what}: {note}"
        out.append(
            ScenarioReliability(
                scenario=scenario,
                version=version,
                candidates=n,
                items=k,
                kr20=value,
                low=low,
                high=high,
                warning=warning,
            )
        )
    return sorted(out, key=lambda s: (s.scenario, s.version))


def _separation(cohort: Cohort) -> tuple[float | None, int, list[str]]:
    """Rasch person-separation reliability, the candidates it used, and why it is missing."""
    fitted = fit_cohort(cohort.responses, cohort.profile).fit
    if fitted is None:
        return (
            None,
            0,
            ["no person-separation reliability: the cohort's design allows no Rasch fit"],
        )
    theta = np.array(list(fitted.ability.values()))
    se = np.array([fitted.ability_se[name] for name in fitted.ability])
    var = float(theta.var(ddof=1)) if len(theta) > 1 else 0.0
    if var <= 0:
        return None, len(theta), ["no person-separation reliability: abilities do not vary"]
    return (var - float(np.mean(se**2))) / var, len(theta), []


def reliability(cohort: Cohort, *, cut: float | None = None) -> Reliability:
    """Every reliability the cohort supports (Standards 2.3), and the error near the cut score
    (Standards 2.14).

    Args:
        cohort: The cohort (:func:`harness.evidence.cohort.load_cohort`).
        cut: A cut score on the 0-100 scale; the profile's ``cohort.cut_score`` when None.

    The marginal reliability treats each candidate's posterior sd (from the credible interval)
    as their error and their posterior median (the likely level) as the estimate:
    var(level) / (var(level) + mean sd²) over measured candidates. (The displayed score is the
    observed share, which is not shrunk; dividing by its spread would mix two estimates.) The
    standard error of measurement is 100·sqrt(mean sd²); near the cut it uses only candidates
    whose displayed score lies within :data:`NEAR_CUT_POINTS` of it, because error is not the
    same across the scale.
    """
    warnings: list[str] = []
    scenarios = _scenarios(cohort)
    separation, separation_n, why = _separation(cohort) if cohort.responses else (None, 0, [])
    warnings += why
    measured = [
        (s, level, sd)
        for name in cohort.measured
        if (s := cohort.score(name)) is not None
        and (level := cohort.level(name)) is not None
        and (sd := cohort.sd(name)) is not None
    ]
    n = len(measured)
    score = np.array([s for s, _, _ in measured], dtype=float)
    levels = np.array([level for _, level, _ in measured], dtype=float)
    var_error = np.array([sd**2 for _, _, sd in measured], dtype=float)
    marginal = low = high = sem = None
    if n:
        sem = 100 * float(np.sqrt(var_error.mean()))
    if n >= MIN_CANDIDATES:
        value = float(_marginals(levels, var_error))
        if np.isnan(value):
            warnings.append("no marginal reliability: every candidate has the same score")
        else:
            idx = _rng("marginal").integers(0, n, size=(RESAMPLES, n))
            low, high = central_95(_marginals(levels[idx], var_error[idx]))
            marginal = value
    if message := _small("marginal reliability", n):
        warnings.append(message)
    cut = cut if cut is not None else cohort.profile.cut_score
    sem_at_cut, near_cut = None, 0
    if cut is not None:
        near = np.abs(100 * score - cut) <= NEAR_CUT_POINTS
        near_cut = int(near.sum())
        if near_cut >= MIN_NEAR_CUT:
            sem_at_cut = 100 * float(np.sqrt(var_error[near].mean()))
        else:
            warnings.append(
                f"no standard error at the cut: {near_cut} candidate(s) score within "
                f"{NEAR_CUT_POINTS:g} points of {cut:g}, need {MIN_NEAR_CUT}"
            )
    return Reliability(
        scenarios=tuple(scenarios),
        separation=separation,
        separation_n=separation_n,
        marginal=marginal,
        marginal_low=low,
        marginal_high=high,
        sem=sem,
        cut=cut,
        sem_at_cut=sem_at_cut,
        near_cut=near_cut,
        candidates=n,
        warnings=tuple(warnings),
    )
