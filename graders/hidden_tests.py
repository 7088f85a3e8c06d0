"""The ``hidden-tests`` grader: flaw, keep and regression verdicts from hidden pytest suites.

Verdict rules (DESIGN.md "Grading rules"): a flaw is fixed and a keep is kept only when every one
of its tests passed; skipped, xfail, error and missing all count as not passed; an expected test
(from the scenario's lock) that did not run is missing; a void run (tampering) fixes nothing.
Failures are re-run up to ``reruns`` times in fresh sandboxes; a test that flips is *flaky*, and an
item resting on a flaky test gets the verdict ``flaky`` and is not scored. A flaw whose tests fail
but whose code the change deleted outright is ``removed``: not shipped, not fixed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graders import grader
from harness.grading.junit import Outcome
from harness.grading.testrun import HIDDEN_PREFIX, RunStatus, TestResult, TestRun

if TYPE_CHECKING:
    from harness.grading.pipeline import GradeContext


def matches(selector: str, nodeid: str) -> bool:
    """Does pytest node id ``nodeid`` fall under ``selector`` (a node id, file or folder)?"""
    if nodeid == selector:
        return True
    return nodeid.startswith((selector + "::", selector + "[", selector.rstrip("/") + "/"))


def flaw_code_removed(start: dict[str, bytes], graded: dict[str, bytes],
                      locations: tuple[str, ...]) -> bool:
    """Did the change delete every non-blank line of every one of the flaw's locations?"""
    import difflib

    from harness.workspace.review_notes import parse_location

    for text in locations:
        try:
            loc = parse_location(text)
        except ValueError:
            return False
        before = start.get(loc.path, b"").decode("utf-8", "replace").splitlines()
        wanted = {n for n in range(loc.start - 1, min(loc.end, len(before))) if before[n].strip()}
        if loc.path not in graded:
            continue
        after = graded[loc.path].decode("utf-8", "replace").splitlines()
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        kept = {block.a + k for block in matcher.get_matching_blocks() for k in range(block.size)}
        if wanted & kept:
            return False
    return True


def expand(selectors: list[str] | tuple[str, ...], known: list[str]) -> list[str]:
    return sorted({n for n in known for s in selectors if matches(s, n)})


def visible_test_files(selectors: list[str], start: dict[str, bytes]) -> list[str]:
    """Repo test files named (directly or by folder) by non-hidden selectors."""
    files = set()
    for selector in selectors:
        if selector.startswith(HIDDEN_PREFIX):
            continue
        path = selector.split("::", 1)[0].rstrip("/")
        for rel in start:
            name = rel.rsplit("/", 1)[-1]
            is_test = name.endswith(".py") and (
                name.startswith("test_") or name.endswith("_test.py"))
            if rel == path or (is_test and rel.startswith(path + "/")):
                files.add(rel)
    return sorted(files)


def run_selectors(ctx: GradeContext) -> list[str]:
    """What to hand pytest: hidden selectors as written, visible ones as explicit files."""
    selectors = ctx.hidden_selectors()
    hidden = [s for s in selectors if s.startswith(HIDDEN_PREFIX)]
    return hidden + visible_test_files(selectors, ctx.start)


def merged_outcomes(runs: list[TestRun], expected: list[str] | None) -> tuple[
        dict[str, TestResult], set[str]]:
    """Per-test outcome over a first run and its re-runs, and the set of flaky tests."""
    first = runs[0].tests
    flaky: set[str] = set()
    names = set(first) | set(expected or [])
    merged: dict[str, TestResult] = {}
    for name in names:
        results = [run.tests.get(name) for run in runs]
        outcomes = {r.outcome if r else Outcome.MISSING for r in results}
        base = first.get(name) or TestResult(outcome=Outcome.MISSING,
                                             message="expected by the scenario lock but not run")
        if len(outcomes) > 1 and Outcome.PASSED in outcomes:
            flaky.add(name)
        merged[name] = base
    return merged, flaky


@grader("hidden-tests")
def grade_hidden_tests(ctx: GradeContext) -> dict[str, Any]:
    selectors = run_selectors(ctx)
    runs = [ctx.run(selectors)]
    first = runs[0]
    if first.status == RunStatus.COMPLETED and not first.void:
        failing = {n for n, r in first.tests.items() if r.outcome != Outcome.PASSED}
        for _ in range(ctx.reruns):
            if not failing:
                break  # every failure has passed at least once: flaky, no need to go on
            again = ctx.run(selectors)
            runs.append(again)
            failing = {n for n in failing if again.tests.get(n) is None
                       or again.tests[n].outcome != Outcome.PASSED}
    expected = ctx.expected_tests()
    tests, flaky = merged_outcomes(runs, expected)
    findings = list(dict.fromkeys(f for run in runs for f in run.findings))
    if expected is not None:
        unexpected = sorted(set(first.tests) - set(expected))
        findings.extend(f"unexpected test {n} (not in the scenario lock)" for n in unexpected)
    known = sorted(tests)
    judged = {n for s in ctx.hidden_selectors() for n in known if matches(s, n)}
    findings.extend(f"{n} was skipped or marked xfail during the run; counted as failed"
                    for n in sorted(judged) if tests[n].outcome == Outcome.SKIPPED)
    void = any(run.void for run in runs) or first.status != RunStatus.COMPLETED

    def passed(nodeids: list[str]) -> bool:
        return bool(nodeids) and all(tests[n].outcome == Outcome.PASSED for n in nodeids)

    items = []
    manifest = ctx.scenario.manifest
    for flaw in manifest.flaws:
        if flaw.grader != "hidden-tests":
            continue
        ids = expand(flaw.tests, known)
        verdict = "fixed" if passed(ids) and not void else "not_fixed"
        if verdict == "not_fixed" and flaw_code_removed(ctx.start, ctx.graded, flaw.locations):
            verdict = "removed"  # not shipped, but not fixed either: the ticket lost that work
        if not void and flaky.intersection(ids):
            verdict = "flaky"
        items.append({"id": flaw.id, "kind": "flaw", "title": flaw.title,
                      "category": flaw.category.value, "severity": flaw.severity,
                      "verdict": verdict, "tests": ids})
    for keep in manifest.keeps:
        ids = expand(keep.tests, known)
        verdict = "kept" if passed(ids) and not void else "lost"
        if not void and flaky.intersection(ids):
            verdict = "flaky"
        items.append({"id": keep.id, "kind": "keep", "title": keep.title, "verdict": verdict,
                      "tests": ids})
    regression_ids = expand(manifest.regression.tests, known)
    reg_flaky = sorted(flaky.intersection(regression_ids))
    reg_passed = [] if void else [n for n in regression_ids
                                  if tests[n].outcome == Outcome.PASSED and n not in reg_flaky]
    return {
        "status": first.status.value,
        "void": void,
        "items": items,
        "regression": {"total": len(regression_ids) - len(reg_flaky), "passed": len(reg_passed),
                       "failed": sorted(set(regression_ids) - set(reg_passed) - set(reg_flaky)),
                       "flaky": reg_flaky},
        "tests": {n: {"outcome": r.outcome.value, "message": r.message,
                      "flaky": n in flaky} for n, r in sorted(tests.items())},
        "findings": findings,
        "runs": len(runs),
        "timings": first.timings,
        "output": first.output,
    }
