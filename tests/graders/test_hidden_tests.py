"""Verdict rules of the hidden-tests grader, driven through a real GradeContext whose runs go
through run_tests into a scripted sandbox (no containers)."""

from __future__ import annotations

import pytest
from fakes import FakeBackend, Script, context, submission

from graders.hidden_tests import grade_hidden_tests
from harness.errors import InfraError
from harness.grading import pipeline
from harness.grading.context import expand, flaw_code_removed, matches
from harness.result import (
    Disposition,
    FindingCode,
    GradingResult,
    HiddenTests,
    Outcome,
    ResultStatus,
    RunStatus,
    Verdict,
)
from harness.scenarios import materialize, patches
from harness.scenarios.scenario import Scenario, load
from harness.scenarios.variants import default_seed, draw
from harness.workspace.submit import submit

FLAW = "hidden/test_loud.py::test_shout_ignores_surrounding_spaces"
KEEP = "hidden/test_loud.py::test_shout_is_loud"
REG = "tests/test_greeter.py::test_greet_names_the_person"
REG2 = "tests/test_greeter.py::test_greet_is_polite"
ALL_PASS = {FLAW: "passed", KEEP: "passed", REG: "passed"}
FLAW_FAILS = {**ALL_PASS, FLAW: "failed"}
TAMPERED = {"findings": ({"code": "internals-modified", "message": "_pytest.runner changed"},)}


def grade(demo, *scripts: Script, reruns: int = 0, lock: list[str] | None = None, diff: str = ""):
    backend = FakeBackend(*scripts)
    out = grade_hidden_tests(context(demo, backend, reruns=reruns, lock=lock, diff=diff))
    assert len(backend.sandboxes) == len(scripts), "every scripted run was used"
    return out


def section(out) -> HiddenTests:
    assert isinstance(out.section, HiddenTests)
    return out.section


def verdicts(out) -> dict[str, Verdict]:
    return {i.id: i.verdict for i in out.items}


def codes(out) -> list[FindingCode]:
    return [f.code for f in out.findings]


# -- completed runs ---------------------------------------------------------------------------


def test_all_pass_fixes_and_keeps(demo):
    out = grade(demo, Script(tests=ALL_PASS))
    assert verdicts(out) == {"untrimmed-name": Verdict.FIXED, "shout": Verdict.KEPT}
    assert (out.regression.total, out.regression.passed) == (1, 1)
    assert out.findings == ()
    assert section(out).status == RunStatus.COMPLETED and not section(out).void


def test_items_name_the_tests_that_decided_them(demo):
    out = grade(demo, Script(tests=ALL_PASS))
    assert {i.id: i.tests for i in out.items} == {"untrimmed-name": (FLAW,), "shout": (KEEP,)}
    flaw = out.items[0]
    assert (flaw.category, flaw.severity) == ("correctness", 2)


@pytest.mark.parametrize("outcome", ["failed", "error", "skipped", "xfailed"])
def test_anything_but_a_pass_leaves_the_flaw_not_fixed(demo, outcome):
    out = grade(demo, Script(tests={**ALL_PASS, FLAW: outcome}))
    assert verdicts(out) == {"untrimmed-name": Verdict.NOT_FIXED, "shout": Verdict.KEPT}


def test_a_test_that_flips_on_rerun_is_flaky_not_failed(demo):
    out = grade(demo, Script(tests=FLAW_FAILS), Script(tests=ALL_PASS), reruns=2)
    assert verdicts(out)["untrimmed-name"] == Verdict.FLAKY
    assert section(out).tests[FLAW].flaky is True
    assert section(out).tests[KEEP].flaky is False
    assert section(out).runs == 2


def test_reruns_stop_once_every_failure_has_passed(demo):
    out = grade(demo, Script(tests=FLAW_FAILS), Script(tests=ALL_PASS), reruns=5)
    assert section(out).runs == 2


def test_a_consistent_failure_stays_a_failure_after_reruns(demo):
    out = grade(demo, *[Script(tests=FLAW_FAILS)] * 3, reruns=2)
    assert verdicts(out)["untrimmed-name"] == Verdict.NOT_FIXED
    assert section(out).tests[FLAW].flaky is False
    assert section(out).runs == 3


def test_a_run_with_no_failures_is_not_rerun(demo):
    out = grade(demo, Script(tests=ALL_PASS), reruns=3)
    assert section(out).runs == 1


def test_the_section_shows_the_first_runs_outcomes(demo):
    out = grade(demo, Script(tests=FLAW_FAILS), Script(tests=ALL_PASS), reruns=1)
    assert section(out).tests[FLAW].outcome == Outcome.FAILED
    assert "assert False" in section(out).tests[FLAW].message


