"""Submissions: capture an engineer's change, split off what may not be applied, store it.

A submission is a diff against the start tree plus REVIEW.md. Protected paths (outside
``editable``, test-run configuration, escapes) are kept in the stored diff for assessors but never
applied: :func:`applicable` filters them again at grading time, so a stored finding is advice to the
engineer, not something grading trusts.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.errors import InvalidInput
from harness.result import Finding as ResultFinding
from harness.result import FindingCode
from harness.scenarios import materialize, patches
from harness.scenarios.scenario import (
    WORKSPACE_DOCS,
    Scenario,
    escapes,
    protection_reason,
    resolve,
)
from harness.scenarios.variants import default_seed, draw
from harness.store import Store, Submission
from harness.workspace.start import git, read_marker


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


def content_hash(diff: str, review_text: str) -> str:
    return hashlib.sha256(diff.encode() + b"\0" + review_text.encode()).hexdigest()


def capture_workspace(directory: Path, base_commit: str) -> str:
    """The diff of everything in ``directory`` (committed or not, new files too) vs the start."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git(directory, "add", "-A", ".", env=env)
        excludes = [f":(exclude){name}" for name in WORKSPACE_DOCS]
        numstat = git(
            directory,
            "diff",
            "--cached",
            "--no-renames",
            "--numstat",
            base_commit,
            "--",
            ".",
            *excludes,
            env=env,
        )
        binaries = [
            line.split("\t", 2)[2] for line in numstat.splitlines() if line.startswith("-\t-\t")
        ]
        if binaries:
            raise InvalidInput(
                "binary files cannot be submitted",
                problems=binaries,
                hint="remove them or make them text",
            )
        return git(
            directory,
            "diff",
            "--cached",
            "--no-renames",
            "--no-color",
            "--no-ext-diff",
            base_commit,
            "--",
            ".",
            *excludes,
            env=env,
        )


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
) -> tuple[Submission, list[Finding]]:
    """Validate and store a submission; return it with the findings the engineer must be told."""
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


def submit_directory(store: Store, directory: Path) -> tuple[Submission, list[Finding]]:
    """``dsim submit DIR``: capture the workspace's change and REVIEW.md and store them."""
    marker = read_marker(directory)
    assignment = store.assignment(marker["assignment"])
    scenario = resolve(assignment.scenario_ref)
    diff = capture_workspace(directory, assignment.base_commit)
    review_path = directory / "REVIEW.md"
    review_text = review_path.read_text(encoding="utf-8") if review_path.is_file() else ""
    started = assignment.started_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    elapsed = (datetime.now(UTC) - started).total_seconds()
    return submit(
        store,
        scenario,
        candidate=assignment.candidate,
        diff=diff,
        review_text=review_text,
        source="workspace",
        seed=assignment.seed,
        assignment_id=assignment.id,
        elapsed_seconds=elapsed,
    )
