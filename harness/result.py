"""The grading result: one typed value from the grader that makes it to the report that shows it.

Invariants:
- every stage builds and reads these frozen objects; a ``dict`` appears only at the storage edge,
  where :func:`dump_result` writes JSON carrying :data:`SCHEMA` and :func:`load_result` reads it
  back (upgrading the untyped results of dsim 0.1.0, schema 1, on the way);
- decisions use codes, never wording: whether a finding voids a run, is an integrity finding or
  only a note is a property of its :class:`FindingCode` (:data:`DISPOSITION`), so rewording a
  message changes no verdict.

Imports nothing of dsim but the error tree: the store serialises these objects and every stage
above it reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from harness.errors import InvalidInput

if TYPE_CHECKING:
    from pydantic import TypeAdapter

#: Version of the stored result JSON. 1: the untyped dicts of dsim 0.1.0 (no ``schema`` key).
SCHEMA = 2


class Outcome(StrEnum):
    """What happened to one test."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    MISSING = "missing"
    TIMEOUT = "timeout"


class RunStatus(StrEnum):
    """How one sandbox run ended, keeping infrastructure apart from the candidate."""

    COMPLETED = "completed"
    TIMED_OUT = "timed_out"
    OOM_KILLED = "oom_killed"
    ENDED_EARLY = "ended_early"
    INFRA_ERROR = "infra_error"


class ResultStatus(StrEnum):
    """How grading one submission ended."""

    GRADED = "graded"
    """The hidden tests ran to completion; the verdicts stand (unless the run is void)."""
    TIMED_OUT = "timed_out"
    OOM_KILLED = "oom_killed"
    ENDED_EARLY = "ended_early"
    ERRORED = "errored"
    """dsim could not grade the submission as stored (a patch that no longer applies, a
    scenario that cannot be found): not scored, shown to the assessor with the reason."""
    INFRA_ERROR = "infra_error"
    """The engine, an image or the harness itself failed: never scored, graded again."""

    @classmethod
    def of_run(cls, status: RunStatus) -> ResultStatus:
        """The submission's status when its hidden-test run ended with ``status``."""
        return cls.GRADED if status == RunStatus.COMPLETED else cls(status.value)

    @property
    def scored(self) -> bool:
        """Does a result with this status count as evidence about the candidate?"""
        return self not in (ResultStatus.ERRORED, ResultStatus.INFRA_ERROR)


class ItemKind(StrEnum):
    FLAW = "flaw"
    KEEP = "keep"


class Verdict(StrEnum):
    """One flaw's or keep's verdict."""

    FIXED = "fixed"
    REMOVED = "removed"
    """The flawed code was deleted rather than fixed: not shipped, not fixed either."""
    NOT_FIXED = "not_fixed"
    KEPT = "kept"
    LOST = "lost"
    FLAKY = "flaky"
    """The item rests on a test that flipped between runs: not scored."""

    @property
    def success(self) -> bool:
        return self in (Verdict.FIXED, Verdict.KEPT)


#: The verdicts an item of each kind can have (an assessor's override picks among these).
VERDICTS: dict[ItemKind, tuple[Verdict, ...]] = {
    ItemKind.FLAW: (Verdict.FIXED, Verdict.REMOVED, Verdict.NOT_FIXED),
    ItemKind.KEEP: (Verdict.KEPT, Verdict.LOST),
}


class Disposition(StrEnum):
    """What a finding means for the run it was found in."""

    VOID = "void"
    """The test process was tampered with: no verdict of the run can be trusted."""
    INTEGRITY = "integrity"
    """Shown to the assessor as an integrity finding; the verdicts stand."""
    NOTE = "note"
    """Informational."""


