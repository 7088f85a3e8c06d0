"""Predictive validity: the statistics on simulated cohorts of known validity, and the split."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.evidence.validity import (
    Pair,
    calibration,
    correlations,
    pairs_of,
    proposed_profile,
    summarise,
    validity,
)
from harness.scoring.profile import load_profile
from harness.store import Record, Store

SPLIT = datetime(2026, 6, 1, tzinfo=UTC)
COUPLING = 0.5
"""How strongly delivery skill follows the skill the simulation measures (tuned so that the
population correlation of the observed scores and success rates is about .33)."""


def simulated(
    n: int, rng: np.random.Generator, coupling: float = COUPLING
) -> tuple[np.ndarray, np.ndarray]:
    """(simulation scores, later success rates) of ``n`` candidates: a latent skill; ten
    simulation trials passed with probability logistic(skill); delivery skill = coupling · skill
    + independent noise; eight later records passed with probability logistic(delivery skill)."""
    skill = rng.normal(size=n)
    scores = rng.binomial(10, 1 / (1 + np.exp(-skill))) / 10
    delivery = coupling * skill + np.sqrt(1 - coupling**2) * rng.normal(size=n)
    return scores, rng.binomial(8, 1 / (1 + np.exp(-delivery))) / 8


@pytest.fixture(scope="module")
def population() -> float:
    """The generator's population correlation, from 20,000 simulated candidates."""
    scores, outcomes = simulated(20_000, np.random.default_rng(2022))
    return float(np.corrcoef(scores, outcomes)[0, 1])


def test_the_generator_has_a_validity_of_about_a_third(population):
    assert 0.30 < population < 0.36


def test_bootstrap_interval_recovers_a_known_validity(population):
    estimates, covered = [], 0
    for seed in range(40):
        pearson, _ = correlations(*simulated(200, np.random.default_rng(seed)))
        assert pearson.value is not None and pearson.low is not None and pearson.high is not None
        estimates.append(pearson.value)
        covered += pearson.low <= population <= pearson.high
    assert covered >= 34  # 85% of 40 seeds
    assert abs(float(np.mean(estimates)) - population) < 0.05


def _average_ranks(values: np.ndarray) -> np.ndarray:
    return np.array([(values < v).sum() + ((values == v).sum() + 1) / 2 for v in values])


def test_spearman_is_pearson_on_average_ranks_with_ties():
    rng = np.random.default_rng(3)
    x, y = rng.integers(0, 4, 50) / 4, rng.integers(0, 3, 50) / 2 + 0.1 * rng.integers(0, 4, 50)
    _, spearman = correlations(x, y)
    expected = np.corrcoef(_average_ranks(x), _average_ranks(y))[0, 1]
    assert spearman.value == pytest.approx(expected)


def test_the_same_data_give_the_same_interval():
    data = simulated(60, np.random.default_rng(4))
    assert correlations(*data) == correlations(*data)


def _pairs(
    n: int, rng: np.random.Generator, *, same: bool = True, sim: int = 10, later: int = 6
) -> list[Pair]:
    """Candidates with a true level p ~ Beta(2, 2) on catch: ``sim`` simulation trials and
    ``later`` delivery records at p (``same``), or at an unrelated level."""
    level = rng.beta(2, 2, n)
    delivered = level if same else rng.beta(2, 2, n)
    s, k = rng.binomial(sim, level), rng.binomial(later, delivered)
    return [
        Pair(
            candidate=f"c{i}",
            score=s[i] / sim,
            success=k[i] / later,
            simulation={"catch": (float(s[i]), float(sim - s[i]))},
            delivery={"catch": (float(k[i]), float(later - k[i]))},
        )
        for i in range(n)
    ]


def test_zero_validity_covers_zero_and_does_not_support_counting_the_simulation():
    result = summarise(_pairs(200, np.random.default_rng(5), same=False), load_profile(), split="x")
    assert result.pearson.low is not None and result.pearson.high is not None
    assert result.pearson.low <= 0 <= result.pearson.high
    assert result.fitted_high is not None and result.fitted_high < 0.5
    assert result.supported is False
    assert "suggest counting a simulation trial as" in result.verdict


def test_exchangeable_trials_support_a_weight_of_one():
    result = summarise(_pairs(200, np.random.default_rng(6)), load_profile(), split="x")
    assert result.supported is True
    assert result.fitted_low is not None and result.fitted_high is not None
    assert result.fitted_low < 1 < result.fitted_high
    assert "The data support counting a simulation trial as 1.0 delivery records" in result.verdict
    assert "n = 200" in result.verdict


def test_near_perfect_validity_reads_high():
    pairs = _pairs(100, np.random.default_rng(7), sim=60, later=60)
    result = summarise(pairs, load_profile(), split="x")
    assert result.pearson.value is not None and result.pearson.value > 0.85
    assert result.spearman.value is not None and result.spearman.value > 0.85
    assert result.pearson.low is not None and result.pearson.low > 0.33
    assert "above the .33 that Sackett" in result.verdict


def test_fewer_than_ten_candidates_get_no_numbers():
    result = summarise(_pairs(9, np.random.default_rng(8)), load_profile(), split="x")
    assert result.pearson.value is None and result.fitted_discount is None
    assert result.supported is None and result.bands == ()  # a band of one would show a person
    assert "Too few candidates" in result.verdict and " 9 " in result.verdict
    assert any("at least 10" in w for w in result.warnings)
    with pytest.raises(ValueError, match="no weight was fitted"):
        proposed_profile(result)


