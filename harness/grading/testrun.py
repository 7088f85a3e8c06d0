"""One hidden-test run in a fresh sandbox: copy in, run the harness runner, read, cross-check.

Invariants: the candidate tree goes in first and the hidden suites after (in one payload, where a
hidden file wins any clash), under a random folder name no workspace can know; JUnit is read only
through the runner's framed report and parsed by :mod:`harness.grading.junit`; every run carries random
canaries (one must pass, one must fail), so a process that forges outcomes wholesale is caught; the
JUnit outcomes, the runner's own records and pytest's exit code must all agree.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any

from harness.backends.base import Backend, Limits, SandboxSpec
from harness.grading import junit
from harness.grading.junit import Outcome

HIDDEN_PREFIX = "hidden/"
JUNIT_CAP = 4 * 1024 * 1024
INI = "[pytest]\nconsole_output_style = classic\n"


class RunStatus(StrEnum):
    """How a run ended, keeping infrastructure apart from the candidate."""

    COMPLETED = "completed"
    TIMED_OUT = "timed_out"
    OOM_KILLED = "oom_killed"
    ENDED_EARLY = "ended_early"
    INFRA_ERROR = "infra_error"


@dataclass(frozen=True, kw_only=True)
class TestResult:
    """One test's outcome in a run."""

    outcome: Outcome
    message: str = ""


@dataclass(frozen=True, kw_only=True)
class TestRun:
    """Everything one run established."""

    status: RunStatus
    tests: dict[str, TestResult]
    """Outcome per canonical node id (``hidden/…`` or a repo path)."""
    findings: list[str]
    """Integrity findings: what the run caught."""
    void: bool
    """Canaries or cross-checks failed: no verdict of this run can be trusted."""
    exit_code: int
    output: str
    """pytest's own output (assessors only: it can quote hidden tests)."""
    timings: dict[str, float] = field(default_factory=dict)


def _runner_source() -> bytes:
    return resources.files("harness.grading.runner").joinpath("dsim_runner.py").read_bytes()


def _canary_module(pass_name: str, fail_name: str) -> bytes:
    return (f"def {pass_name}():\n    assert 1 + 1 == 2\n\n\n"
            f"def {fail_name}():\n    assert 1 + 1 == 3, 'canary'\n").encode()


def _node_ids_by_junit_key(nodeids: Sequence[str]) -> dict[tuple[str, str], str]:
    keys = {}
    for nodeid in nodeids:
        keys[junit.mangle(nodeid)] = nodeid
        if "::" not in nodeid:  # a collection error: junitxml writes it as ("", dotted module)
            keys[("", junit.mangle(nodeid)[0])] = nodeid
    return keys