class FindingCode(StrEnum):
    """Every finding grading can raise. The in-container runner writes the first group."""

    # Raised by the in-container runner (harness/grading/runner/dsim_runner.py).
    INTERNALS_MODIFIED = "internals-modified"
    PLUGIN_REGISTERED = "plugin-registered"
    HOOKS_CHANGED = "hooks-changed"
    ATEXIT_ADDED = "atexit-added"
    SESSION_NOT_STARTED = "session-not-started"
    SESSION_NOT_FINISHED = "session-not-finished"
    THREADS_LEFT_RUNNING = "threads-left-running"
    JUNIT_UNREADABLE = "junit-unreadable"
    # Raised on the host when a run's report is read and cross-checked.
    MULTIPLE_REPORTS = "multiple-reports"
    REPORT_CORRUPTED = "report-corrupted"
    ENDED_EARLY = "ended-early"
    MEMORY_KILLED = "memory-killed"
    PYTEST_CRASHED = "pytest-crashed"
    JUNIT_REJECTED = "junit-rejected"
    JUNIT_FORGED = "junit-forged"
    OUTCOME_FORGED = "outcome-forged"
    COLLECTION_ERROR = "collection-error"
    IMPORTS_DELETED_CODE = "imports-deleted-code"
    """A test module could not be collected because it imports code the submission deleted (a
    revert, say): a consequence of the decision, judged through the items, not an accusation."""
    MISSING_FROM_JUNIT = "missing-from-junit"
    CANARY_WRONG = "canary-wrong"
    EXIT_CODE_MISMATCH = "exit-code-mismatch"
    TEST_TIMED_OUT = "test-timed-out"
    """A test (or the import of a test module) passed the per-test limit; the host's watch
    stopped it and ran the rest."""
    PROCESS_ENDED = "process-ended"
    """The test process ended in the middle of a test (os._exit, a crash, a kill in code under
    test); that test failed and the rest ran in a fresh sandbox."""
    # Raised by graders.
    UNEXPECTED_TEST = "unexpected-test"
    SKIPPED_TEST = "skipped-test"
    # Raised on the submitted diff and tree.
    PROTECTED_PATH = "protected-path"
    PATH_ESCAPE = "path-escape"
    SYMLINK = "symlink"
    BINARY = "binary"
    VISIBLE_TEST_EDITED = "visible-test-edited"
    PATCH_FAILED = "patch-failed"
    # A finding carried over from a result stored by dsim 0.1.0 that no code describes (kept as
    # an integrity finding or a note, as 0.1.0 listed it).
    LEGACY = "legacy"
    LEGACY_NOTE = "legacy-note"

    @property
    def disposition(self) -> Disposition:
        return DISPOSITION[self]


#: The codes the in-container runner writes; the host accepts no other code from a report (code
#: under test shares the runner's process and could write one).
RUNNER_CODES = frozenset(
    {
        FindingCode.INTERNALS_MODIFIED,
        FindingCode.PLUGIN_REGISTERED,
        FindingCode.HOOKS_CHANGED,
        FindingCode.ATEXIT_ADDED,
        FindingCode.SESSION_NOT_STARTED,
        FindingCode.SESSION_NOT_FINISHED,
        FindingCode.THREADS_LEFT_RUNNING,
        FindingCode.JUNIT_UNREADABLE,
    }
)

#: What each code means for its run. Voiding is decided here and nowhere else.
DISPOSITION: dict[FindingCode, Disposition] = {
    **{
        code: Disposition.VOID
        for code in (
            FindingCode.INTERNALS_MODIFIED,
            FindingCode.PLUGIN_REGISTERED,
            FindingCode.HOOKS_CHANGED,
            FindingCode.MULTIPLE_REPORTS,
            FindingCode.JUNIT_REJECTED,
            FindingCode.JUNIT_FORGED,
            FindingCode.OUTCOME_FORGED,
            FindingCode.CANARY_WRONG,
            FindingCode.EXIT_CODE_MISMATCH,
        )
    },
    **{
        code: Disposition.INTEGRITY
        for code in (
            FindingCode.SESSION_NOT_STARTED,
            FindingCode.PROCESS_ENDED,
            FindingCode.SESSION_NOT_FINISHED,
            FindingCode.THREADS_LEFT_RUNNING,
            FindingCode.JUNIT_UNREADABLE,
            FindingCode.REPORT_CORRUPTED,
            FindingCode.ENDED_EARLY,
            FindingCode.MEMORY_KILLED,
            FindingCode.PYTEST_CRASHED,
            FindingCode.COLLECTION_ERROR,
            FindingCode.MISSING_FROM_JUNIT,
            FindingCode.UNEXPECTED_TEST,
            FindingCode.SKIPPED_TEST,
            FindingCode.PROTECTED_PATH,
            FindingCode.PATH_ESCAPE,
            FindingCode.SYMLINK,
            FindingCode.BINARY,
            FindingCode.LEGACY,
        )
    },
    **{
        code: Disposition.NOTE
        for code in (
            FindingCode.ATEXIT_ADDED,
            FindingCode.TEST_TIMED_OUT,
            FindingCode.LEGACY_NOTE,
            FindingCode.IMPORTS_DELETED_CODE,
            FindingCode.VISIBLE_TEST_EDITED,
            FindingCode.PATCH_FAILED,
        )
    },
}


