"""One hidden-test run in a fresh sandbox: copy in, run the harness runner, read, cross-check.

Invariants: the candidate tree goes in first and the hidden suites after (in one payload, where a
hidden file wins any clash), under a random folder name no workspace can know; JUnit is read only
through the runner's framed report and parsed by :mod:`harness.grading.junit`; every run carries
random canaries (one must pass, one must fail), so a process that forges outcomes wholesale is
caught; the JUnit outcomes, the runner's own records and pytest's exit code must all agree. Whether
a run is void is decided by the codes of its findings (:data:`harness.result.DISPOSITION`).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from harness.backends.base import Backend, ExecResult, Limits, SandboxSpec
from harness.grading import junit
from harness.result import RUNNER_CODES, Finding, FindingCode, Outcome, RunStatus, voids

HIDDEN_PREFIX = "hidden/"
JUNIT_CAP = 4 * 1024 * 1024
INI = "[pytest]\nconsole_output_style = classic\n"


@dataclass(frozen=True, kw_only=True)
class TestResult:
    """One test's outcome in a run."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    outcome: Outcome
    message: str = ""


@dataclass(frozen=True, kw_only=True)
class TestRun:
    """Everything one run established."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    status: RunStatus
    tests: dict[str, TestResult]
    """Outcome per canonical node id (``hidden/…`` or a repo path)."""
    findings: list[Finding]
    """What the run caught; their codes decide whether it is void."""
    void: bool
    """Canaries or cross-checks failed: no verdict of this run can be trusted."""
    exit_code: int
    output: str
    """pytest's own output (assessors only: it can quote hidden tests)."""
    timings: dict[str, float] = field(default_factory=dict)
    collection_errors: dict[str, str] = field(default_factory=dict)
    """Test module (canonical) → pytest's error text for a module that could not be collected."""


def _runner_source() -> bytes:
    return resources.files("harness.grading.runner").joinpath("dsim_runner.py").read_bytes()


def _canary_module(pass_name: str, fail_name: str) -> bytes:
    return (
        f"def {pass_name}():\n    assert 1 + 1 == 2\n\n\n"
        f"def {fail_name}():\n    assert 1 + 1 == 3, 'canary'\n"
    ).encode()


def _node_ids_by_junit_key(nodeids: Sequence[str]) -> dict[tuple[str, str], str]:
    keys = {}
    for nodeid in nodeids:
        keys[junit.mangle(nodeid)] = nodeid
        if "::" not in nodeid:  # a collection error: junitxml writes it as ("", dotted module)
            keys[("", junit.mangle(nodeid)[0])] = nodeid
    return keys


def payload(
    tree: Mapping[str, bytes],
    hidden: Mapping[str, bytes],
    files: Sequence[str],
    names: RunNames,
    *,
    isolated: bool,
    skip: Sequence[str] = (),
) -> dict[str, bytes]:
    """Everything one run copies in, as one payload (an archive copied into a volume costs the
    engine a mount and an unpacking process each time): the candidate's tree first, the hidden
    suites after under a random name, so on any clash the hidden file wins; then the harness's
    own files (runner, ini, config)."""
    root = names.root
    scratch = "/tmp/dsim-out" if isolated else f"{root}/scratch"
    config = {
        "tree": f"{root}/tree",
        # First on sys.path, so hidden tests import their shared helpers (hidden/_support.py)
        # and no module of the candidate's can stand in for one.
        "hidden": f"{root}/tree/{names.hidden_dir}",
        "scratch": scratch,
        "ini": f"{root}/lib/pytest.ini",
        "nonce": names.nonce,
        "junit_cap": JUNIT_CAP,
        "skip": [names.real(s) for s in skip],
        "selectors": [f"{root}/tree/{names.real(s)}" for s in files]
        + [f"{root}/tree/{names.hidden_dir}/{names.canary_module}"],
    }
    out = {f"tree/{rel}": data for rel, data in tree.items()}
    suites = {**hidden, names.canary_module: _canary_module(names.canary_pass, names.canary_fail)}
    out.update({f"tree/{names.hidden_dir}/{rel}": data for rel, data in suites.items()})
    out.update(
        {
            "lib/dsim_runner.py": _runner_source(),
            "lib/pytest.ini": INI.encode(),
            "lib/config.json": json.dumps(config).encode(),
        }
    )
    return out


