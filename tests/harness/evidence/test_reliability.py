"""Reliability: KR-20 per scenario with bootstrap intervals, the score's marginal reliability, the
standard error of measurement near a cut, and warnings instead of numbers for small samples."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.evidence.cohort import load_cohort
from harness.evidence.reliability import (
    MIN_NEAR_CUT,
    NEAR_CUT_POINTS,
    kr20,
    kr20_interval,
    reliability,
)
from harness.scoring.profile import load_profile

B = np.linspace(-1.5, 1.5, 8)
"""Difficulties of the synthetic scenario's eight items."""


def rasch_matrix(rng: np.random.Generator, n: int, sd: float = 1.0) -> np.ndarray:
    """``n`` candidates with abilities N(0, sd²) answering the eight Rasch items."""
    theta = rng.normal(0, sd, n)
    return (rng.random((n, len(B))) < 1 / (1 + np.exp(-(theta[:, None] - B)))).astype(float)


def test_kr20_interval_covers_the_population_value():
    """Abilities N(0, 1), eight items: the population KR-20 (from 400,000 simulated candidates)
    lies inside the 95% bootstrap interval of a 200-candidate cohort for at least 34 of 40
    seeds, and the estimates centre on it."""
    population = kr20(rasch_matrix(np.random.default_rng(0), 400_000))
    assert population is not None and 0.5 < population < 0.7
    covered, estimates = 0, []
    for seed in range(1, 41):
        value, low, high = kr20_interval(
            rasch_matrix(np.random.default_rng(seed), 200), rng=np.random.default_rng(seed)
        )
        assert value is not None and low is not None and high is not None
        assert low < value < high
        covered += low <= population <= high
        estimates.append(value)
    assert covered >= 34, covered
    assert abs(np.mean(estimates) - population) < 0.03


def test_kr20_of_pure_noise_is_near_zero():
    x = (np.random.default_rng(5).random((1000, 8)) < 0.5).astype(float)
    value, low, high = kr20_interval(x, rng=np.random.default_rng(5))
    assert value is not None and low is not None and high is not None
    assert abs(value) < 0.15 and low < 0 < high


def test_kr20_matches_the_formula_on_a_small_matrix():
    x = np.array([[1, 1, 0], [1, 0, 0], [0, 0, 0], [1, 1, 1]], dtype=float)
    p = x.mean(axis=0)
    expected = 3 / 2 * (1 - (p * (1 - p)).sum() / x.sum(axis=1).var())
    assert kr20(x) == expected
    assert kr20(np.ones((5, 3))) is None and kr20(x[:, :1]) is None


def add_cohort(store, n: int, *, seed: int = 11, sd: float = 1.5) -> None:
    """``n`` candidates on one eight-item scenario (six flaws, two keeps), Rasch verdicts."""
    rng = np.random.default_rng(seed)
    for c, row in enumerate(rasch_matrix(rng, n, sd)):
        flaws = {f"f{i}": bool(row[i]) for i in range(6)}
        keeps = {f"k{i}": bool(row[i]) for i in range(6, 8)}
        add_graded(store, f"c{c:03}", "s1", flaws, keeps)


def test_a_solid_cohort_gets_every_number_without_warnings(store):
    add_cohort(store, 40)
    result = reliability(load_cohort(store, load_profile()), cut=50)
    [s1] = result.scenarios
    assert (s1.candidates, s1.items, s1.warning) == (40, 8, "")
    assert s1.kr20 is not None and s1.low is not None and s1.high is not None
    assert s1.low < s1.kr20 < s1.high and s1.kr20 > 0.5
    assert result.candidates == 40 and result.separation_n == 40
    assert result.separation is not None and 0.3 < result.separation < 1
    assert result.marginal is not None and result.marginal_low is not None
    assert result.marginal_high is not None
    assert result.marginal_low < result.marginal < result.marginal_high
    assert result.sem is not None and 0 < result.sem < 30
    assert not [w for w in result.warnings if "marginal" in w or "separation" in w]


def test_small_cohorts_get_warnings_and_no_number(store):
    add_cohort(store, 6)
    result = reliability(load_cohort(store, load_profile()), cut=50)
    [s1] = result.scenarios
    assert s1.kr20 is None and s1.low is None and s1.high is None
    assert "too few candidates (6, need 10)" in s1.warning
    assert result.marginal is None and result.marginal_low is None
    assert any("marginal reliability: too few candidates (6" in w for w in result.warnings)
    assert result.separation is None
    assert any("no person-separation reliability" in w for w in result.warnings)


def test_middling_cohorts_get_the_number_with_a_warning_naming_n(store):
    add_cohort(store, 15)
    result = reliability(load_cohort(store, load_profile()))
    [s1] = result.scenarios
    assert s1.kr20 is not None and "only 15 candidates" in s1.warning
    assert result.marginal is not None
    assert any("marginal reliability rests on only 15 candidates" in w for w in result.warnings)


def test_a_scenario_with_one_item_has_no_kr20(store):
    for c in range(12):
        add_graded(store, f"c{c}", "solo", {"only": c % 2 == 0})
    [solo] = reliability(load_cohort(store, load_profile())).scenarios
    assert solo.kr20 is None and "one item only" in solo.warning