@dataclass(frozen=True, kw_only=True)
class Finding:
    """Something grading noticed: a code that decides, a message that explains."""

    code: FindingCode
    message: str
    """For people; never read by code."""
    subject: str = ""
    """The test, test module or path it is about, when there is one (canonical: ``hidden/…``)."""

    @property
    def disposition(self) -> Disposition:
        return self.code.disposition


def voids(findings: tuple[Finding, ...] | list[Finding]) -> bool:
    """Does any of ``findings`` make its run's verdicts untrustworthy?"""
    return any(f.disposition == Disposition.VOID for f in findings)


@dataclass(frozen=True, kw_only=True)
class TestOutcome:
    """One test's outcome in a graded submission (first run; re-runs only decide flakiness)."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    outcome: Outcome
    message: str = ""
    """pytest's failure text (assessors only: it can quote hidden tests)."""
    flaky: bool = False


@dataclass(frozen=True, kw_only=True)
class Strength:
    """Test-strength detail: the engineer's own tests against the reference and known mutants."""

    passes_on_reference: bool
    mutants: dict[str, bool]
    """Mutant file → caught."""


@dataclass(frozen=True, kw_only=True)
class ItemResult:
    """One seeded flaw's or one keep's verdict."""

    id: str
    kind: ItemKind
    title: str = ""
    verdict: Verdict
    tests: tuple[str, ...] = ()
    """The test ids (or, for test-strength, the engineer's test files) that decided it."""
    category: str = ""
    """Flaws: the manifest category (correctness, security, …)."""
    severity: int = 0
    """Flaws: the weight 1..3; keeps: 0."""
    strength: Strength | None = None
    original_verdict: Verdict | None = None
    """Set when an assessor's override replaced the graded verdict (never stored so)."""

    def overridden(self, verdict: Verdict) -> ItemResult:
        """This item with an assessor's verdict, the graded one kept as ``original_verdict``."""
        return replace(self, verdict=verdict, original_verdict=self.verdict)


@dataclass(frozen=True, kw_only=True)
class Regression:
    """Behaviour that worked before and must still work."""

    total: int = 0
    """Regression tests that count (flaky ones left out)."""
    passed: int = 0
    failed: tuple[str, ...] = ()
    flaky: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class HiddenTests:
    """The hidden-tests grader's run: every test's outcome, pytest's output, timings."""

    status: RunStatus
    void: bool
    tests: dict[str, TestOutcome] = field(default_factory=dict)
    runs: int = 1
    output: str = ""
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Review:
    """REVIEW.md findings matched against the seeded flaws' locations."""

    findings: int
    named: dict[str, bool]
    """Flaw id → named by some finding."""
    recall: float
    precision: float
    matched: int
    false_alarms: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Scope:
    """Is the change confined to what the ticket needs?"""

    files_touched: tuple[str, ...]
    outside_needed: tuple[str, ...]
    lines_changed: int
    reference_lines: int
    protected_attempts: int
    in_scope: int
    out_of_scope: int


@dataclass(frozen=True, kw_only=True)
class GradedAgainst:
    """The exact scenario a result was graded against: its content, and the pack that shipped it."""

    scenario: str
    """The scenario id."""
    version: str
    """The scenario's own version (``scenario.toml``)."""
    content_hash: str
    """sha256 over the scenario's files (its lock aside): the content, exactly."""
    pack: str = ""
    """The installed pack (a distribution name; ``dsim`` for the built-in library); empty for a
    folder outside every installed pack."""
    pack_version: str = ""


@dataclass(frozen=True, kw_only=True)
class GradingResult:
    """Everything grading established about one submission."""

    schema: int = SCHEMA
    status: ResultStatus
    void: bool = False
    """No verdict of the hidden-test run can stand — it was tampered with, or it did not complete
    (timeout, memory kill, early end): every item counts as not fixed / lost."""
    items: tuple[ItemResult, ...] = ()
    regression: Regression = field(default_factory=Regression)
    findings: tuple[Finding, ...] = ()
    hidden: HiddenTests | None = None
    review: Review | None = None
    scope: Scope | None = None
    runs: int = 0
    """Sandbox runs it took (re-runs and mutants included)."""
    timings: dict[str, float] = field(default_factory=dict)
    error: str = ""
    """Why an ``errored`` or ``infra_error`` result has no verdicts."""
    graded_against: GradedAgainst | None = None
    """The scenario content and pack it was graded against; None on results stored before packs
    (an optional field: schema 2 reads the same with or without it)."""

    @property
    def integrity(self) -> tuple[Finding, ...]:
        """Findings the assessor must see as integrity findings (void ones included)."""
        return tuple(f for f in self.findings if f.disposition != Disposition.NOTE)

    @property
    def notes(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.disposition == Disposition.NOTE)

    def item(self, item_id: str) -> ItemResult | None:
        return next((i for i in self.items if i.id == item_id), None)

    def summary(self) -> ResultSummary:
        """The part the score rests on (what the store keeps beside the whole result)."""
        return ResultSummary(
            items=tuple(
                ItemSummary(id=i.id, kind=i.kind, severity=i.severity, verdict=i.verdict)
                for i in self.items
            ),
            regression=RegressionTotals(total=self.regression.total, passed=self.regression.passed),
            sections=SummarySections(
                review=None
                if self.review is None
                else ReviewTotals(recall=self.review.recall, precision=self.review.precision),
                scope=None
                if self.scope is None
                else ScopeTotals(
                    in_scope=self.scope.in_scope, out_of_scope=self.scope.out_of_scope
                ),
            ),
        )

    def text(self) -> str:
        """One line for listings: ``1/2 flaws fixed, 1/1 kept, regression 18/18``."""
        if self.error:
            return self.error
        return self.summary().text(integrity=len(self.integrity))


