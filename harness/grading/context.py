"""What a grader sees for one submission, and the selector, limit and mutant rules grading and
``scenario check`` share.

This is the one module grader plugins (``graders/``) import: it re-exports the result types they
build, so a plugin never reaches into the pipeline, the store or a backend. Invariant: hidden
tests reach a sandbox only through :meth:`GradeContext.run`, never a workspace.
"""

from __future__ import annotations

import ast
import difflib
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from harness.backends.base import Backend, Limits
from harness.grading.testrun import HIDDEN_PREFIX, TestResult, TestRun, run_tests
from harness.result import (
    Finding,
    FindingCode,
    HiddenTests,
    ItemKind,
    ItemResult,
    Outcome,
    Regression,
    Review,
    RunStatus,
    Scope,
    Strength,
    TestOutcome,
    Verdict,
)
from harness.scenarios import patches
from harness.scenarios.locations import Location, parse_location
from harness.scenarios.manifest import Flaw, Keep, Manifest, VariableValue
from harness.scenarios.scenario import Scenario
from harness.scenarios.variants import render_file
from harness.workspace.review_notes import ReviewFinding, parse_review

__all__ = [
    "HIDDEN_PREFIX",
    "Finding",
    "FindingCode",
    "GradeContext",
    "GraderOutput",
    "HiddenTests",
    "ItemKind",
    "ItemResult",
    "Location",
    "Lock",
    "Outcome",
    "Regression",
    "Review",
    "ReviewFinding",
    "RunStatus",
    "Scope",
    "Strength",
    "TestOutcome",
    "TestResult",
    "TestRun",
    "Verdict",
    "caught",
    "changed_lines",
    "defined_in",
    "expand",
    "flaw_code_removed",
    "flaw_item",
    "imports_deleted_code",
    "keep_item",
    "limits_for",
    "matches",
    "mutant_trees",
    "parse_location",
    "parse_review",
    "passes_cleanly",
    "regression_tests",
    "selectors_to_run",
    "strength_files",
    "strength_tree",
    "visible_test_files",
]


@dataclass(frozen=True, kw_only=True)
class Lock:
    """What ``scenario check`` recorded (``scenario.lock.json``): the exact test ids a run of
    the scenario must report."""

    tests: tuple[str, ...]
    content_hash: str = ""
    """The scenario content the ids were recorded for."""


