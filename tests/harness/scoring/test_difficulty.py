"""Simulated cohorts with known abilities and item difficulties (ability ~ N(0, 1); difficulty
~ N(0, 1); responses drawn from the Rasch model with a fixed seed)."""

from __future__ import annotations

import numpy as np

from harness.scoring.difficulty import fit, spearman


def cohort(seed: int, people: int, items: int):
    rng = np.random.default_rng(seed)
    theta = rng.normal(0, 1, people)
    b = rng.normal(0, 1, items)
    return rng, theta, b


def draw(rng, theta, b, takes):
    rows = []
    for c, item_ids in enumerate(takes):
        for i in item_ids:
            p = 1 / (1 + np.exp(-(theta[c] - b[i])))
            rows.append((f"c{c:03d}", f"i{i:02d}", int(rng.random() < p)))
    return rows


def estimated(fitted, people):
    return [fitted.ability[f"c{c:03d}"] for c in range(people)]


def test_full_design_recovers_ranking_as_well_as_an_oracle():
    rng, theta, b = cohort(1, 200, 12)
    rows = draw(rng, theta, b, [range(12)] * 200)
    joint = fit(rows)
    oracle = fit(rows, fixed_difficulty={f"i{i:02d}": float(b[i]) for i in range(12)})
    rho = spearman(theta, estimated(joint, 200))
    rho_oracle = spearman(theta, estimated(oracle, 200))
    assert abs(rho - rho_oracle) <= 0.03, (rho, rho_oracle)
    assert spearman(b, [joint.difficulty[f"i{i:02d}"] for i in range(12)]) > 0.9


def test_difficulty_adjustment_beats_raw_pass_rate_on_different_scenario_sets():
    """Half the cohort takes the six hardest items, half the six easiest: raw pass rates rank
    everyone on the easy set above the hard set; the fitted model corrects for it."""
    rng, theta, b = cohort(2, 200, 12)
    order = np.argsort(b)
    # Two middle items everyone takes link the halves; each half has five items of its own (the
    # shared ones used to be one of each half's own items, answered twice).
    shared = [int(order[5]), int(order[6])]
    easy = [int(i) for i in order[:5]]
    hard = [int(i) for i in order[7:]]
    takes = [hard + shared if c % 2 else easy + shared for c in range(200)]
    assert all(len(set(t)) == len(t) == 7 for t in takes)
    rows = draw(rng, theta, b, takes)
    joint = fit(rows)
    raw: dict[str, list[int]] = {}
    for person, _, x in rows:
        raw.setdefault(person, []).append(x)
    raw_rate = [float(np.mean(raw[f"c{c:03d}"])) for c in range(200)]
    rho_adjusted = spearman(theta, estimated(joint, 200))
    rho_raw = spearman(theta, raw_rate)
    print(f"spearman adjusted={rho_adjusted:.3f} raw={rho_raw:.3f}")
    assert rho_adjusted > rho_raw + 0.05
