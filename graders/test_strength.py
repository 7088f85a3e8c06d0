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
    Strength,
    Verdict,
    caught,
    flaw_item,
    passes_cleanly,
    strength_files,
    strength_tree,
)


@grader("test-strength")
def grade_test_strength(ctx: GradeContext) -> GraderOutput:
    items = []
    findings: list[Finding] = []
    for flaw in ctx.scenario.manifest.flaws:
        if flaw.grader != "test-strength":
            continue
        files = strength_files(flaw)
        theirs = {f: ctx.submitted[f] for f in files if f in ctx.submitted}
        on_reference = ctx.run(files, tree=strength_tree(ctx.reference, files, theirs), hidden={})
        findings.extend(on_reference.findings)
        passes = passes_cleanly(on_reference)
        mutants: dict[str, bool] = {}
        for mutant, mutated in ctx.mutant_trees(flaw):
            run = ctx.run(files, tree=strength_tree(mutated, files, theirs), hidden={})
            findings.extend(run.findings)
            mutants[mutant] = caught(run)
        ok = passes and all(mutants.values())
        verdict = Verdict.FIXED if ok else Verdict.NOT_FIXED
        strength = Strength(passes_on_reference=passes, mutants=mutants)
        items.append(flaw_item(flaw, verdict, files, strength))
    return GraderOutput(items=tuple(items), findings=tuple(dict.fromkeys(findings)))