def test_skip_and_missing_expected_tests_are_failures(demo):
    out = grade(demo, Script(tests={FLAW: "skipped", REG: "passed"}), lock=[FLAW, KEEP, REG])
    assert verdicts(out) == {"untrimmed-name": Verdict.NOT_FIXED, "shout": Verdict.LOST}
    assert section(out).tests[KEEP].outcome == Outcome.MISSING
    assert codes(out) == [FindingCode.SKIPPED_TEST]
    assert FLAW in out.findings[0].message


def test_an_xfail_is_reported_like_a_skip(demo):
    out = grade(demo, Script(tests={**ALL_PASS, REG: "xfailed"}))
    assert codes(out) == [FindingCode.SKIPPED_TEST]
    assert out.regression.passed == 0


def test_unexpected_tests_are_reported(demo):
    extra = "hidden/test_loud.py::test_smuggled"
    out = grade(demo, Script(tests={**ALL_PASS, extra: "passed"}), lock=[FLAW, KEEP, REG])
    assert codes(out) == [FindingCode.UNEXPECTED_TEST]
    assert extra in out.findings[0].message
    assert verdicts(out) == {"untrimmed-name": Verdict.FIXED, "shout": Verdict.KEPT}


def test_a_flaw_whose_code_was_deleted_is_removed_not_fixed(demo):
    values = draw(demo, default_seed("ada", demo.id)).values
    start = materialize.start_tree(demo, values)
    gutted = {k: v for k, v in start.items() if k != "src/greeter/loud.py"}
    out = grade(
        demo,
        Script(tests={REG: "passed"}, collection_errors=("hidden/test_loud.py",)),
        diff=patches.make(start, gutted),
    )
    assert verdicts(out) == {"untrimmed-name": Verdict.REMOVED, "shout": Verdict.LOST}
    assert codes(out) == [FindingCode.COLLECTION_ERROR]
    assert out.regression.passed == 1


@pytest.fixture
def demo2(demo: Scenario) -> Scenario:
    """The demo whose repo, before the AI change, has a second regression test (REG2)."""
    visible = demo.path / "repo" / "tests" / "test_greeter.py"
    visible.write_text(visible.read_text() + "\n\ndef test_greet_is_polite():\n    pass\n")
    return load(demo.path)


def test_regression_totals_leave_flaky_tests_out(demo2):
    first = Script(tests={**ALL_PASS, REG2: "failed"})
    again = Script(tests={**ALL_PASS, REG2: "passed"})
    out = grade(demo2, first, again, reruns=1)
    assert out.regression.total == 1 and out.regression.passed == 1
    assert out.regression.flaky == (REG2,)
    assert out.regression.failed == ()


def test_a_consistently_failing_regression_test_is_counted_and_named(demo2):
    out = grade(demo2, *[Script(tests={**ALL_PASS, REG2: "failed"})] * 2, reruns=1)
    assert (out.regression.total, out.regression.passed) == (2, 1)
    assert out.regression.failed == (REG2,) and out.regression.flaky == ()


# -- runs that cannot be trusted or did not complete ------------------------------------------


def test_a_void_run_fixes_nothing_even_when_everything_passed(demo):
    out = grade(demo, Script(tests=ALL_PASS, **TAMPERED))
    assert verdicts(out) == {"untrimmed-name": Verdict.NOT_FIXED, "shout": Verdict.LOST}
    assert out.regression.passed == 0
    assert section(out).void
    assert codes(out) == [FindingCode.INTERNALS_MODIFIED]


def test_a_void_run_is_not_rerun(demo):
    out = grade(demo, Script(tests=FLAW_FAILS, forged_junit=(KEEP + "_again",)), reruns=3)
    assert section(out).runs == 1 and section(out).void
    assert FindingCode.JUNIT_FORGED in codes(out)


def test_a_rerun_that_is_void_voids_the_whole_result(demo):
    out = grade(demo, Script(tests=FLAW_FAILS), Script(tests=ALL_PASS, **TAMPERED), reruns=1)
    assert verdicts(out) == {"untrimmed-name": Verdict.NOT_FIXED, "shout": Verdict.LOST}
    assert section(out).void
    assert out.regression.passed == 0


def test_a_timed_out_run_fixes_nothing_and_is_not_rerun(demo):
    out = grade(demo, Script(tests=ALL_PASS, timed_out=True), reruns=2, lock=[FLAW, KEEP, REG])
    assert verdicts(out) == {"untrimmed-name": Verdict.NOT_FIXED, "shout": Verdict.LOST}
    assert section(out).status == RunStatus.TIMED_OUT and section(out).runs == 1
    assert out.regression.passed == 0
    assert all(t.outcome == Outcome.MISSING for t in section(out).tests.values())


