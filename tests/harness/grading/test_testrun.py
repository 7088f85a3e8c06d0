"""run_tests and read_run against a scripted sandbox (no Docker): one test per way a run can end,
and what goes into the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import RUNNER_CODES, FakeBackend, JUnitFile, Script

from harness.backends.base import Limits
from harness.errors import InfraError
from harness.grading import junit, testrun
from harness.grading.testrun import RunNames, run_tests
from harness.result import DISPOSITION, Disposition, FindingCode, Outcome, RunStatus

HIDDEN = {
    "test_loud.py": b"def test_a():\n    pass\n",
    "test_more.py": b"def test_b():\n    pass\n",
}
TREE = {
    "src/greeter/loud.py": b"def shout(name):\n    return name.upper()\n",
    "tests/test_greeter.py": b"def test_greet():\n    pass\n",
}
SELECTORS = ["hidden/test_loud.py", "hidden/test_more.py", "tests/test_greeter.py"]
A, A2 = "hidden/test_loud.py::test_a", "hidden/test_loud.py::TestGroup::test_param[2]"
B = "hidden/test_more.py::test_b"
VISIBLE = "tests/test_greeter.py::test_greet"
HONEST = {A: "passed", A2: "failed", B: "error", VISIBLE: "passed"}
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "junit"


def run(
    script: Script | FakeBackend,
    *,
    tree: dict[str, bytes] = TREE,
    hidden: dict[str, bytes] = HIDDEN,
    selectors: list[str] = SELECTORS,
) -> testrun.TestRun:
    """One run_tests call on a fresh backend playing ``script`` (or on ``script``, a backend)."""
    backend = script if isinstance(script, FakeBackend) else FakeBackend(script)
    return run_tests(
        backend,
        image="",
        python="python3",
        tree=tree,
        hidden=hidden,
        selectors=selectors,
        limits=Limits(timeout_seconds=5),
    )


def codes(result: testrun.TestRun) -> set[FindingCode]:
    return {f.code for f in result.findings}


# -- runs that completed ----------------------------------------------------------------------


def test_an_honest_run_reports_every_test_by_its_canonical_id_without_the_canaries():
    result = run(
        Script(
            tests={
                **HONEST,
                "tests/test_greeter.py::test_skip": "skipped",
                "hidden/test_more.py::test_x": "xfailed",
            }
        )
    )
    assert result.status == RunStatus.COMPLETED
    assert not result.void and result.findings == []
    assert result.exit_code == 1
    assert {n: r.outcome for n, r in result.tests.items()} == {
        A: Outcome.PASSED,
        A2: Outcome.FAILED,
        B: Outcome.ERROR,
        VISIBLE: Outcome.PASSED,
        "tests/test_greeter.py::test_skip": Outcome.SKIPPED,
        "hidden/test_more.py::test_x": Outcome.SKIPPED,
    }
    assert result.tests[A] == testrun.TestResult(outcome=Outcome.PASSED, message="")
    assert "assert False" in result.tests[A2].message


def test_output_names_canonical_paths_never_the_random_folder_or_the_sandbox_root():
    backend = FakeBackend(Script(tests=HONEST))
    result = run(backend)
    box = backend.last
    assert f"FAILED {A2}" in result.output
    assert box.hidden_dir not in result.output
    assert box.root not in result.output


def test_a_collection_error_is_reported_without_voiding_the_run():
    result = run(Script(tests=HONEST, collection_errors=("hidden/test_more.py",)))
    assert codes(result) == {FindingCode.COLLECTION_ERROR}
    assert not result.void
    assert B not in result.tests
    assert result.tests[A].outcome == Outcome.PASSED


def test_a_test_missing_from_junit_is_missing_not_passed():
    result = run(Script(tests=HONEST, left_out_of_junit=(A,)))
    assert codes(result) == {FindingCode.MISSING_FROM_JUNIT}
    assert result.tests[A].outcome == Outcome.MISSING
    assert not result.void


def test_pytest_crashing_is_reported_and_its_exit_code_voids_the_run():
    result = run(Script(tests=HONEST, error="RuntimeError: pytest blew up", exit_code=-1))
    assert {FindingCode.PYTEST_CRASHED, FindingCode.EXIT_CODE_MISMATCH} <= codes(result)
    assert result.void


def test_an_honest_parametrized_id_containing_double_colons_is_not_forged():
    """pytest keeps ``::`` inside a parameter id (``test_host[::1]``) in the JUnit name."""
    ipv6 = "hidden/test_net.py::test_host[::1]"
    result = run(
        Script(tests={ipv6: "passed"}),
        hidden={"test_net.py": b"# parametrized\n"},
        selectors=["hidden/test_net.py"],
    )
    assert result.findings == []
    assert not result.void
    assert result.tests[ipv6].outcome == Outcome.PASSED


# -- runs that did not complete ---------------------------------------------------------------


def test_a_timed_out_run_is_timed_out_with_no_verdicts():
    result = run(Script(tests=HONEST, timed_out=True))
    assert result.status == RunStatus.TIMED_OUT
    assert result.tests == {}
    assert result.findings == []


def test_an_oom_killed_run_is_oom_killed_with_a_memory_finding():
    result = run(Script(tests=HONEST, oom_killed=True))
    assert result.status == RunStatus.OOM_KILLED
    assert codes(result) == {FindingCode.MEMORY_KILLED}
    assert result.tests == {}


def test_a_child_killed_for_memory_marks_the_run_even_when_the_report_arrived():
    result = run(Script(tests=HONEST, oom_killed=True, reports=1))
    assert result.status == RunStatus.OOM_KILLED
    assert codes(result) == {FindingCode.MEMORY_KILLED}
    assert result.tests[A].outcome == Outcome.PASSED


def test_a_run_that_ends_before_reporting_ended_early():
    result = run(Script(tests=HONEST, reports=0))
    assert result.status == RunStatus.ENDED_EARLY
    assert codes(result) == {FindingCode.ENDED_EARLY}
    assert result.tests == {} and result.exit_code == -1


def test_a_corrupted_report_is_not_read_and_the_run_ended_early():
    result = run(Script(tests=HONEST, body='{"exit_code": 1, "reports": {"a'))
    assert codes(result) == {FindingCode.REPORT_CORRUPTED, FindingCode.ENDED_EARLY}
    assert result.status == RunStatus.ENDED_EARLY
    assert result.tests == {}


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '"passed"',
        '{"exit_code": "one"}',
        '{"exit_code": 1, "findings": 5}',
        '{"exit_code": 1, "junit": 5}',
    ],
    ids=["list", "string", "exit-code", "findings", "junit"],
)
def test_a_report_of_the_wrong_shape_is_distrusted_not_a_crash(body):
    """Code under test runs in the runner's process: it can read the nonce from the config and
    write a frame of its own, so read_run must survive any JSON there."""
    result = run(Script(tests=HONEST, body=body))
    assert result.findings
    assert result.void or result.status != RunStatus.COMPLETED


# -- tampering --------------------------------------------------------------------------------


def test_two_reports_void_the_run():
    result = run(Script(tests=HONEST, reports=2))
    assert FindingCode.MULTIPLE_REPORTS in codes(result)
    assert result.void


def test_forged_junit_entry_voids_the_run():
    result = run(Script(tests=HONEST, forged_junit=("hidden/test_loud.py::test_smuggled",)))
    assert codes(result) == {FindingCode.JUNIT_FORGED}
    assert result.void
    assert "hidden/test_loud.py::test_smuggled" not in result.tests


def test_a_junit_pass_the_runner_saw_fail_voids_the_run_and_counts_as_failed():
    result = run(Script(tests=HONEST, junit_says={A2: "passed"}))
    assert codes(result) == {FindingCode.OUTCOME_FORGED}
    assert result.void
    assert result.tests[A2].outcome == Outcome.FAILED


def test_a_junit_file_with_a_doctype_is_rejected_and_voids_the_run():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><testsuites/>'
    result = run(Script(tests=HONEST, junit=bomb))
    assert FindingCode.JUNIT_REJECTED in codes(result)
    assert result.void


@pytest.mark.parametrize(
    "canaries",
    [("failed", "failed"), ("passed", "passed"), ("skipped", "failed"), ("passed", "skipped")],
    ids=["must-pass-failed", "must-fail-passed", "must-pass-skipped", "must-fail-skipped"],
)
def test_wrong_canary_outcomes_void_the_run(canaries):
    result = run(Script(tests=HONEST, canaries=canaries))
    assert FindingCode.CANARY_WRONG in codes(result)
    assert result.void
    assert set(result.tests) == set(HONEST)


@pytest.mark.parametrize("exit_code", [0, 2, 5, -1])
def test_an_exit_code_other_than_one_voids_the_run(exit_code):
    result = run(Script(tests=HONEST, exit_code=exit_code))
    assert codes(result) == {FindingCode.EXIT_CODE_MISMATCH}
    assert result.void


@pytest.mark.parametrize("code", RUNNER_CODES, ids=str)
def test_runner_findings_void_the_run_or_not_by_their_code_alone(code):
    result = run(Script(tests=HONEST, findings=({"code": code.value, "message": "whatever"},)))
    assert [(f.code, f.message) for f in result.findings] == [(code, "whatever")]
    assert result.void == (DISPOSITION[code] == Disposition.VOID)


def test_runner_codes_cover_void_integrity_and_note():
    assert {DISPOSITION[c] for c in RUNNER_CODES} == set(Disposition)


@pytest.mark.parametrize(
    "raw",
    [
        {"code": "all-good", "message": "trust me"},
        {"message": "no code"},
        {"code": "atexit-added"},
        "a string",
        {
            "code": "visible-test-edited",
            "message": "a harness note, written by the code under test",
        },
        {"code": "test-timed-out", "message": "only the host's watch stops a test"},
    ],
    ids=["unknown-code", "no-code", "no-message", "not-an-object", "host-note", "host-stop"],
)
def test_an_unknown_runner_finding_is_treated_as_forged(raw):
    result = run(Script(tests=HONEST, findings=(raw,)))
    assert codes(result) == {FindingCode.JUNIT_FORGED}
    assert result.void


# -- infrastructure ---------------------------------------------------------------------------


def test_infra_error_making_the_sandbox_propagates():
    backend = FakeBackend(Script(infra="sandbox"))
    with pytest.raises(InfraError, match="not reachable"):
        run(backend)


@pytest.mark.parametrize("where", ["write", "run"])
def test_infra_error_in_the_sandbox_propagates_and_the_sandbox_is_removed(where):
    backend = FakeBackend(Script(tests=HONEST, infra=where))
    with pytest.raises(InfraError):
        run(backend)
    assert backend.last.cleaned


# -- what goes into the sandbox ---------------------------------------------------------------


def test_the_run_is_the_harness_runner_started_isolated_and_removed_after():
    backend = FakeBackend(Script(tests=HONEST))
    run(backend)
    box = backend.last
    assert box.spec.command == ("python3", "-I", "-B", "lib/dsim_runner.py", "lib/config.json")
    assert box.payload["lib/dsim_runner.py"] == testrun._runner_source()
    assert box.started and box.cleaned


def test_hidden_suites_land_under_a_random_folder_never_under_hidden():
    backend = FakeBackend(Script(tests=HONEST), Script(tests=HONEST))
    run(backend)
    run(backend)
    first, second = backend.sandboxes
    assert first.hidden_dir != second.hidden_dir
    for box in (first, second):
        assert box.hidden_dir.startswith("_hidden_") and len(box.hidden_dir) == len("_hidden_") + 8
        assert box.tree[f"{box.hidden_dir}/test_loud.py"] == HIDDEN["test_loud.py"]
        assert not any(rel.startswith("hidden/") for rel in box.tree)
        assert box.selected[:3] == [
            f"{box.hidden_dir}/test_loud.py",
            f"{box.hidden_dir}/test_more.py",
            "tests/test_greeter.py",
        ]


def test_a_candidate_hidden_folder_is_neither_selected_nor_mistaken_for_the_hidden_suite():
    fake = b"def test_a():\n    pass\n\n\ndef test_smuggled():\n    pass\n"
    backend = FakeBackend(Script(tests=HONEST))
    result = run(backend, tree={**TREE, "hidden/test_loud.py": fake})
    box = backend.last
    assert not any(s.startswith("hidden/") for s in box.selected)
    assert box.tree[f"{box.hidden_dir}/test_loud.py"] == HIDDEN["test_loud.py"]
    assert result.tests[A].outcome == Outcome.PASSED and not result.void


def test_a_hidden_file_wins_a_clash_with_a_candidate_file_of_the_same_path():
    names = RunNames.fresh(root="/box")
    clash = f"{names.hidden_dir}/test_loud.py"
    canary = f"{names.hidden_dir}/{names.canary_module}"
    tree = {**TREE, clash: b"candidate", canary: b"candidate canary"}
    out = testrun.payload(tree, HIDDEN, ["hidden/test_loud.py"], names, isolated=True)
    assert out[f"tree/{clash}"] == HIDDEN["test_loud.py"]
    assert b"candidate" not in out[f"tree/{canary}"]
    assert names.canary_pass.encode() in out[f"tree/{canary}"]
    config = json.loads(out["lib/config.json"])
    assert config["selectors"] == [f"/box/tree/{clash}", f"/box/tree/{canary}"]
    assert config["nonce"] == names.nonce
    assert config["scratch"] == "/tmp/dsim-out"


# -- the fake itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "tests", "broken"),
    [
        (
            "mix.xml",
            {
                "test_mix.py::test_passes": "passed",
                "test_mix.py::test_fails": "failed",
                "test_mix.py::test_setup_error": "error",
                "test_mix.py::test_skipped": "skipped",
                "test_mix.py::test_xfail": "xfailed",
                "test_mix.py::TestGroup::test_param[1]": "passed",
                "test_mix.py::TestGroup::test_param[2]": "failed",
            },
            (),
        ),
        ("collect.xml", {"test_mix.py::test_passes": "passed"}, ("test_collect.py",)),
    ],
)
def test_the_fake_writes_junit_the_way_pytest_does(sample, tests, broken):
    """The checked-in files were written by pytest itself; the fake must read back the same."""
    xml = JUnitFile()
    for module in broken:
        xml.add(module, "collection-error")
    for line, (nodeid, outcome) in enumerate(tests.items()):
        xml.add(nodeid, outcome, line=line)

    def cases(data: bytes) -> list[tuple[str, str, Outcome]]:
        return [(c.classname, c.name, c.outcome) for c in junit.parse(data)]

    assert cases(xml.bytes()) == cases((SAMPLES / sample).read_bytes())
