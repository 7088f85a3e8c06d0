"""Submissions: capture an engineer's change, split off what may not be applied, store it.

A submission is a diff against the start tree plus REVIEW.md. Protected paths (outside
``editable``, test-run configuration, escapes) are kept in the stored diff for assessors but never
applied: :func:`split_protected` filters them again at grading time, so a stored finding is advice
to the engineer, not something grading trusts.

What a workspace hands in is decided by git and ``editable``, so clutter is never taken for
tampering:

- every file dsim handed out is captured when changed, whatever the ignore rules say (ignoring a
  file cannot turn it into a deletion); a change to one outside ``editable`` is a protected-path
  finding;
- a new file is captured when it lies inside ``editable``; new files elsewhere (notes, scratch
  scripts, a virtualenv) are :class:`LeftOut`: listed for the engineer, never stored, graded or
  counted against scope;
- files git ignores (the workspace's ``.gitignore``, ``.git/info/exclude``) are never read, and
  the workspace's ``.gitignore`` is the engineer's own to change.

Handing in (:func:`hand_in`) checks REVIEW.md and does not store a change identical to the
candidate's latest submission. Every submission is held to :class:`~harness.config.SubmissionLimits`
(diff size, each added file's size, REVIEW.md size, number of files) before anything is stored:
over any of them it is refused with the numbers, in one line. The candidate is stored by id
(:func:`~harness.store.normalise_candidate`), the name as typed beside it.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.config import SubmissionLimits
from harness.errors import InvalidInput
from harness.result import Finding as ResultFinding
from harness.result import FindingCode
from harness.scenarios import materialize, patches
from harness.scenarios.scenario import (
    WORKSPACE_DOCS,
    Scenario,
    escapes,
    is_editable,
    outside_editable,
    protection_reason,
    resolve,
)
from harness.scenarios.variants import default_seed, draw
from harness.store import (
    Store,
    Submission,
    display_name,
    near_duplicate_warning,
    normalise_candidate,
)
from harness.workspace.review_notes import ReviewCheck, check_review
from harness.workspace.start import GITIGNORE, git, read_marker

#: The workspace's ignore rules. They decide what is handed in, never what is graded, so changing
#: them is the engineer's business: a change to them is left out, not a protected-path finding.
IGNORE_FILE = GITIGNORE


@dataclass(frozen=True, kw_only=True)
class Finding:
    """Something about a submission an assessor must see (tampering, protected paths)."""

    kind: FindingCode
    """What was refused: protected-path, path-escape, symlink or binary."""
    detail: str
    """One sentence for humans."""
    path: str = ""

    def as_dict(self) -> dict[str, str]:
        return {**asdict(self), "kind": self.kind.value}

    def as_finding(self) -> ResultFinding:
        """The same finding as grading reports it."""
        return ResultFinding(code=self.kind, message=self.detail)


@dataclass(frozen=True, kw_only=True)
class LeftOut:
    """Files in a workspace that are not part of its submission: clutter, not tampering."""

    path: str
    """A file, or a folder (ending in ``/``) when nothing below it is part of the submission."""
    files: int = 1
    """How many files that is."""
    reason: str
    """Why they were left out, in words."""


@dataclass(frozen=True, kw_only=True)
class Capture:
    """A workspace's change against its start, and what was left out of it."""

    diff: str
    left_out: tuple[LeftOut, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Receipt:
    """What handing in a change did, and everything the engineer must be told about it."""

    submission: Submission
    """The stored submission; with ``duplicate``, the earlier one this repeats."""
    duplicate: bool = False
    """The change and review are those of the candidate's latest submission: nothing stored."""
    findings: tuple[Finding, ...] = ()
    """Protected paths the change touches (stored for the assessor, never applied)."""
    left_out: tuple[LeftOut, ...] = ()
    review: ReviewCheck
    """What REVIEW.md says, and the lines that look like findings but do not parse."""
    warnings: tuple[str, ...] = ()
    """A candidate named with ``--patch --candidate`` that is new but near an existing id."""


def split_protected(scenario: Scenario, diff: str) -> tuple[str, list[Finding]]:
    """Return (the part of ``diff`` that may be applied, findings for the rest)."""
    kept: list[str] = []
    findings: list[Finding] = []
    for change in patches.parse(diff, source="submission"):
        if change.binary:
            findings.append(
                Finding(
                    kind=FindingCode.BINARY,
                    path=change.path,
                    detail=f"{change.path} is a binary change and was not applied",
                )
            )
            continue
        if change.symlink:
            findings.append(
                Finding(
                    kind=FindingCode.SYMLINK,
                    path=change.path,
                    detail=f"{change.path} is a symlink and was not applied",
                )
            )
            continue
        reason = protection_reason(change.path, scenario.manifest.editable)
        if reason:
            kind = FindingCode.PATH_ESCAPE if escapes(change.path) else FindingCode.PROTECTED_PATH
            findings.append(
                Finding(kind=kind, path=change.path, detail=f"{change.path}: {reason}; not applied")
            )
            continue
        if change.path in WORKSPACE_DOCS:
            continue
        kept.append(change.text)
    return "".join(kept), findings


def refuse_binaries(diff: str, *, source: str) -> None:
    """A diff that carries a binary file is refused before anything is stored (InvalidInput
    naming the files): from a patch file, an upload or the API alike."""
    binaries = [c.path for c in patches.parse(diff, source=source) if c.binary]
    if binaries:
        raise InvalidInput(
            "binary files cannot be submitted",
            problems=binaries,
            hint="remove them from the diff or make them text",
        )


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.2f} MB"