def run_tests(
    backend: Backend,
    *,
    image: str,
    python: str,
    tree: Mapping[str, bytes],
    hidden: Mapping[str, bytes],
    selectors: Sequence[str],
    limits: Limits,
    labels: Mapping[str, str] | None = None,
    test_timeout: float = 0,
) -> TestRun:
    """Run ``selectors`` (canonical: ``hidden/…`` or repo paths) against ``tree`` + ``hidden``.

    With ``test_timeout``, a :class:`ProgressWatch` on the host (out of reach of the code under
    test, which shares pytest's process) stops the sandbox when the running test passes the
    limit; the test fails alone with outcome ``timeout`` and a fresh sandbox runs the rest
    without it. A test during which the test process ends fails alone the same way (``error``).
    ``limits.timeout_seconds`` still bounds the whole run, every session included.
    """
    # pytest is handed whole files: a node id inside a module that fails to collect would make
    # pytest refuse the whole run ("found no collectors"); the caller picks the ids it needs.
    files = list(dict.fromkeys(s.split("::", 1)[0] for s in selectors))
    timings: dict[str, float] = {}
    stopped: dict[str, Stop] = {}
    ends_at = time.monotonic() + limits.timeout_seconds
    for attempt in range(MAX_ATTEMPTS):
        names = RunNames.fresh()
        watch = ProgressWatch(names.nonce, test_timeout) if test_timeout > 0 else None
        skip = [s for s, stop in stopped.items() if not stop.module]
        left = [f for f in files if f not in stopped]
        result, names = _attempt_run(
            backend, image=image, python=python, tree=tree, hidden=hidden, files=left,
            names=names, limits=limits, labels=labels, skip=skip, watch=watch,
            timeout=max(1.0, ends_at - time.monotonic()), timings=timings,
        )  # fmt: skip
        mark = time.monotonic()
        run = read_run(result, names)
        timings["parse"] = timings.get("parse", 0.0) + time.monotonic() - mark
        stuck = watch.stuck(result) if watch is not None else None
        if stuck is None or attempt == MAX_ATTEMPTS - 1:
            run.timings.update(timings)
            return _with_stopped(run, stopped)
        stopped[names.canonical(stuck.nodeid)] = stuck
    raise AssertionError("unreachable: the last attempt always returns")


def _attempt_run(
    backend: Backend,
    *,
    image: str,
    python: str,
    tree: Mapping[str, bytes],
    hidden: Mapping[str, bytes],
    files: Sequence[str],
    names: RunNames,
    limits: Limits,
    labels: Mapping[str, str] | None,
    skip: Sequence[str],
    watch: ProgressWatch | None,
    timeout: float,
    timings: dict[str, float],
) -> tuple[ExecResult, RunNames]:
    """One pytest session in a fresh sandbox; adds its costs to ``timings``."""
    # Paths in the command are from the sandbox's root (its working folder), so the command is
    # known before the sandbox exists and can be its only process.
    spec = SandboxSpec(
        image=image,
        limits=limits,
        labels=dict(labels or {}),
        command=(python, "-I", "-B", "lib/dsim_runner.py", "lib/config.json"),
    )

    def add(key: str, seconds: float) -> None:
        timings[key] = timings.get(key, 0.0) + seconds

    started = time.monotonic()
    with backend.sandbox(spec) as box:
        add("create", time.monotonic() - started)
        names = replace(names, root=box.root)
        mark = time.monotonic()
        box.write_files(payload(tree, hidden, files, names, isolated=box.isolated, skip=skip), "")
        add("copy_in", time.monotonic() - mark)
        mark = time.monotonic()
        result = box.run(timeout=timeout, watch=watch)
        add("start", result.start_seconds)
        add("pytest", time.monotonic() - mark - result.start_seconds)
        mark = time.monotonic()
    add("remove", time.monotonic() - mark)
    return result, names


#: Sessions one run may take: each session after the first leaves out one more test (or test
#: module) that passed the per-test limit or ended the test process.
MAX_ATTEMPTS = 16