def test_fewer_than_thirty_candidates_warn_that_intervals_are_wide():
    result = summarise(_pairs(20, np.random.default_rng(9)), load_profile(), split="x")
    assert result.pearson.value is not None
    assert any("intervals are wide" in w for w in result.warnings)
    many = summarise(_pairs(30, np.random.default_rng(9)), load_profile(), split="x")
    assert not any("intervals are wide" in w for w in many.warnings)


def test_calibration_uses_quintiles_from_25_candidates_and_fixed_bands_below():
    scores = np.linspace(0.5, 0.9, 25)
    bands = calibration(scores, scores)
    assert [b.n for b in bands] == [5, 5, 5, 5, 5]
    assert bands[0].label == "50–57" and bands[-1].label == "83–90"
    assert [b.success_rate for b in bands] == sorted(b.success_rate for b in bands)
    few = calibration([0.05, 0.1, 0.95, 0.99], [0.0, 0.5, 1.0, 1.0])
    assert [(b.label, b.n, b.success_rate) for b in few] == [("0–20", 2, 0.25), ("80–100", 2, 1.0)]
    assert few[0].mean_score == pytest.approx(7.5)


def _records(store: Store, candidate: str, outcomes: str, start: datetime) -> None:
    """One record a week from ``start``: ``p`` passes, ``f`` fails."""
    store.add(
        *[
            Record(
                engineer=candidate, date=start + timedelta(days=7 * i), source=f"jira-{i}",
                dimension=None, outcome="pass" if o == "p" else "fail", weight=1.0, note="",
            )
            for i, o in enumerate(outcomes)
        ]
    )  # fmt: skip


FIXED = {"f1": True, "f2": True}
MISSED = {"f1": False, "f2": False}


def test_a_fixed_split_uses_only_submissions_before_it_and_records_from_it_on(store):
    add_graded(store, "ada", "s1", FIXED, {"k1": True}, at=SPLIT - timedelta(days=30))
    add_graded(store, "ada", "s1", MISSED, {"k1": False}, at=SPLIT + timedelta(days=5))  # a retake
    add_graded(store, "ada", "s2", MISSED, {"k1": False}, at=SPLIT + timedelta(days=5))
    _records(store, "ada", "ffff", SPLIT - timedelta(days=60))
    _records(store, "ada", "ppp", SPLIT)
    add_graded(store, "bob", "s1", FIXED, at=SPLIT + timedelta(days=1))  # only after the split
    _records(store, "bob", "ppp", SPLIT + timedelta(days=2))
    add_graded(store, "cy", "s1", FIXED, at=SPLIT - timedelta(days=1))
    _records(store, "cy", "pp", SPLIT)  # too few
    pairs, left_out = pairs_of(store, load_profile(), before=SPLIT)
    assert [p.candidate for p in pairs] == ["ada"]
    (ada,) = pairs
    assert ada.score == pytest.approx(0.6 * 1.0 + 0.4 * 0.5)  # both flaws fixed, review 0.5
    assert ada.success == 1.0
    assert ada.delivery["catch"] == (3.0, 0.0)
    aged = 0.5 ** (30 / 365)  # aged at the split, not today
    assert ada.simulation["catch"] == pytest.approx((2 * aged, 0.0))
    assert any("no usable graded simulation before the split" in w for w in left_out)
    assert any("fewer than 3 delivery records" in w for w in left_out)


def test_without_a_date_each_candidate_splits_at_their_first_record(store):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    add_graded(store, "ada", "s1", {"f1": True, "f2": False}, at=start - timedelta(days=10))
    add_graded(store, "ada", "s2", MISSED, at=start + timedelta(days=1))  # after: not used
    _records(store, "ada", "pfpp", start)
    add_graded(store, "bob", "s1", FIXED, at=datetime(2026, 8, 1, tzinfo=UTC))
    _records(store, "bob", "fff", datetime(2026, 9, 1, tzinfo=UTC))
    pairs, _ = pairs_of(store, load_profile())
    by_name = {p.candidate: p for p in pairs}
    assert sorted(by_name) == ["ada", "bob"]
    aged = 0.5 ** (10 / 365)  # ten days before her first record
    assert by_name["ada"].simulation["catch"] == pytest.approx((aged, aged))
    assert by_name["ada"].success == 0.75
    assert by_name["bob"].success == 0.0
    # With a fixed split in between, bob's simulation comes after it and ada's records before.
    assert pairs_of(store, load_profile(), before=datetime(2026, 5, 1, tzinfo=UTC))[0] == []


def test_record_weights_count_as_in_the_score(store):
    add_graded(store, "ada", "s1", FIXED, at=SPLIT - timedelta(days=1))
    store.add(
        *[
            Record(
                engineer="ada", date=SPLIT + timedelta(days=i), source=f"s{i}", dimension="catch",
                outcome=outcome, weight=weight, note="",
            )
            for i, (outcome, weight) in enumerate([("pass", 3.0), ("fail", 1.0), ("fail", 0.0001)])
        ]
    )  # fmt: skip
    (ada,), _ = pairs_of(store, load_profile(), before=SPLIT)
    assert ada.success == pytest.approx(0.75, abs=1e-3)
    assert set(ada.delivery) == {"catch"}


def test_an_empty_store_says_what_is_missing(store):
    result = validity(store, load_profile())
    assert result.n == 0 and result.bands == ()
    assert "no delivery records" in result.verdict
    add_graded(store, "ada", "s1", FIXED)
    _records(store, "ada", "p", SPLIT)
    result = validity(store, load_profile(), before=SPLIT)
    assert "no candidate has both" in result.verdict and "before 2026-06-01" in result.verdict