def test_an_oom_killed_run_fixes_nothing_and_carries_the_memory_finding(demo):
    out = grade(demo, Script(tests=ALL_PASS, oom_killed=True, reports=1), reruns=2)
    assert verdicts(out) == {"untrimmed-name": Verdict.NOT_FIXED, "shout": Verdict.LOST}
    assert section(out).status == RunStatus.OOM_KILLED
    assert codes(out) == [FindingCode.MEMORY_KILLED]
    assert out.regression.passed == 0


def test_a_run_that_ended_early_fixes_nothing(demo):
    out = grade(demo, Script(tests=ALL_PASS, reports=0))
    assert verdicts(out) == {"untrimmed-name": Verdict.NOT_FIXED, "shout": Verdict.LOST}
    assert section(out).status == RunStatus.ENDED_EARLY
    assert codes(out) == [FindingCode.ENDED_EARLY]


def test_infra_error_propagates_from_the_grader(demo):
    with pytest.raises(InfraError):
        grade(demo, Script(infra="run"))


# -- through the pipeline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "status"),
    [
        (Script(tests=ALL_PASS), ResultStatus.GRADED),
        (Script(tests=ALL_PASS, timed_out=True), ResultStatus.TIMED_OUT),
        (Script(tests=ALL_PASS, oom_killed=True), ResultStatus.OOM_KILLED),
        (Script(tests=ALL_PASS, reports=0), ResultStatus.ENDED_EARLY),
    ],
    ids=["completed", "timed-out", "oom-killed", "ended-early"],
)
def test_grade_one_gives_the_result_the_status_of_its_run(demo, script, status):
    result = pipeline.grade_one(demo, submission(demo), FakeBackend(script))
    assert isinstance(result, GradingResult)
    assert result.status == status
    assert result.runs == 1
    fixed = {i.id for i in result.items if i.verdict.success}
    assert fixed == ({"untrimmed-name", "shout"} if status == ResultStatus.GRADED else set())


def test_infra_error_propagates_from_grade_one(demo):
    with pytest.raises(InfraError, match="not reachable"):
        pipeline.grade_one(demo, submission(demo), FakeBackend(Script(infra="sandbox")))


def test_grade_submission_stores_an_infra_error_apart_and_grades_again(demo, store):
    row, _ = submit(store, demo, candidate="ada", diff="", review_text="", source="patch")
    down = pipeline.grade_submission(store, row.id, FakeBackend(Script(infra="sandbox")))
    assert down.status == ResultStatus.INFRA_ERROR and not down.cached
    stored = store.latest_result(row.id)
    assert stored.status == "infra_error"
    assert stored.result.status == ResultStatus.INFRA_ERROR
    assert "not reachable" in stored.result.error
    assert not stored.result.status.scored and stored.result.items == ()
    again = pipeline.grade_submission(store, row.id, FakeBackend(Script(tests=ALL_PASS)))
    assert again.status == ResultStatus.GRADED and not again.cached


# -- the rules' building blocks ---------------------------------------------------------------


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
    assert not flaw_code_removed(
        start, {"a.py": b"def f():\n    x = 1\n    return 2\n"}, ("a.py:2-3",)
    )


def test_a_visible_test_the_ai_added_is_not_a_regression_test(demo):
    # Regression is what worked before the AI change: a test the AI added to the visible suite
    # is judged through the keeps, so a submission that drops it is not charged twice.
    added = "tests/test_greeter.py::test_added_by_the_ai"
    out = grade(demo, Script(tests={**ALL_PASS, added: "failed"}))
    assert (out.regression.total, out.regression.passed) == (1, 1)
    assert out.regression.failed == ()


def test_a_collection_error_from_deleted_code_is_a_note_not_an_integrity_finding(demo):
    # The submission deletes greeter/loud.py (a revert): the hidden module that imports it cannot
    # be collected. That is a consequence of the decision, not tampering.
    script = Script(
        tests={REG: "passed"},
        collection_errors=("hidden/test_loud.py",),
        missing_module="greeter.loud",
    )
    ctx = context(demo, FakeBackend(script), diff=_deleting("src/greeter/loud.py", demo))
    [finding] = [f for f in grade_hidden_tests(ctx).findings if f.subject == "hidden/test_loud.py"]
    assert finding.code == FindingCode.IMPORTS_DELETED_CODE
    assert finding.disposition == Disposition.NOTE


def test_a_collection_error_from_code_that_is_still_there_stays_an_integrity_finding(demo):
    script = Script(
        tests={REG: "passed"},
        collection_errors=("hidden/test_loud.py",),
        missing_module="greeter.loud",
    )
    out = grade_hidden_tests(context(demo, FakeBackend(script)))
    codes = {f.code for f in out.findings if f.subject == "hidden/test_loud.py"}
    assert codes == {FindingCode.COLLECTION_ERROR}


def _deleting(path: str, scenario: Scenario) -> str:
    start = context(scenario, FakeBackend()).start
    return patches.make(start, {k: v for k, v in start.items() if k != path})