def run_tests(backend: Backend, *, image: str, python: str, tree: Mapping[str, bytes],
              hidden: Mapping[str, bytes], selectors: Sequence[str], limits: Limits,
              labels: Mapping[str, str] | None = None) -> TestRun:
    """Run ``selectors`` (canonical: ``hidden/…`` or repo paths) against ``tree`` + ``hidden``."""
    token = secrets.token_hex(4)
    hidden_dir = f"_hidden_{token}"
    canary_mod = f"test_{secrets.token_hex(4)}.py"
    canary_pass, canary_fail = f"test_{secrets.token_hex(5)}", f"test_{secrets.token_hex(5)}"
    nonce = secrets.token_hex(16)

    def to_real(selector: str) -> str:
        return hidden_dir + "/" + selector[len(HIDDEN_PREFIX):] \
            if selector.startswith(HIDDEN_PREFIX) else selector

    def to_canonical(nodeid: str) -> str:
        return HIDDEN_PREFIX + nodeid[len(hidden_dir) + 1:] \
            if nodeid.startswith(hidden_dir + "/") else nodeid

    # pytest is handed whole files: a node id inside a module that fails to collect would make
    # pytest refuse the whole run ("found no collectors"); the caller picks the ids it needs.
    files = list(dict.fromkeys(s.split("::", 1)[0] for s in selectors))
    timings: dict[str, float] = {}
    # Paths in the command are from the sandbox's root (its working folder), so the command is
    # known before the sandbox exists and can be its only process.
    spec = SandboxSpec(image=image, limits=limits, labels=dict(labels or {}),
                       command=(python, "-I", "-B", "lib/dsim_runner.py", "lib/config.json"))
    started = time.monotonic()
    with backend.sandbox(spec) as box:
        timings["create"] = time.monotonic() - started
        root = box.root
        scratch = "/tmp/dsim-out" if box.isolated else f"{root}/scratch"
        config = {"tree": f"{root}/tree", "scratch": scratch, "ini": f"{root}/lib/pytest.ini",
                  "nonce": nonce, "junit_cap": JUNIT_CAP,
                  "selectors": [f"{root}/tree/{to_real(s)}" for s in files]
                  + [f"{root}/tree/{hidden_dir}/{canary_mod}"]}
        mark = time.monotonic()
        # One payload (an archive copied into a volume costs the engine a mount and an unpacking
        # process each time): the candidate's tree first, the hidden suites after under a random
        # name, so on any clash the hidden file wins; then the harness's own files.
        payload = {f"tree/{rel}": data for rel, data in tree.items()}
        suites = {**hidden, canary_mod: _canary_module(canary_pass, canary_fail)}
        payload.update({f"tree/{hidden_dir}/{rel}": data for rel, data in suites.items()})
        payload.update({"lib/dsim_runner.py": _runner_source(), "lib/pytest.ini": INI.encode(),
                        "lib/config.json": json.dumps(config).encode()})
        box.write_files(payload, "")
        timings["copy_in"] = time.monotonic() - mark
        mark = time.monotonic()
        result = box.run(timeout=limits.timeout_seconds)
        timings["start"] = result.start_seconds
        timings["pytest"] = time.monotonic() - mark - result.start_seconds
        mark = time.monotonic()
    timings["remove"] = time.monotonic() - mark
    output = result.stderr.decode("utf-8", errors="replace")
    # The output names the random folder; show assessors the canonical paths instead.
    output = output.replace(f"{root}/tree/", "").replace(hidden_dir + "/", HIDDEN_PREFIX)
    mark = time.monotonic()
    findings: list[str] = []
    text = result.stdout.decode("utf-8", errors="replace")
    frames = re.findall(rf"{nonce}-BEGIN\n(.*?)\n{nonce}-END", text, re.DOTALL)
    status = RunStatus.COMPLETED
    if result.timed_out:
        status = RunStatus.TIMED_OUT
    elif result.oom_killed:
        status = RunStatus.OOM_KILLED
        findings.append("a process of the run was killed for exceeding the memory limit")
    report: dict[str, Any] | None = None
    if len(frames) > 1:
        findings.append("more than one result report was written (forgery attempt)")
    elif len(frames) == 1:
        try:
            report = json.loads(frames[0])
        except json.JSONDecodeError:
            findings.append("the result report was corrupted")
    if report is None and status == RunStatus.COMPLETED:
        status = RunStatus.ENDED_EARLY
        findings.append(f"the test process ended before reporting (exit code "
                        f"{result.returncode}): os._exit, a crash or a kill in code under test")
    tests: dict[str, TestResult] = {}
    void = bool(findings) and status == RunStatus.COMPLETED
    exit_code = -1
    if report is not None:
        exit_code = int(report.get("exit_code", -1))
        findings.extend(str(f) for f in report.get("findings", []))
        if report.get("error"):
            findings.append(f"pytest did not finish: {report['error']}")
        guard_reports: dict[str, dict[str, str]] = report.get("reports", {})
        try:
            cases = junit.parse(base64.b64decode(report.get("junit", "")), max_bytes=JUNIT_CAP)
        except (junit.JUnitError, ValueError) as exc:
            cases = []
            findings.append(f"JUnit results rejected: {exc}")
        by_key = _node_ids_by_junit_key(list(guard_reports))
        seen_guard: set[str] = set()
        for case in cases:
            nodeid = by_key.get((case.classname, case.name))
            if nodeid is None:
                findings.append(f"JUnit lists a test pytest never ran: {case.classname}::"
                                f"{case.name} (forged results)")
                continue
            seen_guard.add(nodeid)
            if "::" not in nodeid:
                findings.append(f"collection error in {to_canonical(nodeid)}: its tests did "
                                "not run")
                continue
            phases = guard_reports[nodeid]
            guard_failed = any(v in ("failed", "xpassed") for v in phases.values())
            guard_skipped = any(v in ("skipped", "xfailed") for v in phases.values())
            junit_ok = case.outcome == Outcome.PASSED
            if junit_ok and (guard_failed or guard_skipped):
                findings.append(f"{to_canonical(nodeid)}: JUnit says passed but pytest reported "
                                f"{phases} (forged results)")
            outcome = case.outcome
            if outcome == Outcome.PASSED and (guard_failed or guard_skipped):
                outcome = Outcome.FAILED
            tests[to_canonical(nodeid)] = TestResult(outcome=outcome, message=case.message)
        for nodeid in set(guard_reports) - seen_guard:
            if nodeid.startswith("<") or "::" not in nodeid:
                findings.append(f"collection error in {to_canonical(nodeid)} (not in JUnit)")
                continue
            findings.append(f"{to_canonical(nodeid)} ran but is missing from JUnit")
            tests[to_canonical(nodeid)] = TestResult(outcome=Outcome.MISSING,
                                                     message="missing from the JUnit report")
        canary_ok = (
            tests.pop(f"{HIDDEN_PREFIX}{canary_mod}::{canary_pass}", None)
            == TestResult(outcome=Outcome.PASSED, message=""))
        fail_canary = tests.pop(f"{HIDDEN_PREFIX}{canary_mod}::{canary_fail}", None)
        canary_ok = canary_ok and fail_canary is not None and fail_canary.outcome == Outcome.FAILED
        if not canary_ok:
            findings.append("canary tests had the wrong outcome: the test process was tampered "
                            "with; this run's verdicts are void")
        # With a must-fail canary, an honest pytest always exits 1 (tests failed).
        if exit_code != 1:
            findings.append(f"pytest exit code {exit_code} disagrees with the results "
                            "(a must-fail canary ran, so it must be 1)")
        tampered = [f for f in findings if "forged" in f or "tampered" in f or "modified" in f
                    or "registered" in f or "disagrees" in f or "rejected" in f
                    or "hook implementations" in f or "more than one" in f]
        void = bool(tampered)
    timings["parse"] = time.monotonic() - mark
    return TestRun(status=status, tests=tests, findings=findings, void=void,
                   exit_code=exit_code, output=output[-20000:], timings=timings)