@dataclass(frozen=True, kw_only=True)
class Stop:
    """A test (or the import of a test module) the run stopped, and why."""

    nodeid: str
    module: bool
    """The import of a test module, not a test: its tests did not run."""
    timed_out: bool
    """Passed the per-test limit (else: the test process ended during it)."""


class ProgressWatch:
    """The host's watch over one session: it reads the runner's progress lines as they arrive
    and names the moment the running test passes the per-test limit. It runs on the host,
    out of the reach of the code under test (which shares pytest's process); what that code
    writes can make a test look stuck, never make one pass."""

    def __init__(self, nonce: str, limit: float) -> None:
        self.nonce = nonce
        self.marker = f"{nonce}-P ".encode()
        self.limit = limit
        self.current: tuple[str, str] | None = None
        self.due: tuple[str, str] | None = None
        """What was running when the deadline passed (the stream may move on before the kill)."""
        self.since = 0.0
        self.buffer = b""
        self.lock = threading.Lock()

    def feed(self, chunk: bytes) -> None:
        with self.lock:
            self.buffer += chunk
            *lines, self.buffer = self.buffer.split(b"\n")
            self.buffer = self.buffer[-8192:]
            for line in lines:
                if not line.startswith(self.marker):
                    continue
                kind, _, nodeid = line[len(self.marker) :].decode("utf-8", "replace").partition(" ")
                if kind in ("S", "C"):
                    self.current, self.since = (kind, nodeid), time.monotonic()
                elif kind in ("E", "c") and self.current == ({"E": "S", "c": "C"}[kind], nodeid):
                    self.current = None

    def deadline(self) -> float | None:
        with self.lock:
            if self.current is None:
                return None
            at = self.since + self.limit
            if at <= time.monotonic() and self.due is None:
                self.due = self.current
            return at

    def stuck(self, result: ExecResult) -> Stop | None:
        """What this session stopped on: the test the watch stopped, or the test during which
        the test process ended; None when the session ended on its own terms."""
        with self.lock:
            current = (self.due or self.current) if result.stopped else self.current
        if current is None or result.timed_out or result.oom_killed:
            return None
        if not result.stopped and _frames(result.stdout.decode("utf-8", "replace"), self.nonce):
            return None  # the session reported: whatever was "running" finished
        kind, nodeid = current
        return Stop(nodeid=nodeid, module=kind == "C", timed_out=result.stopped)


def _with_stopped(run: TestRun, stopped: dict[str, Stop]) -> TestRun:
    """The last session's run, with every test an earlier session stopped failing alone."""
    if not stopped:
        return run
    tests, findings = dict(run.tests), list(run.findings)
    for name, stop in sorted(stopped.items()):
        code = FindingCode.TEST_TIMED_OUT if stop.timed_out else FindingCode.PROCESS_ENDED
        what = "passed the per-test time limit" if stop.timed_out else "ended the test process"
        if stop.module:
            findings.append(
                Finding(code=code, message=f"importing {name} {what}; its tests did not run")
            )
            continue
        findings.append(Finding(code=code, message=f"{name} {what}; the other tests ran"))
        tests[name] = TestResult(
            outcome=Outcome.TIMEOUT if stop.timed_out else Outcome.ERROR,
            message=f"stopped: the test {what}",
        )
    return replace(run, tests=tests, findings=findings)


@dataclass(frozen=True, kw_only=True)
class RunNames:
    """The random names one run was given: the sandbox's root, the hidden folder, the canaries
    and the report frame's nonce. Nothing in a workspace can know them in advance."""

    root: str
    hidden_dir: str
    canary_module: str
    canary_pass: str
    canary_fail: str
    nonce: str

    @classmethod
    def fresh(cls, root: str = "") -> RunNames:
        return cls(
            root=root,
            hidden_dir=f"_hidden_{secrets.token_hex(4)}",
            canary_module=f"test_{secrets.token_hex(4)}.py",
            canary_pass=f"test_{secrets.token_hex(5)}",
            canary_fail=f"test_{secrets.token_hex(5)}",
            nonce=secrets.token_hex(16),
        )

    def real(self, selector: str) -> str:
        """The path pytest sees for a canonical selector."""
        if selector.startswith(HIDDEN_PREFIX):
            return f"{self.hidden_dir}/{selector[len(HIDDEN_PREFIX) :]}"
        return selector

    def canonical(self, nodeid: str) -> str:
        """The canonical name (``hidden/…``) of a node id pytest reported."""
        if nodeid.startswith(self.hidden_dir + "/"):
            return HIDDEN_PREFIX + nodeid[len(self.hidden_dir) + 1 :]
        return nodeid