@dataclass(frozen=True, kw_only=True)
class GraderOutput:
    """What one grader adds to a result: item verdicts, findings, and its own section."""

    items: tuple[ItemResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    section: HiddenTests | Review | Scope | None = None
    regression: Regression | None = None
    """Only the hidden-tests grader judges regression."""


def limits_for(manifest: Manifest) -> Limits:
    """The sandbox limits of every run of a scenario (grading and ``scenario check`` alike)."""
    rt = manifest.runtime
    return Limits(
        timeout_seconds=rt.timeout_seconds, memory_mb=rt.memory_mb, cpus=rt.cpus, pids=rt.pids
    )


def matches(selector: str, nodeid: str) -> bool:
    """Does pytest node id ``nodeid`` fall under ``selector`` (a node id, file or folder)?"""
    if nodeid == selector:
        return True
    return nodeid.startswith((selector + "::", selector + "[", selector.rstrip("/") + "/"))


def expand(selectors: Sequence[str], known: Sequence[str]) -> list[str]:
    """The known test ids that ``selectors`` select."""
    return sorted({n for n in known for s in selectors if matches(s, n)})


def visible_test_files(selectors: Sequence[str], start: Mapping[str, bytes]) -> list[str]:
    """Repo test files named (directly or by folder) by non-hidden selectors."""
    files = set()
    for selector in selectors:
        if selector.startswith(HIDDEN_PREFIX):
            continue
        path = selector.split("::", 1)[0].rstrip("/")
        for rel in start:
            name = rel.rsplit("/", 1)[-1]
            is_test = name.endswith(".py") and (
                name.startswith("test_") or name.endswith("_test.py")
            )
            if rel == path or (is_test and rel.startswith(path + "/")):
                files.add(rel)
    return sorted(files)


def selectors_to_run(manifest: Manifest, start: Mapping[str, bytes]) -> list[str]:
    """What to hand pytest: hidden selectors as written, visible ones as explicit files."""
    selectors = manifest.hidden_test_selectors()
    hidden = [s for s in selectors if s.startswith(HIDDEN_PREFIX)]
    return hidden + visible_test_files(selectors, start)


def flaw_code_removed(
    start: Mapping[str, bytes], graded: Mapping[str, bytes], locations: Sequence[str]
) -> bool:
    """Did the change delete every non-blank line of every one of the flaw's locations?"""
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


def mutant_trees(
    scenario: Scenario,
    values: Mapping[str, VariableValue],
    flaw: Flaw,
    reference: Mapping[str, bytes],
) -> Iterator[tuple[str, dict[str, bytes]]]:
    """(mutant file, the reference tree with that mutant applied) for each of a test-strength
    flaw's mutants: known-bad code the tests under judgment must catch."""
    for mutant in flaw.mutants:
        yield (
            mutant,
            patches.apply(dict(reference), render_file(scenario, mutant, values), source=mutant),
        )


def flaw_item(
    flaw: Flaw,
    verdict: Verdict,
    tests: Sequence[str] = (),
    strength: Strength | None = None,
) -> ItemResult:
    """A flaw's verdict, carrying what the manifest says of the flaw (title, category, weight)."""
    return ItemResult(
        id=flaw.id,
        kind=ItemKind.FLAW,
        title=flaw.title,
        category=flaw.category.value,
        severity=flaw.severity,
        verdict=verdict,
        tests=tuple(tests),
        strength=strength,
    )


def keep_item(keep: Keep, verdict: Verdict, tests: Sequence[str] = ()) -> ItemResult:
    """A keep's verdict."""
    return ItemResult(
        id=keep.id, kind=ItemKind.KEEP, title=keep.title, verdict=verdict, tests=tuple(tests)
    )


def strength_files(flaw: Flaw) -> list[str]:
    """The test files a test-strength flaw judges (its selectors' files)."""
    return list(dict.fromkeys(s.split("::", 1)[0] for s in flaw.tests))


def strength_tree(
    base: Mapping[str, bytes], files: Sequence[str], theirs: Mapping[str, bytes]
) -> dict[str, bytes]:
    """The tree tests under judgment run on: ``base`` (the reference, or a mutant of it) without
    the flaw's test files, with ``theirs`` in their place — the reference's own strong tests
    never stand in for files the tests under judgment lack."""
    return {**{k: v for k, v in base.items() if k not in files}, **theirs}


def passes_cleanly(run: TestRun) -> bool:
    """The run completed, was not tampered with, ran tests, and every one of them passed."""
    return (
        run.status == RunStatus.COMPLETED
        and not run.void
        and bool(run.tests)
        and all(r.outcome == Outcome.PASSED for r in run.tests.values())
    )


def caught(run: TestRun) -> bool:
    """Did the tests catch known-bad code? Any test not passing, a run that did not complete or
    ran no test counts; a tampered (void) run never does."""
    failed = (
        run.status != RunStatus.COMPLETED
        or not run.tests
        or any(r.outcome != Outcome.PASSED for r in run.tests.values())
    )
    return failed and not run.void


def regression_tests(
    manifest: Manifest, known: Sequence[str], pre_ai: Mapping[str, bytes]
) -> list[str]:
    """The regression tests among ``known``: behaviour that worked before the AI change. Hidden
    regression tests always are; a visible one only if the repo before the AI change defined it
    (tests the AI added are judged through keeps, so a submission that drops them is not charged
    twice)."""
    return [
        n
        for n in expand(manifest.regression.tests, known)
        if n.startswith(HIDDEN_PREFIX) or defined_in(n, pre_ai)
    ]


def defined_in(nodeid: str, tree: Mapping[str, bytes]) -> bool:
    """Does ``tree`` define the test ``nodeid`` names (its file, class and function)? A file
    that does not parse counts as defining every test of it."""
    path, _, rest = nodeid.partition("::")
    source = tree.get(path)
    if source is None:
        return False
    try:
        with _AST_LOCK:
            body: list[ast.stmt] = ast.parse(source).body
    except (SyntaxError, ValueError):
        return True
    *classes, function = rest.split("::") if rest else [""]
    function = function.split("[", 1)[0]
    for name in classes:
        found = [n for n in body if isinstance(n, ast.ClassDef) and n.name == name]
        if not found:
            return False
        body = found[0].body
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == function for n in body
    )