def check_limits(diff: str, review_text: str, limits: SubmissionLimits | None = None) -> None:
    """Refuse a submission over any limit, naming every number in one line.

    ``limits`` defaults to :meth:`SubmissionLimits.from_env`.

    Raises:
        InvalidInput: over a limit, or a DSIM_MAX_* setting is malformed.
    """
    try:
        limits = limits or SubmissionLimits.from_env()
    except ValueError as exc:
        raise InvalidInput(f"bad submission limits: {exc}") from exc
    over = []
    size = len(diff.encode())
    if size > limits.diff_kb * 1024:
        over.append(f"the diff is {_kb(size)} (limit {limits.diff_kb} KB, DSIM_MAX_DIFF_KB)")
    changes = patches.parse(diff, source="submission")
    if len(changes) > limits.files:
        over.append(f"it touches {len(changes)} files (limit {limits.files}, DSIM_MAX_FILES)")
    for change in changes:
        if not change.added:
            continue
        added = sum(
            len(line.encode()) - 1
            for line in change.text.splitlines(keepends=True)
            if line.startswith("+") and not line.startswith("+++ ")
        )
        if added > limits.file_kb * 1024:
            over.append(
                f"new file {change.path} is {_kb(added)} (limit {limits.file_kb} KB, "
                "DSIM_MAX_FILE_KB)"
            )
    review = len(review_text.encode())
    if review > limits.review_kb * 1024:
        over.append(f"REVIEW.md is {_kb(review)} (limit {limits.review_kb} KB, DSIM_MAX_REVIEW_KB)")
    if over:
        raise InvalidInput(
            "submission too large, nothing was stored: " + "; ".join(over),
            hint="leave generated or vendored files out (add them to .gitignore) and keep "
            "REVIEW.md to the findings",
        )


def content_hash(diff: str, review_text: str) -> str:
    return hashlib.sha256(diff.encode() + b"\0" + review_text.encode()).hexdigest()


class _Index:
    """git on a throwaway index that starts as the workspace's start: the engineer's own index,
    branches and history are never touched, and every file dsim handed out stays tracked, so its
    changes are taken even where an ignore rule matches it."""

    def __init__(self, directory: Path, base_commit: str, scratch: Path) -> None:
        self.directory = directory
        self.base_commit = base_commit
        self.scratch = scratch
        # The workspace is the candidate's: its replace refs and its config must not shape what
        # is captured (a replaced base would hide edits to protected files from the assessor).
        self.env = {"GIT_INDEX_FILE": str(scratch / "index"), "GIT_NO_REPLACE_OBJECTS": "1"}
        self.git("read-tree", base_commit)
        self.git("add", "--update", "--", ".")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        return git(
            self.directory, "-c", "core.fsmonitor=false", *args, env={**self.env, **(env or {})}
        )

    def untracked(self, *options: str) -> list[str]:
        """Files neither in the index nor ignored (``options`` for ``git ls-files``)."""
        listing = self.git("ls-files", "-z", "--others", "--exclude-standard", *options)
        return [path for path in listing.split("\0") if path]

    def add(self, paths: list[str]) -> None:
        if not paths:
            return
        pathspec = self.scratch / "pathspec"
        pathspec.write_bytes(b"\0".join(p.encode() for p in paths))
        self.git(
            "add",
            f"--pathspec-from-file={pathspec}",
            "--pathspec-file-nul",
            env={"GIT_LITERAL_PATHSPECS": "1"},
        )

    def diff(
        self, *options: str, paths: tuple[str, ...] = (".",), skip: tuple[str, ...] = ()
    ) -> str:
        excludes = [f":(exclude){name}" for name in skip]
        return self.git(
            "diff",
            "--cached",
            "--no-renames",
            "--no-textconv",
            "--no-ext-diff",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            *options,
            self.base_commit,
            "--",
            *paths,
            *excludes,
        )