def _frames(text: str, nonce: str) -> list[str]:
    return re.findall(rf"{nonce}-BEGIN\n(.*?)\n{nonce}-END", text, re.DOTALL)


def read_run(result: ExecResult, names: RunNames) -> TestRun:
    """What a finished sandbox run established: its status, every test's outcome cross-checked
    between the JUnit file and the runner's own records, and the findings (codes decide)."""
    output = result.stderr.decode("utf-8", errors="replace")
    # The output names the random folder; show assessors the canonical paths instead.
    output = output.replace(f"{names.root}/tree/", "").replace(
        names.hidden_dir + "/", HIDDEN_PREFIX
    )
    findings: list[Finding] = []
    status = RunStatus.COMPLETED
    if result.timed_out:
        status = RunStatus.TIMED_OUT
    elif result.oom_killed:
        status = RunStatus.OOM_KILLED
        findings.append(
            Finding(
                code=FindingCode.MEMORY_KILLED,
                message="a process of the run was killed for exceeding the memory limit",
            )
        )
    frames = _frames(result.stdout.decode("utf-8", errors="replace"), names.nonce)
    report: dict[str, Any] | None = None
    if len(frames) > 1:
        findings.append(
            Finding(
                code=FindingCode.MULTIPLE_REPORTS, message="more than one result report was written"
            )
        )
    elif len(frames) == 1:
        try:
            report = _well_formed(json.loads(frames[0]))
        except (json.JSONDecodeError, ValueError) as exc:
            findings.append(
                Finding(
                    code=FindingCode.REPORT_CORRUPTED,
                    message=f"the result report was corrupted: {exc}",
                )
            )
    if report is None:
        if status == RunStatus.COMPLETED:
            status = RunStatus.ENDED_EARLY
            findings.append(
                Finding(
                    code=FindingCode.ENDED_EARLY,
                    message=f"the test process ended before reporting (exit code "
                    f"{result.returncode}): os._exit, a crash or a kill in code under test",
                )
            )
        return TestRun(
            status=status,
            tests={},
            findings=findings,
            void=voids(findings),
            exit_code=-1,
            output=output[-20000:],
        )
    exit_code = int(report.get("exit_code", -1))
    collection_errors: dict[str, str] = {}
    tests = _cross_check(report, names, findings, collection_errors)
    if report.get("error"):
        findings.append(
            Finding(
                code=FindingCode.PYTEST_CRASHED, message=f"pytest did not finish: {report['error']}"
            )
        )
    return TestRun(
        status=status,
        tests=tests,
        findings=findings,
        void=voids(findings),
        exit_code=exit_code,
        output=output[-20000:],
        collection_errors=collection_errors,
    )


def _well_formed(report: object) -> dict[str, Any]:
    """The runner's report, or ValueError when it is not the shape the runner writes: candidate
    code shares the runner's process and can frame a report of its own."""
    if not isinstance(report, dict):
        raise ValueError("not an object")
    kinds = {"exit_code": int, "findings": list, "junit": str, "reports": dict}
    for key, kind in kinds.items():
        if key in report and (not isinstance(report[key], kind) or isinstance(report[key], bool)):
            raise ValueError(f"{key} is not {kind.__name__}")
    if report.get("error") is not None and not isinstance(report["error"], str):
        raise ValueError("error is not a string")
    for nodeid, phases in report.get("reports", {}).items():
        if not isinstance(phases, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in phases.items()
        ):
            raise ValueError(f"the records of {str(nodeid)[:80]} are not phase: outcome")
    return report


