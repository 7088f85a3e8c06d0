"""The ``hidden-tests`` grader: flaw, keep and regression verdicts from hidden pytest suites.

Verdict rules (DESIGN.md "Grading rules"): a flaw is fixed and a keep is kept only when every one
of its tests passed; skipped, xfail, error and missing all count as not passed; an expected test
(from the scenario's lock) that did not run is missing; a void run (tampering) fixes nothing.
Failures are re-run up to ``reruns`` times in fresh sandboxes; a test that flips is *flaky*, and an
item resting on a flaky test gets the verdict ``flaky`` and is not scored. A flaw whose tests fail
but whose code the change deleted outright is ``removed``: not shipped, not fixed.
"""

from __future__ import annotations

from graders import grader
from harness.grading.context import (
    Finding,
    FindingCode,
    GradeContext,
    GraderOutput,
    HiddenTests,
    Outcome,
    Regression,
    RunStatus,
    TestOutcome,
    TestResult,
    TestRun,
    Verdict,
    expand,
    flaw_code_removed,
    flaw_item,
    imports_deleted_code,
    keep_item,
    matches,
    regression_tests,
)


def merged_outcomes(
    runs: list[TestRun], expected: list[str] | None
) -> tuple[dict[str, TestResult], set[str]]:
    """Per-test outcome over a first run and its re-runs, and the set of flaky tests."""
    first = runs[0].tests
    flaky: set[str] = set()
    merged: dict[str, TestResult] = {}
    for name in set(first) | set(expected or []):
        outcomes = {
            r.outcome if r else Outcome.MISSING for r in (run.tests.get(name) for run in runs)
        }
        if len(outcomes) > 1 and Outcome.PASSED in outcomes:
            flaky.add(name)
        merged[name] = first.get(name) or TestResult(
            outcome=Outcome.MISSING, message="expected by the scenario lock but not run"
        )
    return merged, flaky


def _reworded(finding: Finding, first: TestRun, ctx: GradeContext) -> Finding:
    """A collection error caused by code the submission deleted is a note, not an integrity
    finding: reverting is a decision, judged through the items it costs."""
    if (
        finding.code != FindingCode.COLLECTION_ERROR
        or finding.subject not in first.collection_errors
    ):
        return finding
    error = first.collection_errors[finding.subject]
    module = imports_deleted_code(error, ctx.start, ctx.graded)
    if module is None:
        return finding
    return Finding(
        code=FindingCode.IMPORTS_DELETED_CODE,
        subject=finding.subject,
        message=f"{finding.subject} imports {module}, which this submission deleted: its tests "
        "did not run and count as failed",
    )


def _runs(ctx: GradeContext) -> list[TestRun]:
    """The first run, then re-runs of the failures while any failure has not yet passed."""
    selectors = ctx.selectors_to_run()
    runs = [ctx.run(selectors)]
    first = runs[0]
    if first.status != RunStatus.COMPLETED or first.void:
        return runs
    failing = {n for n, r in first.tests.items() if r.outcome != Outcome.PASSED}
    for _ in range(ctx.reruns):
        if not failing:
            break  # every failure has passed at least once: flaky, no need to go on
        again = ctx.run(selectors)
        runs.append(again)
        failing = {
            n
            for n in failing
            if again.tests.get(n) is None or again.tests[n].outcome != Outcome.PASSED
        }
    return runs


@grader("hidden-tests")
def grade_hidden_tests(ctx: GradeContext) -> GraderOutput:
    runs = _runs(ctx)
    first = runs[0]
    expected = ctx.expected_tests()
    tests, flaky = merged_outcomes(runs, expected)
    findings = list(dict.fromkeys(f for run in runs for f in run.findings))
    if expected is not None:
        findings.extend(
            Finding(
                code=FindingCode.UNEXPECTED_TEST,
                message=f"unexpected test {n} (not in the scenario lock)",
            )
            for n in sorted(set(first.tests) - set(expected))
        )
    known = sorted(tests)
    judged = {n for s in ctx.hidden_selectors() for n in known if matches(s, n)}
    findings.extend(
        Finding(
            code=FindingCode.SKIPPED_TEST,
            message=f"{n} was skipped or marked xfail during the run; counted as failed",
        )
        for n in sorted(judged)
        if tests[n].outcome == Outcome.SKIPPED
    )
    findings = [_reworded(f, first, ctx) for f in findings]
    void = any(run.void for run in runs) or first.status != RunStatus.COMPLETED

    def passed(nodeids: list[str]) -> bool:
        return bool(nodeids) and all(tests[n].outcome == Outcome.PASSED for n in nodeids)

    items = []
    manifest = ctx.scenario.manifest
    for flaw in manifest.flaws:
        if flaw.grader != "hidden-tests":
            continue
        ids = expand(flaw.tests, known)
        verdict = Verdict.FIXED if passed(ids) and not void else Verdict.NOT_FIXED
        if verdict == Verdict.NOT_FIXED and flaw_code_removed(
            ctx.start, ctx.graded, flaw.locations
        ):
            verdict = Verdict.REMOVED  # not shipped, but not fixed either: the ticket lost it
        if not void and flaky.intersection(ids):
            verdict = Verdict.FLAKY
        items.append(flaw_item(flaw, verdict, ids))
    for keep in manifest.keeps:
        ids = expand(keep.tests, known)
        verdict = Verdict.KEPT if passed(ids) and not void else Verdict.LOST
        if not void and flaky.intersection(ids):
            verdict = Verdict.FLAKY
        items.append(keep_item(keep, verdict, ids))
    regression_ids = regression_tests(manifest, known, ctx.pre_ai)
    reg_flaky = sorted(flaky.intersection(regression_ids))
    reg_passed = (
        []
        if void
        else [
            n for n in regression_ids if tests[n].outcome == Outcome.PASSED and n not in reg_flaky
        ]
    )
    return GraderOutput(
        items=tuple(items),
        findings=tuple(findings),
        regression=Regression(
            total=len(regression_ids) - len(reg_flaky),
            passed=len(reg_passed),
            failed=tuple(sorted(set(regression_ids) - set(reg_passed) - set(reg_flaky))),
            flaky=tuple(reg_flaky),
        ),
        section=HiddenTests(
            status=first.status,
            void=void,
            runs=len(runs),
            timings=dict(first.timings),
            output=first.output,
            tests={
                n: TestOutcome(outcome=r.outcome, message=r.message, flaky=n in flaky)
                for n, r in sorted(tests.items())
            },
        ),
    )
