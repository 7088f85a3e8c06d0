"""Verdict rules of the hidden-tests grader, driven with scripted runs (no containers)."""

from __future__ import annotations

from types import SimpleNamespace

from graders.hidden_tests import expand, flaw_code_removed, grade_hidden_tests, matches
from harness.grading import testrun
from harness.grading.junit import Outcome
from harness.grading.testrun import RunStatus

FLAW = "hidden/test_loud.py::test_shout_ignores_surrounding_spaces"
KEEP = "hidden/test_loud.py::test_shout_is_loud"
REG = "tests/test_greeter.py::test_greet_names_the_person"


def run(outcomes: dict[str, Outcome], *, void: bool = False,
        status: RunStatus = RunStatus.COMPLETED) -> testrun.TestRun:
    tests = {n: testrun.TestResult(outcome=o) for n, o in outcomes.items()}
    return testrun.TestRun(status=status, tests=tests,
                   findings=["tampered"] if void else [], void=void, exit_code=1, output="")


def context(demo, runs: list[testrun.TestRun], reruns: int = 0, lock: list[str] | None = None):
    queue = list(runs)
    m = demo.manifest
    selectors = [s for f in m.flaws for s in f.tests] + [s for k in m.keeps for s in k.tests] + \
        list(m.regression.tests)
    return SimpleNamespace(
        scenario=demo, reruns=reruns, start=TREE, graded=TREE, hidden_selectors=lambda: selectors,
        expected_tests=lambda: lock, run=lambda _selectors: queue.pop(0))


TREE = {"tests/test_greeter.py": b"", "src/greeter/loud.py": b"from greeter import greet\n\n\n"
        b"def shout(name):\n    return greet(name).upper() + '!'\n"}
P, F, S = Outcome.PASSED, Outcome.FAILED, Outcome.SKIPPED


def verdicts(result):
    return {i["id"]: i["verdict"] for i in result["items"]}


def test_all_pass_fixes_and_keeps(demo):
    out = grade_hidden_tests(context(demo, [run({FLAW: P, KEEP: P, REG: P})]))
    assert verdicts(out) == {"untrimmed-name": "fixed", "shout": "kept"}
    assert out["regression"]["passed"] == 1


def test_a_test_that_flips_on_rerun_is_flaky_not_failed(demo):
    runs = [run({FLAW: F, KEEP: P, REG: P}), run({FLAW: P, KEEP: P, REG: P})]
    out = grade_hidden_tests(context(demo, runs, reruns=2))
    assert verdicts(out)["untrimmed-name"] == "flaky"
    assert out["tests"][FLAW]["flaky"] is True
    assert out["runs"] == 2


def test_a_consistent_failure_stays_a_failure_after_reruns(demo):
    runs = [run({FLAW: F, KEEP: P, REG: P}) for _ in range(3)]
    out = grade_hidden_tests(context(demo, runs, reruns=2))
    assert verdicts(out)["untrimmed-name"] == "not_fixed"
    assert out["runs"] == 3


def test_skip_and_missing_expected_tests_are_failures(demo):
    out = grade_hidden_tests(context(demo, [run({FLAW: S, REG: P})],
                                     lock=[FLAW, KEEP, REG]))
    assert verdicts(out) == {"untrimmed-name": "not_fixed", "shout": "lost"}
    assert out["tests"][KEEP]["outcome"] == "missing"
    assert any("skipped" in f for f in out["findings"])


def test_unexpected_tests_are_reported(demo):
    extra = "hidden/test_loud.py::test_smuggled"
    out = grade_hidden_tests(context(demo, [run({FLAW: P, KEEP: P, REG: P, extra: P})],
                                     lock=[FLAW, KEEP, REG]))
    assert any("unexpected test " + extra in f for f in out["findings"])


def test_a_void_run_fixes_nothing_even_when_everything_passed(demo):
    out = grade_hidden_tests(context(demo, [run({FLAW: P, KEEP: P, REG: P}, void=True)]))
    assert verdicts(out) == {"untrimmed-name": "not_fixed", "shout": "lost"}
    assert out["regression"]["passed"] == 0


def test_selector_matching():
    assert matches("tests", "tests/test_a.py::t")
    assert matches("hidden/t.py", "hidden/t.py::x[1]")
    assert matches("hidden/t.py::x", "hidden/t.py::x[1]")
    assert not matches("hidden/t.py::x", "hidden/t.py::xy")
    assert expand(["hidden/t.py"], ["hidden/t.py::a", "hidden/u.py::b"]) == ["hidden/t.py::a"]


def test_deleting_the_flawed_lines_counts_as_removed_editing_them_does_not():
    start = {"a.py": b"def f():\n    x = 1\n    return x\n"}
    assert flaw_code_removed(start, {}, ("a.py:2-3",))
    assert flaw_code_removed(start, {"a.py": b"def f():\n    pass\n"}, ("a.py:2-3",))
    assert not flaw_code_removed(start, {"a.py": b"def f():\n    x = 1\n    return 2\n"},
                                 ("a.py:2-3",))
