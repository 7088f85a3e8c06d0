"""The ``test-strength`` grader: do the engineer's own tests catch known-bad code?

For each ``test-quality`` flaw with ``grader = "test-strength"``, the engineer's versions of the
flaw's test files are run on the reference solution (they must pass) and on every mutant shipped
with the scenario (each must make them fail). Only then is the flaw fixed.
"""

from __future__ import annotations

from graders import grader
from harness.grading.context import (
    Finding,
    GradeContext,
    GraderOutput,
    Outcome,
    RunStatus,
    Strength,
    Verdict,
    flaw_item,
)


@grader("test-strength")
def grade_test_strength(ctx: GradeContext) -> GraderOutput:
    items = []
    findings: list[Finding] = []
    for flaw in ctx.scenario.manifest.flaws:
        if flaw.grader != "test-strength":
            continue
        files = [s.split("::", 1)[0] for s in flaw.tests]
        theirs = {f: ctx.submitted[f] for f in files if f in ctx.submitted}
        # The reference's own (strong) test files must not stand in for missing ones.
        base = {k: v for k, v in ctx.reference.items() if k not in files}
        on_reference = ctx.run(files, tree={**base, **theirs}, hidden={})
        findings.extend(on_reference.findings)
        passes = (
            on_reference.status == RunStatus.COMPLETED
            and not on_reference.void
            and bool(on_reference.tests)
            and all(r.outcome == Outcome.PASSED for r in on_reference.tests.values())
        )
        mutants: dict[str, bool] = {}
        for mutant, mutated in ctx.mutant_trees(flaw):
            tree = {k: v for k, v in mutated.items() if k not in files}
            run = ctx.run(files, tree={**tree, **theirs}, hidden={})
            findings.extend(run.findings)
            caught = (
                run.status != RunStatus.COMPLETED
                or not run.tests
                or any(r.outcome != Outcome.PASSED for r in run.tests.values())
            )
            mutants[mutant] = caught and not run.void
        ok = passes and all(mutants.values())
        verdict = Verdict.FIXED if ok else Verdict.NOT_FIXED
        strength = Strength(passes_on_reference=passes, mutants=mutants)
        items.append(flaw_item(flaw, verdict, files, strength))
    return GraderOutput(items=tuple(items), findings=tuple(dict.fromkeys(findings)))
