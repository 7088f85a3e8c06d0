"""Decisions rest on finding codes, never on wording: every code has a disposition, the runner
writes only known codes, and rewording every message changes no verdict."""

from __future__ import annotations

import ast
from collections.abc import Callable
from importlib import resources

import pytest
from fakes import RUNNER_CODES, FakeBackend, Script, submission

import graders.hidden_tests
import graders.test_strength
from harness.grading import pipeline, testrun
from harness.result import DISPOSITION, Disposition, Finding, FindingCode, GradingResult

FLAW = "hidden/test_loud.py::test_shout_ignores_surrounding_spaces"
KEEP = "hidden/test_loud.py::test_shout_is_loud"
REG = "tests/test_greeter.py::test_greet_names_the_person"
ALL_PASS = {FLAW: "passed", KEEP: "passed", REG: "passed"}

#: name → (script, is the result void?)
SCENARIOS: dict[str, tuple[Script, bool]] = {
    "honest": (Script(tests=ALL_PASS), False),
    "forged": (Script(tests={**ALL_PASS, FLAW: "failed"}, junit_says={FLAW: "passed"}), True),
    "void": (
        Script(
            tests=ALL_PASS,
            findings=(
                {"code": "hooks-changed", "message": "hook implementations changed during the run"},
            ),
        ),
        True,
    ),
    "collection-error": (
        Script(tests={REG: "passed"}, collection_errors=("hidden/test_loud.py",)),
        False,
    ),
    "atexit-note": (
        Script(
            tests=ALL_PASS,
            findings=(
                {"code": "atexit-added", "message": "2 atexit hook(s) added during the run"},
            ),
        ),
        False,
    ),
    "oom": (Script(tests=ALL_PASS, oom_killed=True), True),
    "skipped": (Script(tests={**ALL_PASS, KEEP: "skipped"}), False),
}
#: Modules that make findings on the way from a run to a result.
MAKERS = (testrun, graders.hidden_tests, graders.test_strength, pipeline)
REWORDINGS: dict[str, Callable[[str], str]] = {"reversed": lambda m: m[::-1], "x": lambda _m: "x"}


def grade(demo, script: Script) -> GradingResult:
    return pipeline.grade_one(demo, submission(demo), FakeBackend(script))


def decisions(result: GradingResult) -> dict[str, object]:
    """Everything a score or an assessor's decision can rest on, without any wording."""
    assert result.hidden is not None
    return {
        "status": result.status,
        "void": result.void,
        "run": (result.hidden.status, result.hidden.void),
        "verdicts": [(i.id, i.verdict) for i in result.items],
        "tests": {n: (t.outcome, t.flaky) for n, t in result.hidden.tests.items()},
        "regression": result.regression,
        "findings": [(f.code, f.disposition) for f in result.findings],
        "integrity": len(result.integrity),
        "notes": len(result.notes),
        "summary": result.summary(),
    }


@pytest.mark.parametrize("how", REWORDINGS, ids=str)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_rewording_every_message_changes_no_verdict(demo, monkeypatch, scenario, how):
    script, void = SCENARIOS[scenario]
    plain = grade(demo, script)
    assert plain.void is void

    reword = REWORDINGS[how]

    def reworded(*, code: FindingCode, message: str, subject: str = "") -> Finding:
        return Finding(code=code, message=reword(message), subject=subject)

    for module in MAKERS:
        assert module.Finding is Finding
        monkeypatch.setattr(module, "Finding", reworded)
    again = grade(demo, script)  # the runner's own messages are reworded as they are read

    assert decisions(again) == decisions(plain)
    assert [f.message for f in again.findings] == [reword(f.message) for f in plain.findings]


def test_the_scenarios_cover_void_integrity_and_note_findings(demo):
    found = {
        f.disposition for script, _ in SCENARIOS.values() for f in grade(demo, script).findings
    }
    assert found == set(Disposition)


def test_every_finding_code_has_a_disposition():
    assert set(DISPOSITION) == set(FindingCode)
    assert all(isinstance(d, Disposition) for d in DISPOSITION.values())


def test_a_findings_disposition_is_its_codes():
    for code in FindingCode:
        assert Finding(code=code, message="a").disposition == DISPOSITION[code]
        assert Finding(code=code, message="").disposition == code.disposition


def _runner_codes() -> list[str]:
    source = resources.files("harness.grading.runner").joinpath("dsim_runner.py").read_text()
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_finding"
    ]
    assert calls, "the runner makes its findings with _finding(code, message)"
    codes = []
    for call in calls:
        first = call.args[0] if call.args else None
        assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
            f"line {call.lineno}: a runner finding's code must be a literal to be checked"
        )
        codes.append(first.value)
    return codes


def test_the_runner_writes_only_codes_the_host_knows():
    known = {c.value for c in FindingCode}
    assert [c for c in _runner_codes() if c not in known] == []


def test_the_runner_writes_every_code_of_its_group():
    assert set(_runner_codes()) == {c.value for c in RUNNER_CODES}