def _runner_findings(report: dict[str, Any]) -> list[Finding]:
    """The runner's own findings. A code the runner never writes (an unknown one, or one only
    the host raises) is itself a sign of a forged report."""
    out = []
    for raw in report.get("findings", []):
        try:
            code = FindingCode(raw["code"])
            if code not in RUNNER_CODES:
                raise ValueError(code)
            out.append(Finding(code=code, message=str(raw["message"])))
        except (KeyError, TypeError, ValueError):
            out.append(
                Finding(
                    code=FindingCode.JUNIT_FORGED,
                    message=f"the runner's report holds an unknown finding: {str(raw)[:200]}",
                )
            )
    return out


def _cross_check(
    report: dict[str, Any],
    names: RunNames,
    findings: list[Finding],
    collection_errors: dict[str, str],
) -> dict[str, TestResult]:
    """Outcome per canonical test id from JUnit, checked against the runner's records, the
    canaries and pytest's exit code; adds what it catches to ``findings`` and the modules that
    could not be collected (with pytest's error) to ``collection_errors``."""
    findings.extend(_runner_findings(report))
    guard_reports: dict[str, dict[str, str]] = report.get("reports", {})
    try:
        cases = junit.parse(base64.b64decode(report.get("junit", "")), max_bytes=JUNIT_CAP)
    except (junit.JUnitError, ValueError) as exc:
        cases = []
        findings.append(
            Finding(code=FindingCode.JUNIT_REJECTED, message=f"JUnit results rejected: {exc}")
        )
    by_key = _node_ids_by_junit_key(list(guard_reports))
    tests: dict[str, TestResult] = {}
    seen_guard: set[str] = set()
    for case in cases:
        nodeid = by_key.get((case.classname, case.name))
        if nodeid is None:
            findings.append(
                Finding(
                    code=FindingCode.JUNIT_FORGED,
                    message=f"JUnit lists a test pytest never ran: {case.classname}::{case.name}",
                )
            )
            continue
        seen_guard.add(nodeid)
        name = names.canonical(nodeid)
        if "::" not in nodeid:
            findings.append(
                Finding(
                    code=FindingCode.COLLECTION_ERROR,
                    message=f"collection error in {name}: its tests did not run",
                    subject=name,
                )
            )
            collection_errors[name] = case.message
            continue
        phases = guard_reports[nodeid]
        guard_bad = any(v in ("failed", "xpassed", "skipped", "xfailed") for v in phases.values())
        outcome = case.outcome
        if outcome == Outcome.PASSED and guard_bad:
            findings.append(
                Finding(
                    code=FindingCode.OUTCOME_FORGED,
                    message=f"{name}: JUnit says passed but pytest reported {phases}",
                )
            )
            outcome = Outcome.FAILED
        tests[name] = TestResult(outcome=outcome, message=case.message)
    for nodeid in set(guard_reports) - seen_guard:
        name = names.canonical(nodeid)
        if nodeid.startswith("<") or "::" not in nodeid:
            findings.append(
                Finding(
                    code=FindingCode.COLLECTION_ERROR,
                    message=f"collection error in {name} (not in JUnit)",
                    subject=name,
                )
            )
            continue
        findings.append(
            Finding(
                code=FindingCode.MISSING_FROM_JUNIT, message=f"{name} ran but is missing from JUnit"
            )
        )
        tests[name] = TestResult(outcome=Outcome.MISSING, message="missing from the JUnit report")
    canary = f"{HIDDEN_PREFIX}{names.canary_module}::"
    passed = tests.pop(canary + names.canary_pass, None)
    failed = tests.pop(canary + names.canary_fail, None)
    if (
        passed != TestResult(outcome=Outcome.PASSED, message="")
        or failed is None
        or failed.outcome != Outcome.FAILED
    ):
        findings.append(
            Finding(
                code=FindingCode.CANARY_WRONG,
                message="canary tests had the wrong outcome: the test process "
                "was tampered with; this run's verdicts are void",
            )
        )
    # With a must-fail canary, an honest pytest always exits 1 (tests failed).
    exit_code = int(report.get("exit_code", -1))
    if exit_code != 1:
        findings.append(
            Finding(
                code=FindingCode.EXIT_CODE_MISMATCH,
                message=f"pytest exit code {exit_code} disagrees with the results "
                "(a must-fail canary ran, so it must be 1)",
            )
        )
    return tests
