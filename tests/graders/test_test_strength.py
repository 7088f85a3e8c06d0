"""The test-strength grader on the built-in discount-cli-tests scenario: scripted runs first (no
containers), then the same verdicts in real containers."""

from __future__ import annotations

import pytest
from fakes import FakeBackend, Script, context

from graders.test_strength import grade_test_strength
from harness.backends import get_backend
from harness.grading.pipeline import grade_one
from harness.result import FindingCode, ItemResult, Verdict
from harness.scenarios import materialize, patches
from harness.scenarios.scenario import resolve
from harness.scenarios.variants import default_seed, draw
from harness.workspace.submit import submit

TESTS = "tests/test_discounts.py"
CAP = f"{TESTS}::test_cap_limits_the_discount_not_the_base"
ROUND = f"{TESTS}::test_discount_rounds_half_cents_up"
PASS = Script(tests={CAP: "passed", ROUND: "passed"})
CATCH = Script(tests={CAP: "failed", ROUND: "passed"})
MUTANTS = (
    "mutants/no-cap.patch",
    "mutants/wrong-rounding.patch",
    "mutants/min-spend-ignored.patch",
    "mutants/cap-on-base.patch",
)


@pytest.fixture(scope="module")
def discount():
    return resolve("discount-cli-tests")


def trees(scenario):
    values = draw(scenario, default_seed("ada", scenario.id)).values
    return materialize.start_tree(scenario, values), materialize.reference_tree(scenario, values)


def strong_tests(scenario) -> str:
    """The reference's own tests, submitted as the engineer's."""
    start, reference = trees(scenario)
    return patches.make(start, {**start, TESTS: reference[TESTS]})


def grade(scenario, *scripts: Script, diff: str = ""):
    backend = FakeBackend(*scripts)
    out = grade_test_strength(context(scenario, backend, diff=diff))
    assert len(backend.sandboxes) == len(scripts) == 1 + len(MUTANTS)
    (item,) = out.items
    return item, out, backend


def test_tests_that_pass_on_the_reference_and_catch_every_mutant_fix_the_flaw(discount):
    item, out, _ = grade(discount, PASS, *[CATCH] * 4, diff=strong_tests(discount))
    assert item.id == "hollow-tests" and item.verdict == Verdict.FIXED
    assert item.tests == (TESTS,)
    assert item.strength.passes_on_reference is True
    assert item.strength.mutants == dict.fromkeys(MUTANTS, True)
    assert out.findings == ()


def test_tests_that_let_a_mutant_through_fix_nothing(discount):
    item, _, _ = grade(discount, PASS, CATCH, PASS, CATCH, CATCH)
    assert item.verdict == Verdict.NOT_FIXED
    assert item.strength.mutants["mutants/wrong-rounding.patch"] is False
    assert sum(item.strength.mutants.values()) == 3


def test_tests_that_fail_on_the_reference_fix_nothing_even_when_they_catch_every_mutant(discount):
    item, _, _ = grade(discount, CATCH, *[CATCH] * 4)
    assert item.verdict == Verdict.NOT_FIXED
    assert item.strength.passes_on_reference is False
    assert all(item.strength.mutants.values())


def test_deleting_the_tests_fixes_nothing_and_the_references_tests_do_not_stand_in(discount):
    start, _ = trees(discount)
    gutted = patches.make(start, {k: v for k, v in start.items() if k != TESTS})
    item, _, backend = grade(discount, *[PASS] * 5, diff=gutted)
    assert item.verdict == Verdict.NOT_FIXED
    assert item.strength.passes_on_reference is False
    assert not any(item.strength.mutants.values())
    assert all(TESTS not in box.tree for box in backend.sandboxes)


def test_a_tampered_mutant_run_is_not_counted_as_caught(discount):
    forged = Script(
        tests={CAP: "failed", ROUND: "passed"},
        findings=({"code": "plugin-registered", "message": "a plugin"},),
    )
    item, out, _ = grade(discount, PASS, CATCH, forged, CATCH, CATCH)
    assert item.verdict == Verdict.NOT_FIXED
    assert item.strength.mutants["mutants/wrong-rounding.patch"] is False
    assert [f.code for f in out.findings] == [FindingCode.PLUGIN_REGISTERED]


def test_a_mutant_that_makes_the_tests_time_out_is_caught(discount):
    item, _, _ = grade(discount, PASS, Script(timed_out=True), *[CATCH] * 3)
    assert item.verdict == Verdict.FIXED
    assert item.strength.mutants["mutants/no-cap.patch"] is True


def test_findings_repeated_in_every_run_are_reported_once(discount):
    note = {"code": "atexit-added", "message": "1 atexit hook(s) added"}
    scripts = [Script(tests=s.tests, findings=(note,)) for s in (PASS, *[CATCH] * 4)]
    item, out, _ = grade(discount, *scripts)
    assert [f.code for f in out.findings] == [FindingCode.ATEXIT_ADDED]
    assert item.verdict == Verdict.FIXED


def test_the_engineers_tests_run_on_the_reference_then_each_mutant_without_hidden_suites(discount):
    diff = strong_tests(discount)
    _, reference = trees(discount)
    _, _, backend = grade(discount, PASS, *[CATCH] * 4, diff=diff)
    on_reference, *on_mutants = backend.sandboxes
    for box in backend.sandboxes:
        assert box.selected[0] == TESTS
        assert [p for p in box.tree if p.startswith(box.hidden_dir)] == [box.canary_path]
        assert box.tree[TESTS] == reference[TESTS]  # the engineer's (here: strong) tests
    assert {k: v for k, v in on_reference.tree.items() if k.startswith("src/")} == {
        k: v for k, v in reference.items() if k.startswith("src/")
    }
    for box in on_mutants:
        assert box.tree["src/cartcli/discounts.py"] != reference["src/cartcli/discounts.py"]


# -- in real containers -----------------------------------------------------------------------


def graded_item(store, diff: str) -> ItemResult:
    scenario = resolve("discount-cli-tests")
    seed = default_seed("tess", scenario.id)
    row, _ = submit(
        store, scenario, candidate="tess", diff=diff, review_text="", source="patch", seed=seed
    )
    result = grade_one(scenario, row, get_backend("docker"))
    item = result.item("hollow-tests")
    assert item is not None and item.strength is not None
    return item


@pytest.mark.docker
def test_strong_tests_catch_every_mutant_and_fix_the_flaw_in_containers(store, base_image):
    scenario = resolve("discount-cli-tests")
    values = draw(scenario, default_seed("tess", scenario.id)).values
    item = graded_item(store, materialize.reference_patch(scenario, values))
    assert item.verdict == Verdict.FIXED
    assert item.strength.passes_on_reference is True
    assert all(item.strength.mutants.values())


@pytest.mark.docker
def test_the_ai_hollow_tests_let_mutants_through_in_containers(store, base_image):
    item = graded_item(store, "")
    assert item.verdict == Verdict.NOT_FIXED
    assert not all(item.strength.mutants.values())


@pytest.mark.docker
def test_deleting_the_tests_fixes_nothing_in_containers(store, base_image):
    scenario = resolve("discount-cli-tests")
    values = draw(scenario, default_seed("tess", scenario.id)).values
    start = materialize.start_tree(scenario, values)
    files = [
        s.split("::")[0]
        for f in scenario.manifest.flaws
        if f.grader == "test-strength"
        for s in f.tests
    ]
    gutted = {k: v for k, v in start.items() if k not in files}
    item = graded_item(store, patches.make(start, gutted))
    assert item.verdict == Verdict.NOT_FIXED
