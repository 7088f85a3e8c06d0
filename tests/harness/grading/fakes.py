"""A backend that needs no Docker: each sandbox plays back a scripted run of the runner.

:class:`FakeBackend` hands out one :class:`FakeSandbox` per run, each with the next
:class:`Script`. The sandbox keeps the payload ``run_tests`` copied in, reads ``lib/config.json``
from it (named by the spec's command, as the runner reads ``sys.argv[1]``) for the nonce and the
selectors, and runs the canary module it finds there to learn which canary must pass. On ``run()``
it answers with the report the real runner would frame on its saved stdout: the runner's own
per-phase records, runner findings, pytest's exit code and a JUnit file written the way pytest's
``junitxml`` (xunit1) writes one — names mangled by pytest's own ``mangle_test_address`` on the
*real* node ids (random hidden folder included), never by the code under test.

Like pytest, a sandbox runs only the scripted tests whose files are in the payload and selected;
a selected file that is not in the payload is a usage error (exit 4, nothing runs). Knobs on the
script break the run the ways candidates and infrastructure do. :func:`context` assembles a real
:class:`GradeContext` on such a backend, so graders run through ``ctx.run`` → ``run_tests`` →
the fake. Imported as ``fakes`` (pytest puts this folder on ``sys.path`` for its own tests;
``tests/graders/conftest.py`` adds it for the graders').
"""

from __future__ import annotations

import base64
import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from _pytest.junitxml import mangle_test_address

from harness import result
from harness.backends.base import (
    Backend,
    ExecResult,
    Image,
    ImageRecipe,
    Sandbox,
    SandboxSpec,
    Watch,
)
from harness.errors import InfraError
from harness.grading.context import GradeContext, Lock
from harness.grading.pipeline import build_context
from harness.scenarios.scenario import Scenario
from harness.scenarios.variants import default_seed
from harness.store import Submission

HIDDEN = "hidden/"

#: The codes the in-container runner writes (the first group of FindingCode).
RUNNER_CODES = tuple(sorted(result.RUNNER_CODES))

#: What the runner's Guard records per phase for each outcome pytest can give a test.
_PHASES: dict[str, dict[str, str]] = {
    "passed": {"setup": "passed", "call": "passed", "teardown": "passed"},
    "failed": {"setup": "passed", "call": "failed", "teardown": "passed"},
    "error": {"setup": "failed", "teardown": "passed"},
    "skipped": {"setup": "skipped", "teardown": "passed"},
    "xfailed": {"setup": "passed", "call": "xfailed", "teardown": "passed"},
}


@dataclass(frozen=True, kw_only=True)
class Script:
    """One run of the in-container runner, as a test wants it to have gone."""

    tests: Mapping[str, str] = field(default_factory=dict)
    """Canonical test id (``hidden/test_x.py::test_y``, ``tests/test_z.py::test_w``) → what pytest
    did: ``passed``, ``failed``, ``error`` (in setup), ``skipped`` or ``xfailed``."""
    junit_says: Mapping[str, str] = field(default_factory=dict)
    """Canonical id → the outcome the JUnit file claims instead (the runner's records still say
    what ``tests`` says): a rewritten JUnit file."""
    forged_junit: tuple[str, ...] = ()
    """Canonical ids JUnit lists as passed although pytest never ran them."""
    left_out_of_junit: tuple[str, ...] = ()
    """Canonical ids pytest ran (the runner recorded them) that the JUnit file leaves out."""
    collection_errors: tuple[str, ...] = ()
    missing_module: str = "nowhere"
    """The module a collection error says it could not import."""
    """Canonical module paths that fail to import: pytest runs none of their tests."""
    canaries: tuple[str, str] = ("passed", "failed")
    """Outcomes of the must-pass and the must-fail canary."""
    exit_code: int | None = None
    """pytest's exit code; by default the one pytest would give (1: a test failed)."""
    findings: tuple[Mapping[str, Any], ...] = ()
    """The runner's own findings, as it writes them: ``{"code": …, "message": …}``."""
    error: str | None = None
    """pytest itself raised (the runner's ``error``)."""
    reports: int | None = None
    """Framed reports on stdout: 0 (the process ended early), 1, or 2. Default: 1, or 0 when
    the run timed out or was OOM-killed."""
    body: str | None = None
    """The frame's text instead of the runner's JSON (a corrupted or hand-made report)."""
    junit: bytes | None = None
    """The JUnit file's bytes instead of the ones pytest would write."""
    timed_out: bool = False
    oom_killed: bool = False
    hangs: str = ""
    """Canonical id of a test (or ``hidden/…py`` module, while importing) that never ends: the
    run says it started and then says nothing more until the host's watch stops it."""
    ends_process_in: str = ""
    """Canonical id of a test during which the test process ends (os._exit, a kill): the run
    says the test started and then stops without a report."""
    infra: Literal["", "sandbox", "write", "run"] = ""
    """Raise InfraError when the sandbox is made, when files go in, or when it runs."""

    def __post_init__(self) -> None:
        outcomes = [*self.tests.values(), *self.junit_says.values(), *self.canaries]
        unknown = sorted(set(outcomes) - set(_PHASES))
        assert not unknown, f"no such outcome {unknown}; use one of {sorted(_PHASES)}"


