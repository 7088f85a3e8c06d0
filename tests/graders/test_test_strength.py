"""The test-strength grader on the built-in discount-cli-tests scenario, in real containers."""

from __future__ import annotations

import pytest

from harness.backends import get_backend
from harness.grading.pipeline import grade_one
from harness.scenarios import materialize
from harness.scenarios.scenario import resolve
from harness.scenarios.variants import default_seed, draw
from harness.workspace.submit import submit

pytestmark = pytest.mark.docker


def graded_item(store, diff: str) -> dict:
    scenario = resolve("discount-cli-tests")
    seed = default_seed("tess", scenario.id)
    row, _ = submit(store, scenario, candidate="tess", diff=diff, review_text="",
                    source="patch", seed=seed)
    result = grade_one(scenario, row, get_backend("docker"))
    return next(i for i in result["items"] if i["id"] == "hollow-tests")


def test_strong_tests_catch_every_mutant_and_fix_the_flaw(store, base_image):
    scenario = resolve("discount-cli-tests")
    values = draw(scenario, default_seed("tess", scenario.id)).values
    item = graded_item(store, materialize.reference_patch(scenario, values))
    assert item["verdict"] == "fixed"
    assert item["detail"]["passes_on_reference"] is True
    assert all(item["detail"]["mutants"].values())


def test_the_ai_hollow_tests_let_mutants_through(store, base_image):
    item = graded_item(store, "")
    assert item["verdict"] == "not_fixed"
    assert not all(item["detail"]["mutants"].values())


def test_deleting_the_tests_fixes_nothing(store, base_image):
    scenario = resolve("discount-cli-tests")
    values = draw(scenario, default_seed("tess", scenario.id)).values
    start = materialize.start_tree(scenario, values)
    from harness.scenarios import patches

    files = [s.split("::")[0] for f in scenario.manifest.flaws if f.grader == "test-strength"
             for s in f.tests]
    gutted = {k: v for k, v in start.items() if k not in files}
    item = graded_item(store, patches.make(start, gutted))
    assert item["verdict"] == "not_fixed"
