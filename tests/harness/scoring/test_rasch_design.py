"""The difficulty diagnostic respects its design: thin items and candidates are left out one by
one, and a cohort that splits into groups sharing no scenario gets no adjustment at all."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from harness.scoring import simulate as sim
from harness.scoring.posterior import AbilityMethod, _abilities
from harness.scoring.profile import load_profile

PROFILE = load_profile()


def taken(rng, shape, skill, scenario, candidate):
    g = sim.simulate(rng, skill, [shape])[0]
    return replace(g, scenario=scenario, candidate=candidate)


def cohort(groups):
    """{candidate: [GradedSubmission]} for (candidate prefix, scenario names, count) groups."""
    rng = np.random.default_rng(4)
    shape = sim.Shape(name="x", severities=(2, 2, 3), keeps=2)
    out = {}
    for prefix, scenarios, count in groups:
        for i in range(count):
            name = f"{prefix}{i}"
            skill = dict.fromkeys(("catch", "keep", "safety", "explain", "scope"), rng.random())
            out[name] = [taken(rng, shape, skill, s, name) for s in scenarios]
    return out


def test_a_connected_cohort_is_adjusted():
    abilities = _abilities(cohort([("c", ["s1", "s2"], 40)]), PROFILE)
    assert {a.method for a in abilities.values()} == {AbilityMethod.RASCH}


def test_one_candidate_on_a_new_scenario_leaves_everyone_else_adjusted():
    graded = cohort([("c", ["s1", "s2"], 40), ("new", ["s9"], 1)])
    abilities = _abilities(graded, PROFILE)
    assert abilities["new0"].method == AbilityMethod.RAW
    assert "too few of this candidate's items" in abilities["new0"].warning
    assert all(abilities[f"c{i}"].method == AbilityMethod.RASCH for i in range(40))


def test_a_disconnected_design_gets_no_adjustment_and_names_the_groups():
    graded = cohort([("senior", ["hard1", "hard2"], 30), ("junior", ["easy1", "easy2"], 30)])
    abilities = _abilities(graded, PROFILE)
    assert {a.method for a in abilities.values()} == {AbilityMethod.RAW}
    warning = abilities["senior0"].warning
    assert "no difficulty adjustment" in warning
    assert "30 candidates on easy1@1.0.0, easy2@1.0.0" in warning
    assert "30 candidates on hard1@1.0.0, hard2@1.0.0" in warning