def report_json(
    exit_code: int,
    reports: Mapping[str, Mapping[str, str]],
    junit: bytes,
    *,
    findings: Sequence[Mapping[str, Any]] = (),
    error: str | None = None,
) -> str:
    """The runner's report, as ``dsim_runner.main`` serialises it."""
    return json.dumps(
        {
            "exit_code": exit_code,
            "error": error,
            "reports": reports,
            "findings": list(findings),
            "junit": base64.b64encode(junit).decode(),
        }
    )


def frame(nonce: str, body: str) -> str:
    return f"\n{nonce}-BEGIN\n{body}\n{nonce}-END\n"


class JUnitFile:
    """A JUnit document built like pytest's ``LogXML`` (xunit1) builds one."""

    def __init__(self) -> None:
        self._cases: list[ET.Element] = []

    def add(self, nodeid: str, outcome: str, *, line: int = 0, missing: str = "nowhere") -> None:
        names = mangle_test_address(nodeid)
        case = ET.Element(
            "testcase",
            classname=".".join(names[:-1]),
            name=names[-1],
            file=nodeid.split("::", 1)[0],
            line=str(line),
            time="0.001",
        )
        if outcome == "failed":
            ET.SubElement(
                case, "failure", message="AssertionError: assert False"
            ).text = "def test():\n>       assert False\nE       assert False"
        elif outcome == "error":
            ET.SubElement(
                case, "error", message='failed on setup with "RuntimeError: boom"'
            ).text = "RuntimeError: boom"
        elif outcome == "skipped":
            ET.SubElement(
                case, "skipped", type="pytest.skip", message="not here"
            ).text = f"{nodeid.split('::', 1)[0]}:{line}: not here"
        elif outcome == "xfailed":
            ET.SubElement(case, "skipped", type="pytest.xfail", message="known")
        elif outcome == "collection-error":
            ET.SubElement(case, "error", message="collection failure").text = (
                "ImportError while importing test module\n"
                f"E   ModuleNotFoundError: No module named '{missing}'"
            )
        elif outcome != "passed":
            raise ValueError(f"no JUnit form for outcome {outcome!r}")
        self._cases.append(case)

    def bytes(self) -> bytes:
        def count(tag: str) -> int:
            return sum(c.find(tag) is not None for c in self._cases)

        suites = ET.Element("testsuites", name="pytest tests")
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="pytest",
            errors=str(count("error")),
            failures=str(count("failure")),
            skipped=str(count("skipped")),
            tests=str(len(self._cases)),
            time="0.031",
            timestamp="2026-11-25T19:39:05.000958+00:00",
            hostname="fake",
        )
        suite.extend(self._cases)
        return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
            suites, encoding="utf-8", xml_declaration=False
        )


