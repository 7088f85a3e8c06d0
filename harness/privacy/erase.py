"""Erasure (GDPR Art. 17): everything the store and the data folder hold about one person, gone.

What goes: their assignments and workspace folders, submissions (diffs and REVIEW.md), results,
overrides of their verdicts (the assessor's reason is about them), releases, grading jobs,
delivery records (tombstoned ones too), invites and the web sessions opened with them, their
self-reported group memberships, and every audit entry that names them or one of their ids. What
stays: one audit entry saying that an erasure happened and how many rows of each kind it removed,
without their name or ids.

Invariants: one transaction (an erasure that fails half-way removes nothing from the store); on
SQLite the file is vacuumed afterwards, so deleted rows do not linger in free pages; a workspace
folder is removed only when it lies under the dsim home or carries this assignment's marker, never
an unrelated folder a row happens to name. Similarity pairs are never stored, so none remain.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text

from harness.errors import NotFound
from harness.store import (
    Assignment,
    AuditEntry,
    GroupMembership,
    Invite,
    Job,
    Override,
    Record,
    Release,
    Result,
    Store,
    Submission,
    WebSession,
    normalise_candidate,
)

#: The workspace marker file (harness.workspace.start.MARKER; the store layer must not import it).
MARKER = ".dsim-assignment.json"


@dataclass(frozen=True, kw_only=True)
class Erasure:
    """What an erasure removed (or, with ``dry_run``, would remove)."""

    removed: dict[str, int]
    """Rows per table."""
    folders: tuple[str, ...] = ()
    """Workspace folders removed."""
    left: tuple[str, ...] = ()
    """Workspace folders named by a row but not removed (not a dsim workspace of theirs)."""
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.removed.values())


@dataclass
class _Person:
    cid: str
    names: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({n.casefold() for n in names if n.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


def _names_them(entry: AuditEntry, person: _Person, pattern: re.Pattern[str] | None) -> bool:
    blob = " ".join(
        (entry.actor or "", entry.subject or "", json.dumps(entry.detail or {}, default=str))
    ).casefold()
    if any(i.casefold() in blob for i in person.ids):
        return True
    return bool(pattern and pattern.search(blob))


def _workspace(row: Assignment, home: Path | None) -> tuple[Path | None, bool]:
    """(the folder, whether it may be removed)."""
    if not row.workspace or not Path(row.workspace).is_absolute():
        return None, False
    folder = Path(row.workspace)
    if not folder.exists():
        return None, False
    if home is not None and folder.resolve().is_relative_to(home.resolve()):
        return folder, True
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return folder, False
    return folder, isinstance(marker, dict) and marker.get("assignment") == row.id


def erase(
    store: Store, candidate: str, *, home: Path | None = None, actor: str, dry_run: bool = False
) -> Erasure:
    """Remove everything about ``candidate`` (a name or id, normalised); see the module docstring.

    Raises:
        NotFound: the store holds nothing about ``candidate`` (nothing is written, not even audit).
    """
    person = _Person(cid=normalise_candidate(candidate))
    person.names |= {person.cid, " ".join(candidate.split())}
    removed: dict[str, int] = {}
    folders: list[Path] = []
    left: list[str] = []
    with store.session() as s:
        assignments = list(s.scalars(select(Assignment).where(Assignment.candidate == person.cid)))
        subs = list(s.scalars(select(Submission).where(Submission.candidate == person.cid)))
        invites = list(s.scalars(select(Invite).where(Invite.candidate == person.cid)))
        records = list(s.scalars(select(Record).where(Record.engineer == person.cid)))
        groups = list(
            s.scalars(select(GroupMembership.id).where(GroupMembership.candidate == person.cid))
        )
        sub_ids = [r.id for r in subs]
        invite_ids = [r.id for r in invites]
        results = list(s.scalars(select(Result.id).where(Result.submission_id.in_(sub_ids))))
        jobs = list(s.scalars(select(Job.id).where(Job.submission_id.in_(sub_ids))))
        person.names |= {r.candidate_name for r in assignments} | {r.engineer_name for r in records}
        person.names |= {r.candidate_name for r in subs} | {r.candidate_name for r in invites}
        person.ids |= {r.id for r in assignments} | set(sub_ids) | set(invite_ids)
        person.ids |= {r.id for r in records}
        person.ids |= set(results) | set(jobs)
        pattern = _names_pattern(person.names)
        audit_ids = [e.id for e in s.scalars(select(AuditEntry)) if _names_them(e, person, pattern)]
        # Audit entries alone count: retention may have removed an unused invite and left its
        # audit entry naming the person.
        if not (assignments or subs or invites or records or groups or audit_ids):
            raise NotFound(
                f"the store holds nothing about {person.cid!r}",
                hint="`dsim results` and `dsim invites list` show the names the store knows",
            )
        plan: list[tuple[str, Any, Any]] = [
            ("web sessions", WebSession, WebSession.invite_id.in_(invite_ids)),
            ("releases", Release, Release.submission_id.in_(sub_ids)),
            ("overrides", Override, Override.submission_id.in_(sub_ids)),
            ("grading jobs", Job, Job.submission_id.in_(sub_ids)),
            ("results", Result, Result.submission_id.in_(sub_ids)),
            ("submissions", Submission, Submission.id.in_(sub_ids)),
            ("assignments", Assignment, Assignment.candidate == person.cid),
            ("invites", Invite, Invite.id.in_(invite_ids)),
            ("delivery records", Record, Record.engineer == person.cid),
            ("group memberships", GroupMembership, GroupMembership.candidate == person.cid),
            ("audit entries", AuditEntry, AuditEntry.id.in_(audit_ids)),
        ]
        for label, model, where in plan:
            n = len(list(s.scalars(select(model).where(where))))
            if n:
                removed[label] = n
            if not dry_run and n:
                s.execute(delete(model).where(where))
        for row in assignments:
            folder, mine = _workspace(row, home)
            if folder is not None and mine:
                folders.append(folder)
            elif folder is not None:
                left.append(str(folder))
        if not dry_run:
            s.add(
                AuditEntry(
                    actor=actor,
                    action="erase",
                    subject="",
                    detail={"removed": removed, "workspace_folders": len(folders)},
                )
            )
    if not dry_run:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
            parent = folder.parent
            # The candidate's own folder under workspaces/, once it is empty.
            mine = home is not None and parent.parent == home / "workspaces"
            if mine and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM"))
    return Erasure(
        removed=removed,
        folders=tuple(str(f) for f in folders),
        left=tuple(left),
        dry_run=dry_run,
    )