def capture_workspace(directory: Path, base_commit: str, editable: tuple[str, ...]) -> Capture:
    """The change in ``directory`` (committed or not, new files too) against ``base_commit``.

    Raises InvalidInput naming the binary files among what would be submitted.
    """
    rules_are_yours = protection_reason(IGNORE_FILE, editable) is not None
    skip = (*WORKSPACE_DOCS, IGNORE_FILE) if rules_are_yours else WORKSPACE_DOCS
    with tempfile.TemporaryDirectory() as tmp:
        index = _Index(directory, base_commit, Path(tmp))
        new = index.untracked()
        # git lists a repository of its own as a folder: never part of a submission.
        repositories = [p for p in new if p.endswith("/")]
        taken = {p for p in new if p not in repositories and is_editable(p, editable)}
        index.add(sorted(taken))
        numstat = index.diff("--numstat", skip=skip)
        binaries = [
            line.split("\t", 2)[2] for line in numstat.splitlines() if line.startswith("-\t-\t")
        ]
        if binaries:
            raise InvalidInput(
                "binary files cannot be submitted",
                problems=binaries,
                hint="remove them or make them text; if they are not part of your change, "
                f"add them to {IGNORE_FILE}",
            )
        folders = [
            p for p in index.untracked("--directory", "--no-empty-directory") if p.endswith("/")
        ]
        outside = [p for p in new if p not in taken and p not in repositories]
        left_out = _group(outside, taken, folders, outside_editable(editable))
        left_out += [LeftOut(path=p, reason="a git repository of its own") for p in repositories]
        if rules_are_yours and index.diff("--name-only", paths=(IGNORE_FILE,)).strip():
            left_out.append(
                LeftOut(path=IGNORE_FILE, reason="the workspace's ignore rules are yours to change")
            )
        return Capture(
            diff=index.diff("--no-color", "--no-ext-diff", skip=skip),
            left_out=tuple(sorted(left_out, key=lambda left: left.path)),
        )


def _group(paths: list[str], taken: set[str], folders: list[str], reason: str) -> list[LeftOut]:
    """``paths`` as one entry per untracked folder none of whose files is taken, else per file."""
    whole = [f for f in folders if not any(t.startswith(f) for t in taken)]
    counts: dict[str, int] = {}
    for path in paths:
        entry = next((f for f in whole if path.startswith(f)), path)
        counts[entry] = counts.get(entry, 0) + 1
    return [LeftOut(path=path, files=files, reason=reason) for path, files in counts.items()]


def submit(
    store: Store,
    scenario: Scenario,
    *,
    candidate: str,
    diff: str,
    review_text: str,
    source: str,
    seed: int | None = None,
    assignment_id: str | None = None,
    elapsed_seconds: float | None = None,
    candidate_name: str | None = None,
    limits: SubmissionLimits | None = None,
) -> tuple[Submission, list[Finding]]:
    """Validate and store a submission; return it with the findings the engineer must be told.

    Stores every call, repeats included (seeding and imports rely on it): what a candidate hands
    in goes through :func:`hand_in`. ``candidate`` is normalised to an id; ``candidate_name``
    (default: ``candidate`` as given) is kept for display.

    Raises:
        InvalidInput: over a :class:`SubmissionLimits` limit (nothing stored).
        PatchError: the diff does not apply to the start.
    """
    check_limits(diff, review_text, limits)
    name = display_name(candidate_name if candidate_name is not None else candidate)
    candidate = normalise_candidate(candidate)
    applicable_diff, findings = split_protected(scenario, diff)
    seed = default_seed(candidate, scenario.id) if seed is None else seed
    # A diff that does not apply is refused now, with its file and hunk, not discovered at grading.
    patches.apply(
        materialize.start_tree(scenario, draw(scenario, seed).values),
        applicable_diff,
        source="submission",
    )
    row = Submission(
        assignment_id=assignment_id,
        candidate=candidate,
        candidate_name=name,
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        scenario_ref=scenario.ref,
        seed=seed,
        diff=diff,
        review=review_text,
        content_hash=content_hash(diff, review_text),
        source=source,
        elapsed_seconds=elapsed_seconds,
        findings=[f.as_dict() for f in findings],
    )
    store.add(row)
    return row, findings