class FakeSandbox(Sandbox):
    """One scripted run. After it, ``payload``, ``config`` and the run's names are readable."""

    def __init__(self, spec: SandboxSpec, script: Script, *, root: str, isolated: bool) -> None:
        self.spec = spec
        self.script = script
        self.root = root
        self.isolated = isolated
        self.payload: dict[str, bytes] = {}
        self.config: dict[str, Any] = {}
        self.started = False
        self.cleaned = False

    # -- what the run was given --------------------------------------------------------------

    def write_files(self, files: Mapping[str, bytes], dest: str) -> None:
        assert dest == "", "run_tests copies its whole payload to the sandbox's root"
        if self.script.infra == "write":
            raise InfraError("the engine refused the archive (scripted)")
        self.payload.update(files)
        self.config = json.loads(self.payload[self.spec.command[-1]])

    @property
    def tree(self) -> dict[str, bytes]:
        """The candidate tree and hidden suites as pytest sees them (relative to its rootdir)."""
        return {k[len("tree/") :]: v for k, v in self.payload.items() if k.startswith("tree/")}

    @property
    def selected(self) -> list[str]:
        """The config's selectors, relative to the tree (pytest's rootdir)."""
        prefix = self.config["tree"] + "/"
        assert all(s.startswith(prefix) for s in self.config["selectors"])
        return [s[len(prefix) :] for s in self.config["selectors"]]

    @property
    def canary_path(self) -> str:
        """The canary module: run_tests selects it last, inside the hidden folder."""
        return self.selected[-1]

    @property
    def hidden_dir(self) -> str:
        return self.canary_path.split("/", 1)[0]

    def canaries(self) -> tuple[str, str]:
        """(must-pass, must-fail) canary test names, found by running the canary module."""
        namespace: dict[str, Any] = {}
        exec(compile(self.tree[self.canary_path], self.canary_path, "exec"), namespace)  # noqa: S102
        outcomes: dict[bool, str] = {}
        for name, fn in namespace.items():
            if name.startswith("test_") and callable(fn):
                try:
                    fn()
                    outcomes[True] = name
                except AssertionError:
                    outcomes[False] = name
        return outcomes[True], outcomes[False]

    def real(self, canonical: str) -> str:
        """The node id pytest reports for a canonical id (``hidden/`` → the random folder)."""
        if canonical.startswith(HIDDEN):
            return f"{self.hidden_dir}/{canonical[len(HIDDEN) :]}"
        return canonical

    # -- the run -------------------------------------------------------------------------------

    def start(self) -> None:
        self.started = True

    def exec(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        env: Mapping[str, str] | None = None,
        watch: Watch | None = None,
    ) -> ExecResult:
        assert tuple(argv) == self.spec.command, "run_tests runs the spec's command only"
        assert timeout > 0
        script = self.script
        if script.infra == "run":
            raise InfraError("the engine went away during the run (scripted)")
        self.watch = watch
        if script.hangs or script.ends_process_in:
            return self._stuck(watch, timeout)
        reports, junit, exit_code, output = self._play()
        count = (
            script.reports
            if script.reports is not None
            else (0 if script.timed_out or script.oom_killed else 1)
        )
        body = (
            script.body
            if script.body is not None
            else report_json(
                exit_code if script.exit_code is None else script.exit_code,
                reports,
                junit if script.junit is None else script.junit,
                findings=script.findings,
                error=script.error,
            )
        )
        stdout = frame(self.config["nonce"], body) * count
        return ExecResult(
            returncode=0 if count else 137,
            stdout=stdout.encode(),
            stderr=output.encode(),
            duration=0.01,
            timed_out=script.timed_out,
            oom_killed=script.oom_killed,
        )

    def _stuck(self, watch: Watch | None, timeout: float) -> ExecResult:
        """The run says a test started and never says more: the watch stops it (waiting for its
        deadline, which tests make short), or it times out; or the process ends there."""
        nodeid = self.real(self.script.hangs or self.script.ends_process_in)
        kind = "S" if "::" in nodeid else "C"
        progress = f"\n{self.config['nonce']}-P {kind} {nodeid}\n".encode()
        if watch is not None:
            watch.feed(progress)
        if self.script.ends_process_in:
            return ExecResult(returncode=137, stdout=progress, stderr=b"", duration=0.01)
        ends = time.monotonic() + min(timeout, 5.0)
        while watch is not None and time.monotonic() < ends:
            deadline = watch.deadline()
            if deadline is not None and deadline <= time.monotonic():
                return ExecResult(
                    returncode=-9, stdout=progress, stderr=b"", duration=0.01, stopped=True
                )
            time.sleep(0.005)
        return ExecResult(
            returncode=-9, stdout=progress, stderr=b"", duration=timeout, timed_out=True
        )

    @property
    def skipped(self) -> set[str]:
        """Real node ids the host asked the run to leave out (stopped in an earlier run)."""
        return set(self.config.get("skip", []))

    def _exists(self, path: str) -> bool:
        """A file or folder of the tree (what pytest would find at a selector)."""
        return path in self.tree or any(p.startswith(path.rstrip("/") + "/") for p in self.tree)

    def _is_selected(self, path: str) -> bool:
        return path in self.tree and any(
            path == s or path.startswith(s.rstrip("/") + "/") for s in self.selected
        )

    def _play(self) -> tuple[dict[str, dict[str, str]], bytes, int, str]:
        """What the runner would record, write to JUnit and exit with, and pytest's output."""
        script = self.script
        reports: dict[str, dict[str, str]] = {}
        junit = JUnitFile()
        lines: list[str] = []
        if not all(self._exists(s) for s in self.selected):
            return reports, junit.bytes(), 4, "ERROR: file or directory not found\n"
        broken = {self.real(m) for m in script.collection_errors}
        for module in sorted(broken):
            if self._is_selected(module):
                reports[module] = {"collect": "failed"}
                junit.add(module, "collection-error", missing=script.missing_module)
                lines.append(f"ERROR {module} - ModuleNotFoundError")
        must_pass, must_fail = self.canaries()
        canary = f"{HIDDEN}{self.canary_path.split('/', 1)[1]}"
        planned = {
            **script.tests,
            f"{canary}::{must_pass}": script.canaries[0],
            f"{canary}::{must_fail}": script.canaries[1],
        }
        for line, (canonical, outcome) in enumerate(planned.items(), start=1):
            nodeid = self.real(canonical)
            path = nodeid.split("::", 1)[0]
            if path in broken or not self._is_selected(path) or nodeid in self.skipped:
                continue
            reports[nodeid] = dict(_PHASES[outcome])
            if canonical not in script.left_out_of_junit:
                junit.add(nodeid, script.junit_says.get(canonical, outcome), line=line)
            if outcome in ("failed", "error"):
                lines.append(
                    f"{outcome.upper()} {nodeid}\n"
                    f"{self.config['tree']}/{path}:{line}: AssertionError"
                )
        for canonical in script.forged_junit:
            junit.add(self.real(canonical), "passed")
        ran = [planned[c] for c in planned if self.real(c) in reports]
        failed = any(reports[n].get("collect") for n in reports) or any(
            o in ("failed", "error") for o in ran
        )
        exit_code = 1 if failed else (0 if reports else 5)
        return reports, junit.bytes(), exit_code, "\n".join(lines) + "\n"

    def read_file(self, path: str, max_bytes: int) -> bytes:
        raise AssertionError("run_tests reads results from the framed report only")

    def cleanup(self) -> None:
        self.cleaned = True


