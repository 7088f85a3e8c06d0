"""Item analysis: pass rates, item-rest discrimination, Rasch difficulty and the author's flags."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.evidence.cohort import Response, load_cohort
from harness.evidence.items import MIN_RESPONSES, NEAR_ZERO, analyse_items, item_rest
from harness.result import ItemKind
from harness.scenarios.scenario import library
from harness.scoring.difficulty import fit
from harness.scoring.profile import load_profile

DIFFICULTY = {"f0": -1.0, "f1": -0.3, "f2": 0.3, "f3": 1.0}


def sigmoid(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def rasch_cohort(store, n: int, *, seed: int = 7, scenarios=("s1", "s2", "s3")) -> None:
    """``n`` candidates with abilities N(0, 1.5²) on Rasch items f0-f3 of each scenario; s1 also
    has a planted bad item (passed more by the weak), a coin flip, one nobody passes and one
    everybody passes."""
    rng = np.random.default_rng(seed)
    for c in range(n):
        theta = rng.normal(0, 1.5)
        for scenario in scenarios:
            flaws = {f: bool(rng.random() < sigmoid(theta - b)) for f, b in DIFFICULTY.items()}
            keeps = {}
            if scenario == "s1":
                flaws["bad"] = bool(rng.random() < sigmoid(-theta))
                flaws["coin"] = bool(rng.random() < 0.5)
                flaws["none"] = False
                keeps["all"] = True
            add_graded(store, f"c{c:03}", scenario, flaws, keeps)


def by_item(analysis):
    return {(s.scenario, s.item): s for s in analysis.items}


def test_planted_bad_items_are_flagged_and_good_items_are_not(store):
    rasch_cohort(store, 80)
    items = by_item(analyse_items(load_cohort(store, load_profile())))
    bad, coin = items["s1", "bad"], items["s1", "coin"]
    assert bad.discrimination is not None and bad.discrimination <= -NEAR_ZERO
    assert [f.split(" (")[0] for f in bad.flags] == ["Negative discrimination"]
    assert f"n = {bad.discrimination_n}" in bad.flags[0] and bad.discrimination_n == 80
    assert coin.flags and ("Near-zero" in coin.flags[0] or "Negative" in coin.flags[0])
    good = [s for (_, item), s in items.items() if item in DIFFICULTY]
    assert len(good) == 12
    for s in good:
        assert s.discrimination is not None and s.discrimination > 2 * NEAR_ZERO, s
        assert s.flags == (), s


def test_items_nobody_or_everybody_passes_are_flagged(store):
    rasch_cohort(store, 30, scenarios=("s1",))
    items = by_item(analyse_items(load_cohort(store, load_profile())))
    none, everyone = items["s1", "none"], items["s1", "all"]
    assert (none.pass_rate, everyone.pass_rate) == (0.0, 1.0)
    assert none.discrimination is None and everyone.discrimination is None
    assert none.flags == (
        "Nobody passes this item (0 of 30): its hidden test may be broken or the flaw too hard "
        "to find in the time.",
    )
    assert everyone.flags == (
        "Everybody passes this item (30 of 30): it does not separate candidates.",
    )
    assert everyone.kind == "keep" and none.kind == "flaw"


def test_too_few_responses_give_one_flag_and_no_discrimination(store):
    """Under 20 responses only that is said, even of an item nobody (or everybody) passed: 0 of
    7 is not evidence that its hidden test is broken."""
    rasch_cohort(store, 7, scenarios=("s1",))
    analysis = analyse_items(load_cohort(store, load_profile()))
    assert analysis.items
    for s in analysis.items:
        assert s.discrimination is None
        passed = round(s.pass_rate * 7)
        assert s.flags == (f"Too few responses (n = 7, {passed} passed) to judge this item yet.",)


def test_item_rest_leaves_the_item_out_of_the_rest_score():
    """Four coin-flip items: the item-rest correlation is near zero, where an item-total one
    would be about 0.5 (the item correlating with itself)."""
    rng = np.random.default_rng(3)
    rows = [
        Response(
            candidate=f"c{c}", scenario="s", version="1", item=f"i{i}", kind=ItemKind.FLAW,
            passed=int(rng.random() < 0.5),
        )
        for c in range(2000)
        for i in range(4)
    ]  # fmt: skip
    r, n = item_rest(rows)["s@1:i0"]
    assert n == 2000 and r is not None and abs(r) < 0.06
    x = np.array([row.passed for row in rows]).reshape(2000, 4)
    assert np.corrcoef(x[:, 0], x.sum(axis=1))[0, 1] > 0.4


def test_item_rest_matches_its_definition():
    verdicts = {  # candidate -> (this item, other items)
        f"c{c}": (c % 2, [int((c * 7 + j) % 5 < 2 + c % 2) for j in range(3)])
        for c in range(MIN_RESPONSES)
    }
    rows = []
    for name, (this, others) in verdicts.items():
        rows.append(
            Response(
                candidate=name, scenario="s", version="1", item="x", kind=ItemKind.FLAW,
                passed=this,
            )
        )  # fmt: skip
        rows += [
            Response(
                candidate=name, scenario="t", version="1", item=f"o{j}", kind=ItemKind.KEEP,
                passed=v,
            )
            for j, v in enumerate(others)
        ]  # fmt: skip
    x = [this for this, _ in verdicts.values()]
    rest = [sum(others) / 3 for _, others in verdicts.values()]
    r, n = item_rest(rows)["s@1:x"]
    assert n == MIN_RESPONSES and r is not None
    assert abs(r - np.corrcoef(x, rest)[0, 1]) < 1e-12


def test_difficulties_follow_the_planted_order_with_standard_errors(store):
    rasch_cohort(store, 60)
    analysis = analyse_items(load_cohort(store, load_profile()))
    assert analysis.warnings == () and analysis.candidates == 60
    fitted: dict[str, list[float]] = {}
    for s in analysis.items:
        if s.item in DIFFICULTY:
            assert s.difficulty is not None and s.difficulty_se is not None
            assert 0.2 < s.difficulty_se < 0.6
            fitted.setdefault(s.item, []).append(s.difficulty)
    mean = [float(np.mean(fitted[item])) for item in DIFFICULTY]
    assert mean == sorted(mean)
    assert np.corrcoef(mean, list(DIFFICULTY.values()))[0, 1] > 0.9


def test_no_difficulty_when_the_cohort_design_allows_no_fit(store):
    rasch_cohort(store, 12)
    analysis = analyse_items(load_cohort(store, load_profile()))
    assert all(s.difficulty is None and s.difficulty_se is None for s in analysis.items)
    [warning] = analysis.warnings
    assert "cohort too small" in warning and "12 candidates, need 30" in warning


def test_no_difficulty_when_the_cohort_splits_into_groups_with_no_scenario_in_common(store):
    profile = replace(load_profile(), min_candidates=4, min_responses_per_item=2)
    rng = np.random.default_rng(1)
    for c in range(6):
        scenario = "left" if c < 3 else "right"
        add_graded(store, f"c{c}", scenario, {f"f{j}": bool(rng.random() < 0.5) for j in range(4)})
    analysis = analyse_items(load_cohort(store, profile))
    assert all(s.difficulty is None for s in analysis.items)
    [warning] = analysis.warnings
    assert "splits into groups" in warning and "3 candidates on left" in warning


def test_difficulty_standard_error_is_close_to_the_spread_over_replications():
    """The standard error roughly matches how much the estimate varies over repeated cohorts.

    It treats the abilities as known, so it is somewhat narrow (about 15% with 8 items of 300
    candidates); a wrong formula (no square root, the ability's sum) would be off by far more.
    """
    b_true = np.linspace(-1.5, 1.5, 8)
    estimates, errors = [], []
    for seed in range(60):
        rng = np.random.default_rng(seed)
        theta = rng.normal(0, 1, 300)
        x = rng.random((300, 8)) < 1 / (1 + np.exp(-(theta[:, None] - b_true)))
        result = fit(
            [(f"c{c}", f"i{i}", int(x[c, i])) for c in range(300) for i in range(8)],
            penalty=0.1,
        )
        estimates.append([result.difficulty[f"i{i}"] for i in range(8)])
        errors.append([result.difficulty_se[f"i{i}"] for i in range(8)])
    ratio = np.std(estimates, axis=0) / np.mean(errors, axis=0)
    assert 0.95 < ratio.mean() < 1.35, ratio
    assert np.all((ratio > 0.75) & (ratio < 1.6)), ratio


def test_titles_come_from_the_installed_scenario_of_the_same_version(store):
    installed = {s.manifest.id: s.manifest for s in library(verify=False)}
    manifest = installed["rate-limiter"]
    flaw = manifest.flaws[0]
    add_graded(store, "ada", "rate-limiter", {flaw.id: True}, version=manifest.version)
    add_graded(store, "bob", "rate-limiter", {flaw.id: False}, version="0.0.1")
    items = analyse_items(load_cohort(store, load_profile())).items
    assert {s.version: s.title for s in items} == {manifest.version: flaw.title, "0.0.1": ""}


def test_one_scenario_keeps_the_whole_cohort_behind_its_numbers(store):
    rasch_cohort(store, 40)
    cohort = load_cohort(store, load_profile())
    everything = {s.key: s for s in analyse_items(cohort).items}
    only = analyse_items(cohort, scenario="s2")
    assert {s.scenario for s in only.items} == {"s2"} and len(only.items) == 4
    for s in only.items:
        assert s == everything[s.key]


def test_json_carries_n_beside_every_number(store):
    rasch_cohort(store, 40)
    data = analyse_items(load_cohort(store, load_profile())).as_dict()
    assert data["candidates"] == 40
    for item in data["items"]:
        assert item["pass_rate"]["n"] == item["n"] == 40
        assert item["discrimination"]["n"] == 40
        assert item["difficulty"]["n"] == 40 and item["difficulty"]["se"] is not None