def _repeated(
    store: Store, scenario: Scenario, candidate: str, seed: int, digest: str
) -> Submission | None:
    """The candidate's latest submission of ``scenario`` when it has this very content."""
    history = store.submissions(candidate=candidate, scenario=scenario.id)
    latest = history[-1] if history else None
    if latest is None:
        return None
    same = (latest.content_hash, latest.seed, latest.scenario_version) == (
        digest,
        seed,
        scenario.version,
    )
    return latest if same else None


def hand_in(
    store: Store,
    scenario: Scenario,
    *,
    candidate: str,
    diff: str,
    review_text: str,
    source: str,
    seed: int | None = None,
    assignment_id: str | None = None,
    elapsed_seconds: float | None = None,
    left_out: tuple[LeftOut, ...] = (),
    candidate_name: str | None = None,
    limits: SubmissionLimits | None = None,
) -> Receipt:
    """What ``dsim submit`` does: check the limits and REVIEW.md, and store the submission unless
    it repeats the candidate's latest one (same scenario, seed, diff and review), which is
    returned instead. ``candidate`` is normalised; a new id near an existing one is a warning.

    Raises:
        InvalidInput: over a :class:`SubmissionLimits` limit (nothing stored).
        PatchError: ``diff`` does not apply to the start.
    """
    check_limits(diff, review_text, limits)
    review = check_review(review_text)
    name = display_name(candidate_name if candidate_name is not None else candidate)
    candidate = normalise_candidate(candidate)
    known = store.candidates()
    warning = None if candidate in known else near_duplicate_warning(candidate, known)
    warnings = (warning,) if warning else ()
    seed = default_seed(candidate, scenario.id) if seed is None else seed
    earlier = _repeated(store, scenario, candidate, seed, content_hash(diff, review_text))
    if earlier is not None:
        _, findings = split_protected(scenario, earlier.diff)
        return Receipt(
            submission=earlier,
            duplicate=True,
            findings=tuple(findings),
            left_out=left_out,
            review=review,
            warnings=warnings,
        )
    row, findings = submit(
        store,
        scenario,
        candidate=candidate,
        diff=diff,
        review_text=review_text,
        source=source,
        seed=seed,
        assignment_id=assignment_id,
        elapsed_seconds=elapsed_seconds,
        candidate_name=name,
        limits=limits,
    )
    return Receipt(
        submission=row,
        findings=tuple(findings),
        left_out=left_out,
        review=review,
        warnings=warnings,
    )


def hand_in_workspace(
    store: Store, directory: Path, *, limits: SubmissionLimits | None = None
) -> Receipt:
    """``dsim submit DIR``: capture the workspace's change and REVIEW.md and hand them in (the
    candidate is the assignment's)."""
    marker = read_marker(directory)
    assignment = store.assignment(marker["assignment"])
    scenario = resolve(assignment.scenario_ref)
    capture = capture_workspace(directory, assignment.base_commit, scenario.manifest.editable)
    review_path = directory / "REVIEW.md"
    review_text = review_path.read_text(encoding="utf-8") if review_path.is_file() else ""
    started = assignment.started_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    elapsed = (datetime.now(UTC) - started).total_seconds()
    return hand_in(
        store,
        scenario,
        candidate=assignment.candidate,
        diff=capture.diff,
        review_text=review_text,
        source="workspace",
        seed=assignment.seed,
        assignment_id=assignment.id,
        elapsed_seconds=elapsed,
        left_out=capture.left_out,
        candidate_name=assignment.candidate_name or assignment.candidate,
        limits=limits,
    )


def submit_directory(store: Store, directory: Path) -> tuple[Submission, list[Finding]]:
    """:func:`hand_in_workspace`, as (the submission, its findings)."""
    receipt = hand_in_workspace(store, directory)
    return receipt.submission, list(receipt.findings)