class FakeBackend(Backend):
    """Hands out one :class:`FakeSandbox` per run, playing ``scripts`` in order. Asking for more
    runs than were scripted fails the test (an unexpected re-run is a finding too)."""

    name = "fake"
    python = "python3"

    def __init__(self, *scripts: Script, isolated: bool = False) -> None:
        self.isolated = isolated
        self.scripts = list(scripts)
        self.sandboxes: list[FakeSandbox] = []

    @property
    def last(self) -> FakeSandbox:
        return self.sandboxes[-1]

    def sandbox(self, spec: SandboxSpec) -> FakeSandbox:
        number = len(self.sandboxes)
        assert number < len(self.scripts), (
            f"run {number + 1} was asked for; only {len(self.scripts)} were scripted"
        )
        script = self.scripts[number]
        box = FakeSandbox(spec, script, root=f"/fake/box-{number}", isolated=self.isolated)
        self.sandboxes.append(box)
        if script.infra == "sandbox":
            raise InfraError("Docker engine not reachable (scripted)")
        return box

    def image_for(self, recipe: ImageRecipe) -> Image:
        return Image(tag="", python=self.python)

    def remove_live(self) -> int:
        return 0

    def remove_leftovers(self) -> int:
        return 0


def submission(
    scenario: Scenario, *, diff: str = "", review: str = "", candidate: str = "ada"
) -> Submission:
    """An unsaved submission row, as ``dsim submit`` would store it."""
    return Submission(
        id=f"sub-{candidate}",
        candidate=candidate,
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        scenario_ref=scenario.ref,
        seed=default_seed(candidate, scenario.id),
        diff=diff,
        review=review,
        content_hash="0" * 64,
        source="patch",
        findings=[],
    )


def context(
    scenario: Scenario,
    backend: Backend,
    *,
    diff: str = "",
    review: str = "",
    reruns: int = 0,
    lock: Sequence[str] | None = None,
) -> GradeContext:
    """The context grading builds for a submission of ``diff`` and ``review`` (the pipeline's
    own assembly), with ``lock`` as the test ids ``scenario check`` recorded."""
    ctx, _notes = build_context(
        scenario, submission(scenario, diff=diff, review=review), backend, reruns=reruns
    )
    return ctx if lock is None else replace(ctx, lock=Lock(tests=tuple(lock)))
