"""The judgment score against a known truth: a fixed-seed subset of
validation/validate_scoring.py (which prints the full tables that docs/scoring.md quotes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from harness.scoring import simulate as sim
from harness.scoring.model import posterior
from harness.scoring.profile import DIMENSIONS, load_profile

PROFILE = replace(load_profile(), draws=1000)
SHAPES = [
    sim.Shape(name="a", severities=(3, 2), keeps=1),
    sim.Shape(name="b", severities=(3, 2, 2), keeps=2),
    sim.Shape(name="c", severities=(2, 2), keeps=1),
]


@pytest.mark.parametrize("distribution", list(sim.DISTRIBUTIONS))
@pytest.mark.parametrize("scenarios", [1, 4])
def test_intervals_cover_the_truth_about_as_often_as_they_claim(distribution, scenarios):
    runs = [
        sim.coverage(PROFILE, SHAPES, distribution, scenarios, 400, seed=seed).covered
        for seed in (11, 12, 13)
    ]
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    # Three cohorts of 400: the mean's standard error is about 1.5 points.
    assert 0.75 <= mean["overall"] <= 0.85, mean
    assert 0.75 <= mean["catch"] <= 0.85, mean
    if scenarios > 1:  # one Bernoulli trial each cannot be calibrated for every population
        assert all(0.75 <= mean[d] <= 0.85 for d in DIMENSIONS), mean


def test_the_scale_means_performance_not_evidence():
    for shape in SHAPES:
        a = sim.archetypes(PROFILE, shape)
        assert a["perfect, 1 scenario"] == a["perfect, 4 scenarios"] >= 0.8
        assert a["accept as-is, empty review, 1 scenario"] == 0.0
        assert a["revert everything, 4 scenarios"] < a["genuine partial fix, 4 scenarios"]
        assert a["genuine partial fix, 1 scenario"] == a["genuine partial fix, 4 scenarios"]


def test_accepting_as_is_falls_in_the_bottom_fifth_of_a_cohort():
    rng = np.random.default_rng(5)
    people = sim.cohort(rng, PROFILE, SHAPES, "symmetric Beta(2,2)", 4, 300)
    scores = np.array([post.overall.mean for _, post in people])
    assert np.mean(scores <= 0.0) <= 0.2


def test_more_evidence_narrows_the_interval_and_does_not_move_the_estimate():
    shape = SHAPES[1]
    one = sim.submission(shape, fixed=[True, False, True], named=2, kept=[True, False],
                         safe=True, in_scope=True)  # fmt: skip
    few = sim.score([one], PROFILE).overall
    many = sim.score([replace(one, scenario=f"x{i}") for i in range(8)], PROFILE).overall
    assert many.mean == pytest.approx(few.mean)
    assert many.high - many.low < (few.high - few.low) / 2


def test_age_widens_the_interval_and_leaves_the_estimate():
    one = sim.submission(SHAPES[0], fixed=[True, False], named=1, kept=[True], safe=True,
                         in_scope=True)  # fmt: skip
    old = replace(one, submitted_at=sim.NOW - timedelta(days=730))
    new_post = posterior(sim.evidence_of([one], PROFILE), PROFILE).overall
    old_post = posterior(sim.evidence_of([old], PROFILE), PROFILE).overall
    assert old_post.mean == pytest.approx(new_post.mean)
    assert old_post.high - old_post.low > new_post.high - new_post.low


@pytest.mark.parametrize("scenarios", [4, 16])
def test_confident_calls_are_wrong_no_more_often_than_they_claim(scenarios):
    calls = [
        sim.ahead_calls(PROFILE, SHAPES, "symmetric Beta(2,2)", scenarios, 40, seed=seed)
        for seed in range(8)
    ]
    assert all(c.confident > 20 for c in calls)
    claimed = np.mean([c.claimed_error for c in calls])
    actual = np.mean([c.actual_error for c in calls])
    # Calls within one cohort share candidates, so the error rate varies a lot between cohorts:
    # eight cohorts, and a margin of about one standard error of their mean.
    assert actual <= claimed + 0.02, (actual, claimed)


def test_identical_evidence_reads_the_same_and_is_a_tie():
    one = sim.submission(SHAPES[0], fixed=[True, False], named=1, kept=[True], safe=True,
                         in_scope=True)  # fmt: skip
    evidence = sim.evidence_of([one], PROFILE)
    first = posterior(evidence, PROFILE, name="ada")
    second = posterior(evidence, PROFILE, name="bo")
    assert first.overall.mean == second.overall.mean  # the estimate is not drawn
    assert first.overall.low == pytest.approx(second.overall.low, abs=0.02)
    # independent draws: neither is "ahead" of the other
    x, y = first.draws["overall"], second.draws["overall"]
    assert 0.45 < float(np.mean(x > y)) < 0.55


def test_pooled_calls_weigh_every_call_once_and_resample_cohorts():
    many = sim.Calls(confident=30, claimed_error=0.05, actual_error=0.0)
    few = sim.Calls(confident=10, claimed_error=0.05, actual_error=0.4)
    pooled = sim.pooled_calls([many, few])
    assert pooled.per_cohort == 20
    assert pooled.claimed == pytest.approx(0.05)
    assert pooled.actual == pytest.approx(4 / 40)  # not the mean of the cohorts' rates (0.2)
    # resampling cohorts: all-"many" gives -0.05, all-"few" +0.35
    assert pooled.low == pytest.approx(-0.05) and pooled.high == pytest.approx(0.35)
    same = sim.pooled_calls([many, many, many])
    assert same.low == same.high == pytest.approx(-0.05)
    assert "claimed error 0.050, actual 0.000" in same.line()


def test_a_prior_given_per_draw_is_used_draw_by_draw_and_a_constant_one_changes_nothing():
    one = sim.submission(SHAPES[0], fixed=[True, False], named=1, kept=[True], safe=True,
                         in_scope=True)  # fmt: skip
    evidence = sim.evidence_of([one], PROFILE)
    fixed = {d: (2.0, 3.0) for d in DIMENSIONS}
    size = PROFILE.draws
    constant = {d: (np.full(size, 2.0), np.full(size, 3.0)) for d in DIMENSIONS}
    a = posterior(evidence, PROFILE, fixed, name="ada").draws["catch"]
    b = posterior(evidence, PROFILE, constant, name="ada").draws["catch"]
    assert np.array_equal(a, b)  # the same random stream either way
    # first half of the draws from a prior worth 1,000 trials at 0.9, second half at 0.1
    split = np.r_[np.full(size // 2, 0.9), np.full(size - size // 2, 0.1)] * 1000
    drawn = {d: (split, 1000 - split) for d in DIMENSIONS}
    catch = posterior(evidence, PROFILE, drawn, name="ada").draws["catch"]
    assert np.all(catch[: size // 2] > 0.8) and np.all(catch[size // 2 :] < 0.2)
