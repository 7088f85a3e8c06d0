"""The ``test-strength`` grader: do the engineer's own tests catch known-bad code?

For each ``test-quality`` flaw with ``grader = "test-strength"``, the engineer's versions of the
flaw's test files are run on the reference solution (they must pass) and on every mutant shipped
with the scenario (each must make them fail). Only then is the flaw fixed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graders import grader
from harness.grading.junit import Outcome
from harness.grading.testrun import RunStatus
from harness.scenarios import patches
from harness.scenarios.variants import render_file

if TYPE_CHECKING:
    from harness.grading.pipeline import GradeContext


@grader("test-strength")
def grade_test_strength(ctx: GradeContext) -> dict[str, Any]:
    items = []
    findings: list[str] = []
    for flaw in ctx.scenario.manifest.flaws:
        if flaw.grader != "test-strength":
            continue
        files = [s.split("::", 1)[0] for s in flaw.tests]
        theirs = {f: ctx.submitted[f] for f in files if f in ctx.submitted}
        # The reference's own (strong) test files must not stand in for missing ones.
        base = {k: v for k, v in ctx.reference.items() if k not in files}
        reference = {**base, **theirs}
        detail: dict[str, Any] = {"mutants": {}}
        on_reference = ctx.run(files, tree=reference, hidden={})
        findings.extend(on_reference.findings)
        ok = (on_reference.status == RunStatus.COMPLETED and not on_reference.void
              and bool(on_reference.tests)
              and all(r.outcome == Outcome.PASSED for r in on_reference.tests.values()))
        detail["passes_on_reference"] = ok
        for mutant in flaw.mutants:
            mutated = patches.apply(ctx.reference, render_file(ctx.scenario, mutant, ctx.values),
                                    source=mutant)
            mutated = {k: v for k, v in mutated.items() if k not in files}
            run = ctx.run(files, tree={**mutated, **theirs}, hidden={})
            findings.extend(run.findings)
            caught = run.status != RunStatus.COMPLETED or any(
                r.outcome != Outcome.PASSED for r in run.tests.values()) or not run.tests
            caught = caught and not run.void
            detail["mutants"][mutant] = caught
            ok = ok and caught
        items.append({"id": flaw.id, "kind": "flaw", "title": flaw.title,
                      "category": flaw.category.value, "severity": flaw.severity,
                      "verdict": "fixed" if ok else "not_fixed", "tests": files,
                      "detail": detail})
    return {"items": items, "findings": list(dict.fromkeys(findings))}