#: ast.parse is not safe to call from several threads at once on CPython 3.11 (it fails with
#: "SystemError: AST constructor recursion depth mismatch"), and grade_batch grades in threads.
_AST_LOCK = threading.Lock()

_NO_MODULE = re.compile(r"No module named '([\w.]+)'")


def imports_deleted_code(
    error: str, start: Mapping[str, bytes], graded: Mapping[str, bytes]
) -> str | None:
    """The module a collection error could not import, when the submission deleted it (pytest's
    ``ModuleNotFoundError`` text names it); None otherwise."""
    match = _NO_MODULE.search(error)
    if match is None:
        return None
    parts = match.group(1).split(".")
    for depth in range(len(parts), 0, -1):
        stem = "/".join(parts[:depth])
        for root in ("", "src/"):
            for path in (f"{root}{stem}.py", f"{root}{stem}/__init__.py"):
                if path in start and path not in graded:
                    return match.group(1)
    return None


def changed_lines(diff: str, *, source: str) -> dict[str, int]:
    """Lines added plus removed per file of a unified diff."""
    return {c.path: c.added_lines + c.removed_lines for c in patches.parse(diff, source=source)}


@dataclass(kw_only=True)
class GradeContext:
    """What every grader sees for one submission."""

    scenario: Scenario
    values: Mapping[str, VariableValue]
    backend: Backend
    image: str
    python: str
    start: dict[str, bytes]
    """The tree the engineer received: the repo with the AI change."""
    graded: dict[str, bytes]
    """The tree hidden tests run on: the submission with visible tests restored to the start."""
    submitted: dict[str, bytes]
    """The tree exactly as submitted (the engineer's own tests included)."""
    reference: dict[str, bytes]
    hidden: dict[str, bytes]
    applicable_diff: str
    reference_diff: str
    review_text: str
    pre_ai: dict[str, bytes] = field(default_factory=dict)
    """The repo before the AI change (what regression means: what worked then)."""
    submit_findings: tuple[Finding, ...] = ()
    """What submit refused to apply (protected paths, escapes, symlinks, binaries)."""
    reruns: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    lock: Lock | None = None
    runs: list[TestRun] = field(default_factory=list)

    @property
    def manifest(self) -> Manifest:
        return self.scenario.manifest

    def limits(self) -> Limits:
        return limits_for(self.manifest)

    def hidden_selectors(self) -> list[str]:
        return self.manifest.hidden_test_selectors()

    def selectors_to_run(self) -> list[str]:
        return selectors_to_run(self.manifest, self.start)

    def expected_tests(self) -> list[str] | None:
        """The exact test ids ``scenario check`` recorded in the lock, if it did."""
        return list(self.lock.tests) if self.lock else None

    def mutant_trees(self, flaw: Flaw) -> Iterator[tuple[str, dict[str, bytes]]]:
        return mutant_trees(self.scenario, self.values, flaw, self.reference)

    def run(
        self,
        selectors: Sequence[str],
        *,
        tree: Mapping[str, bytes] | None = None,
        hidden: Mapping[str, bytes] | None = None,
    ) -> TestRun:
        """Run ``selectors`` in a fresh sandbox on ``tree`` (default: the graded tree) with
        ``hidden`` (default: the hidden suites); every run is kept in :attr:`runs`."""
        result = run_tests(
            self.backend,
            image=self.image,
            python=self.python,
            tree=self.graded if tree is None else tree,
            hidden=self.hidden if hidden is None else hidden,
            selectors=list(selectors),
            limits=self.limits(),
            labels=self.labels,
            test_timeout=self.manifest.runtime.test_timeout_seconds,
        )
        self.runs.append(result)
        return result
