"""``dsim scenario check``: prove a scenario sound by running it for real.

- the reference passes every flaw, keep and regression test, N times, identically;
- the AI change as it is fails every flaw's tests and passes every keep's;
- the repo before the AI change fails every keep's tests (each keep is the AI's work);
- no test belongs to two flaws (each flaw is detectable on its own);
- test-strength flaws: the reference's tests catch every mutant, the AI's tests do not.
On success it writes ``scenario.lock.json`` with the exact expected test ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness import __version__
from harness.backends.base import Backend
from harness.grading.context import (
    Outcome,
    RunStatus,
    caught,
    expand,
    limits_for,
    mutant_trees,
    regression_tests,
    selectors_to_run,
    strength_files,
    strength_tree,
    visible_test_files,
)
from harness.grading.testrun import TestRun, run_tests
from harness.scenarios import materialize
from harness.scenarios.scenario import LOCK, Scenario
from harness.scenarios.variants import draw


def _count(n: int, noun: str) -> str:
    """``1 test``, ``3 tests``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass(kw_only=True)
class CheckReport:
    """What ``scenario check`` found for one scenario."""

    scenario: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    """(check, ok|FAIL, detail)"""
    tests: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(status == "ok" for _, status, _ in self.rows)

    def add(self, check: str, ok: bool, detail: str = "") -> None:
        self.rows.append((check, "ok" if ok else "FAIL", detail))


def check(
    scenario: Scenario,
    backend: Backend,
    *,
    runs: int = 3,
    image: str = "",
    python: str = "",
    write_lock: bool = True,
) -> CheckReport:
    report = CheckReport(scenario=scenario.id)
    m = scenario.manifest
    values = draw(scenario, 0).values
    limits = limits_for(m)
    hidden = materialize.hidden_tree(scenario, values)
    pre_ai = materialize.pre_ai_tree(scenario, values)
    start = materialize.start_tree(scenario, values, pre_ai=pre_ai)
    reference = materialize.reference_tree(scenario, values, start=start)
    visible = visible_test_files(m.hidden_test_selectors(), start)
    run_sel = selectors_to_run(m, start)

    def run(tree: dict[str, bytes]) -> TestRun:
        # Visible tests are graded as the engineer received them, for every tree (tests the AI
        # added to them simply fail on the pre-AI repo and are left out of that check below).
        tree = {**tree, **{rel: start[rel] for rel in visible}}
        return run_tests(
            backend,
            image=image,
            python=python,
            tree=tree,
            hidden=hidden,
            selectors=run_sel,
            limits=limits,
            labels={"dsim.check": scenario.id},
            test_timeout=m.runtime.test_timeout_seconds,
        )

    def passing(result: TestRun, ids: list[str]) -> bool:
        return bool(ids) and all(
            result.tests.get(n) is not None and result.tests[n].outcome == Outcome.PASSED
            for n in ids
        )

    reference_runs = [run(reference) for _ in range(max(1, runs))]
    first = reference_runs[0]
    report.seconds["reference_run"] = first.timings.get("pytest", 0.0)
    known = sorted(first.tests)
    report.tests = known
    outcomes = [{n: r.outcome for n, r in x.tests.items()} for x in reference_runs]
    stable = all(o == outcomes[0] for o in outcomes)
    bad = sorted(n for n, r in first.tests.items() if r.outcome != Outcome.PASSED)
    report.add(
        f"reference passes every test ({_count(len(known), 'test')}, "
        f"{_count(len(reference_runs), 'run')})",
        first.status == RunStatus.COMPLETED and not bad and not first.void and bool(known),
        ", ".join(bad[:5]) or "; ".join(f.message for f in first.findings[:2]),
    )
    report.add("reference runs are identical (not flaky)", stable)

    ai = run(start)
    for flaw in m.flaws:
        if flaw.grader != "hidden-tests":
            continue
        ids = expand(flaw.tests, known)
        report.add(
            f"flaw {flaw.id}: the AI change fails its tests",
            bool(ids) and not passing(ai, ids),
            _count(len(ids), "test") if ids else "no tests selected",
        )
    for keep in m.keeps:
        ids = expand(keep.tests, known)
        report.add(f"keep {keep.id}: the AI change passes its tests", passing(ai, ids))
    before = run(pre_ai)
    for keep in m.keeps:
        ids = expand(keep.tests, known)
        report.add(
            f"keep {keep.id}: the repo before the AI change fails its tests",
            bool(ids) and not passing(before, ids),
        )
    # Regression is what worked before the AI change, as grading counts it.
    regression = regression_tests(m, known, pre_ai)
    report.add(
        "regression passes before the AI change",
        not regression or passing(before, regression),
        _count(len(regression), "test"),
    )
    owners: dict[str, list[str]] = {}
    for flaw in m.flaws:
        if flaw.grader == "hidden-tests":
            for n in expand(flaw.tests, known):
                owners.setdefault(n, []).append(flaw.id)
    shared = {n: o for n, o in owners.items() if len(o) > 1}
    report.add(
        "each flaw is detected by tests of its own",
        not shared,
        ", ".join(f"{n}: {o}" for n, o in list(shared.items())[:3]),
    )
    for flaw in m.flaws:
        if flaw.grader != "test-strength":
            continue
        files = strength_files(flaw)
        for label, tests_from in (("reference", reference), ("AI", start)):
            theirs = {f: tests_from[f] for f in files if f in tests_from}
            caught_all = True
            for _mutant, mutated in mutant_trees(scenario, values, flaw, reference):
                result = run_tests(
                    backend,
                    image=image,
                    python=python,
                    tree=strength_tree(mutated, files, theirs),
                    hidden={},
                    selectors=files,
                    limits=limits,
                    labels={"dsim.check": scenario.id},
                    test_timeout=m.runtime.test_timeout_seconds,
                )
                caught_all = caught_all and caught(result)
            if label == "reference":
                report.add(f"flaw {flaw.id}: the reference tests catch every mutant", caught_all)
            else:
                report.add(f"flaw {flaw.id}: the AI's tests miss a mutant", not caught_all)
    if report.ok and write_lock:
        lock: dict[str, Any] = {
            "scenario": scenario.id,
            "version": scenario.version,
            "content_hash": scenario.content_hash,
            "harness": __version__,
            "tests": known,
        }
        (scenario.path / LOCK).write_text(json.dumps(lock, indent=2) + "\n")
    return report