def test_error_near_the_cut_uses_only_candidates_near_it(store):
    add_cohort(store, 40)
    cohort = load_cohort(store, load_profile())
    scores = {name: 100 * cohort.score(name) for name in cohort.measured}
    cut = float(np.median(list(scores.values())))
    result = reliability(cohort, cut=cut)
    near = [n for n, s in scores.items() if abs(s - cut) <= NEAR_CUT_POINTS]
    assert result.near_cut == len(near) >= MIN_NEAR_CUT
    expected = 100 * math.sqrt(np.mean([cohort.sd(n) ** 2 for n in near]))
    assert result.sem_at_cut is not None and abs(result.sem_at_cut - expected) < 1e-9
    assert result.cut == cut
    everyone = 100 * math.sqrt(np.mean([cohort.sd(n) ** 2 for n in cohort.measured]))
    assert result.sem is not None and abs(result.sem - everyone) < 1e-9


def test_no_error_at_a_cut_nobody_scores_near(store):
    add_cohort(store, 20)
    cohort = load_cohort(store, load_profile())
    top = max(100 * cohort.score(name) for name in cohort.measured)
    cut = min(100.0, top + NEAR_CUT_POINTS + 1)
    result = reliability(cohort, cut=cut)
    assert result.sem_at_cut is None and result.near_cut == 0
    assert any(
        f"0 candidate(s) score within {NEAR_CUT_POINTS:g} points" in w for w in result.warnings
    )


def test_the_cut_comes_from_the_profile_when_not_given(store):
    add_cohort(store, 12)
    profile = replace(load_profile(), cut_score=40.0)
    assert reliability(load_cohort(store, profile)).cut == 40.0
    assert reliability(load_cohort(store, profile), cut=70).cut == 70
    no_cut = reliability(load_cohort(store, load_profile()))
    assert no_cut.cut is None and no_cut.sem_at_cut is None and no_cut.near_cut == 0


def test_the_same_cohort_gives_the_same_intervals(store):
    add_cohort(store, 30)
    cohort = load_cohort(store, load_profile())
    assert reliability(cohort, cut=50) == reliability(cohort, cut=50)


def test_an_empty_store_gives_no_numbers(store):
    result = reliability(load_cohort(store, load_profile()))
    assert result.scenarios == () and result.candidates == 0 and result.sem is None
    assert result.as_dict()["marginal"] == {"value": None, "low": None, "high": None, "n": 0}


def test_json_carries_n_beside_every_number(store):
    add_cohort(store, 40)
    data = reliability(load_cohort(store, load_profile()), cut=50).as_dict()
    [s1] = data["scenarios"]
    assert s1["kr20"]["n"] == 40 and s1["kr20"]["items"] == 8
    assert data["marginal"]["n"] == data["sem"]["n"] == data["candidates"] == 40
    assert data["separation"]["n"] == 40
    assert data["sem_at_cut"]["cut"] == 50 and data["sem_at_cut"]["n"] >= 0
    assert data["sem_at_cut"]["within"] == NEAR_CUT_POINTS


def _simulated_cohort(profile, seed: int, n: int = 300, scenarios: int = 4):
    """A cohort scored by the real model from known true levels (harness.scoring.simulate),
    wrapped as the evidence analyses read it; returns it with each candidate's true overall."""
    from datetime import UTC, datetime

    from harness.evidence.cohort import Cohort
    from harness.scoring import simulate as sim
    from harness.scoring.posterior import CandidateScore

    rng = np.random.default_rng(seed)
    scored = sim.cohort(rng, profile, sim.library_shapes(), "symmetric Beta(2,2)", scenarios, n)
    scores = {
        f"c{i}": CandidateScore(
            candidate=f"c{i}", overall=post.overall, dimensions=post.dimensions, basis="",
            delivery_share=0.0, scenarios=["s"] * scenarios, excluded=[], observations=0,
            level=post.level,
        )
        for i, (_, post) in enumerate(scored)
    }  # fmt: skip
    truth = np.array([sim.true_overall(skill, profile) for skill, _ in scored])
    cohort = Cohort(scores=scores, responses=(), profile=profile, now=datetime.now(UTC))
    return cohort, truth


def test_marginal_reliability_matches_how_well_levels_track_the_truth():
    """Reliability is the share of the estimates' spread that is true difference: in simulation
    it should match the squared correlation of the posterior levels with the true overall score.
    Measured over 6 seeds: the two differ by at most 0.06 (the old formula, which divided by the
    displayed scores' spread, was off by up to 0.2 here)."""
    profile = replace(load_profile(), draws=1000)
    gaps = []
    for seed in range(6):
        cohort, truth = _simulated_cohort(profile, seed)
        result = reliability(cohort)
        levels = np.array([cohort.level(f"c{i}") for i in range(len(truth))])
        r2 = float(np.corrcoef(levels, truth)[0, 1] ** 2)
        assert result.marginal is not None
        gaps.append(abs(result.marginal - r2))
    assert max(gaps) < 0.08, gaps


def test_the_reported_interval_mass_does_not_change_the_reliability():
    """The posterior sd is read off the credible interval with the z of its own mass: an 80% or
    a 95% interval gives the same reliability and SEM (within Monte Carlo noise)."""
    base = replace(load_profile(), draws=2000)
    eighty, _ = _simulated_cohort(base, 11, n=120)
    ninety_five, _ = _simulated_cohort(replace(base, interval=0.95), 11, n=120)
    a, b = reliability(eighty), reliability(ninety_five)
    assert a.marginal is not None and b.marginal is not None and a.sem and b.sem
    assert abs(a.marginal - b.marginal) < 0.03
    assert abs(a.sem - b.sem) < 0.06 * a.sem