@dataclass(frozen=True, kw_only=True)
class ItemSummary:
    id: str
    kind: ItemKind
    severity: int = 0
    verdict: Verdict
    original_verdict: Verdict | None = None

    def overridden(self, verdict: Verdict) -> ItemSummary:
        return replace(self, verdict=verdict, original_verdict=self.verdict)


@dataclass(frozen=True, kw_only=True)
class RegressionTotals:
    total: int = 0
    passed: int = 0


@dataclass(frozen=True, kw_only=True)
class ReviewTotals:
    recall: float
    precision: float


@dataclass(frozen=True, kw_only=True)
class ScopeTotals:
    in_scope: int
    out_of_scope: int


@dataclass(frozen=True, kw_only=True)
class SummarySections:
    review: ReviewTotals | None = None
    scope: ScopeTotals | None = None


@dataclass(frozen=True, kw_only=True)
class ResultSummary:
    """Item verdicts, regression totals, review and scope counts: a few hundred bytes where the
    whole result is 10-20 KB of tests and output. Stored in the same shape since dsim 0.1.0."""

    items: tuple[ItemSummary, ...] = ()
    regression: RegressionTotals = field(default_factory=RegressionTotals)
    sections: SummarySections = field(default_factory=SummarySections)

    def text(self, *, integrity: int = 0) -> str:
        flaws = [i for i in self.items if i.kind == ItemKind.FLAW]
        keeps = [i for i in self.items if i.kind == ItemKind.KEEP]
        text = (
            f"{sum(i.verdict == Verdict.FIXED for i in flaws)}/{len(flaws)} flaws fixed, "
            f"{sum(i.verdict == Verdict.KEPT for i in keeps)}/{len(keeps)} kept, "
            f"regression {self.regression.passed}/{self.regression.total}"
        )
        if integrity:
            text += f", {integrity} integrity finding(s)"
        return text


# -- the storage edge ---------------------------------------------------------------------------


@cache
def _adapter(kind: type[Any]) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(kind)


def dump_result(result: GradingResult) -> dict[str, Any]:
    """The JSON-able form the store keeps (carries ``schema``)."""
    data: dict[str, Any] = _adapter(GradingResult).dump_python(result, mode="json")
    return data


def load_result(data: dict[str, Any]) -> GradingResult:
    """A stored result, whichever schema wrote it; raises InvalidInput for a malformed one or
    one written by a newer dsim."""
    from pydantic import ValidationError

    schema = data.get("schema", 1)
    if schema == 1:
        from harness._legacy_result import upgrade

        data = upgrade(data)
    elif schema != SCHEMA:
        raise InvalidInput(
            f"a stored result has schema {schema!r}; this dsim reads up to {SCHEMA}",
            hint="grade or import it with a newer dsim",
        )
    try:
        result: GradingResult = _adapter(GradingResult).validate_python(data)
    except ValidationError as exc:
        raise InvalidInput(
            f"a stored result is malformed: {exc.error_count()} problem(s)",
            hint=str(exc).splitlines()[1] if exc.error_count() else "",
        ) from exc
    return result


def dump_summary(summary: ResultSummary) -> dict[str, Any]:
    data: dict[str, Any] = _adapter(ResultSummary).dump_python(
        summary, mode="json", exclude_none=True
    )
    return data


def load_summary(data: dict[str, Any]) -> ResultSummary:
    """A stored summary (the shape has not changed since dsim 0.1.0)."""
    summary: ResultSummary = _adapter(ResultSummary).validate_python(data)
    return summary
