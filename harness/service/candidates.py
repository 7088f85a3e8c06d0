"""A candidate's path through the server: their invite's scenarios, the workspace download (the
clock starts there) and the hand-in of a change, all scoped to one invite.

A candidate never names an assignment, submission or scenario by an id the server does not
check against their invite: every lookup here starts from the invite.
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from harness.errors import InvalidInput, NotFound
from harness.queue import enqueue
from harness.scenarios.scenario import BRIEF, Scenario, resolve
from harness.scenarios.variants import default_seed, draw, render_file
from harness.service.people import audit
from harness.service.security import workspace_token
from harness.store import Assignment, Invite, Release, Store, Submission, now
from harness.workspace.start import MARKER, make_workspace
from harness.workspace.submit import Receipt, hand_in, refuse_binaries

ARCHIVE_ROOT_MODE = 0o755


@dataclass(frozen=True, kw_only=True)
class Task:
    """One scenario of an invite as its candidate sees it."""

    scenario: Scenario
    assignment: Assignment | None
    submissions: tuple[Submission, ...]
    released: frozenset[str]

    @property
    def id(self) -> str:
        return self.scenario.id

    @property
    def latest(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None


def _scenario_of(invite: Invite, scenario_id: str) -> Scenario:
    """The invite's scenario ``scenario_id``; any other id is not found (never a hint that it
    exists)."""
    if scenario_id not in invite.scenarios:
        raise NotFound("no such scenario in this invite")
    return resolve(scenario_id)


def seed_of(invite: Invite, scenario: Scenario) -> int:
    return default_seed(invite.candidate, scenario.id)


def assignment_of(store: Store, invite: Invite, scenario_id: str) -> Assignment | None:
    with store.session() as s:
        return s.scalars(
            select(Assignment)
            .where(Assignment.invite_id == invite.id, Assignment.scenario_id == scenario_id)
            .order_by(Assignment.started_at)
        ).first()


def tasks(store: Store, invite: Invite) -> list[Task]:
    found = []
    for scenario_id in invite.scenarios:
        scenario = resolve(scenario_id)
        found.append(task(store, invite, scenario))
    return found


def task(store: Store, invite: Invite, scenario: Scenario) -> Task:
    assignment = assignment_of(store, invite, scenario.id)
    subs: tuple[Submission, ...] = ()
    released: frozenset[str] = frozenset()
    if assignment is not None:
        with store.session() as s:
            subs = tuple(
                s.scalars(
                    select(Submission)
                    .where(Submission.assignment_id == assignment.id)
                    .order_by(Submission.submitted_at)
                )
            )
            ids = [sub.id for sub in subs]
            released = frozenset(
                s.scalars(select(Release.submission_id).where(Release.submission_id.in_(ids)))
            )
    return Task(scenario=scenario, assignment=assignment, submissions=subs, released=released)


def task_for(store: Store, invite: Invite, scenario_id: str) -> Task:
    return task(store, invite, _scenario_of(invite, scenario_id))


def brief(invite: Invite, scenario: Scenario) -> tuple[str, str]:
    """The ticket and the AI conversation, rendered for this candidate's variant."""
    values = draw(scenario, seed_of(invite, scenario)).values
    return (
        render_file(scenario, BRIEF, values),
        render_file(scenario, scenario.manifest.ai.transcript, values),
    )


def _tar(directory: Path, root: str) -> bytes:
    """A gzipped tar of ``directory`` under ``root/``: regular files and folders only, symlinks
    never followed (there are none in a workspace dsim made; anything else is left out)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                continue
            info = archive.gettarinfo(str(path), arcname=f"{root}/{path.relative_to(directory)}")
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if path.is_dir():
                archive.addfile(info)
            else:
                with path.open("rb") as handle:
                    archive.addfile(info, handle)
    return buffer.getvalue()


def download(
    store: Store, invite: Invite, scenario_id: str, *, key: bytes, server_url: str
) -> tuple[Assignment, bytes, bool]:
    """The candidate's workspace as a ``.tar.gz``: (its assignment, the archive, whether this
    was the first download). The first download records the assignment and starts the clock;
    later ones hand out the same assignment, seed and submit token."""
    scenario = _scenario_of(invite, scenario_id)
    seed = seed_of(invite, scenario)
    values = draw(scenario, seed).values
    existing = assignment_of(store, invite, scenario.id)
    with tempfile.TemporaryDirectory(prefix="dsim-ws-") as tmp:
        directory = Path(tmp) / scenario.id
        directory.mkdir()
        base = make_workspace(scenario, directory, values)
        first = existing is None
        if existing is None:
            existing = Assignment(
                candidate=invite.candidate,
                candidate_name=invite.candidate_name,
                scenario_id=scenario.id,
                scenario_version=scenario.version,
                scenario_hash=scenario.content_hash,
                scenario_ref=scenario.ref,
                seed=seed,
                variables=dict(values),
                workspace=f"downloaded through invite {invite.id}",
                base_commit=base,
                invite_id=invite.id,
            )
            store.add(existing)
        marker = {
            "assignment": existing.id,
            "scenario": scenario.id,
            "candidate": invite.candidate,
            "base_commit": base,
            "server": server_url.rstrip("/"),
            "token": workspace_token(key, existing.id),
            "editable": list(scenario.manifest.editable),
        }
        (directory / MARKER).write_text(json.dumps(marker, indent=2) + "\n")
        return existing, _tar(directory, scenario.id), first


def elapsed(assignment: Assignment) -> float:
    started = assignment.started_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return (datetime.now(UTC) - started).total_seconds()


def hand_in_for(
    store: Store,
    invite: Invite,
    scenario_id: str,
    *,
    diff: str,
    review_text: str,
    source: str,
    broker: str | None,
    ip: str,
) -> Receipt:
    """Store the candidate's change for one of their invite's scenarios (limits, binaries and
    whether the diff applies are checked first; nothing is stored when one fails), queue it for
    grading unless it repeats their latest submission, and audit it (``source`` says how it
    came: ``upload`` from the page, ``remote`` from ``dsim submit --to``).

    Raises:
        InvalidInput: the workspace was never downloaded, a binary file, over a limit.
        PatchError: the diff does not apply (its file and hunk named).
    """
    current = task_for(store, invite, scenario_id)
    if current.assignment is None:
        raise InvalidInput(
            "download the workspace first",
            hint="the time budget starts when you download it; submit from that workspace",
        )
    refuse_binaries(diff, source="the uploaded diff")
    assignment = current.assignment
    receipt = hand_in(
        store,
        current.scenario,
        candidate=assignment.candidate,
        diff=diff,
        review_text=review_text,
        source=source,
        seed=assignment.seed,
        assignment_id=assignment.id,
        elapsed_seconds=elapsed(assignment),
        candidate_name=assignment.candidate_name or assignment.candidate,
    )
    if not receipt.duplicate:
        enqueue(store, [receipt.submission.id], broker=broker)
    audit(
        store,
        f"candidate:{invite.id}",
        "submission",
        receipt.submission.id,
        ip=ip,
        scenario=scenario_id,
        duplicate=receipt.duplicate,
        via=source,
    )
    return receipt


def release(store: Store, submission_id: str, *, by: str) -> bool:
    """Let the candidate see their feedback for this submission; False when it already was."""
    with store.session() as s:
        if s.get(Release, submission_id) is not None:
            return False
        s.add(Release(submission_id=submission_id, by=by, at=now()))
    return True


def released(store: Store, submission_ids: list[str]) -> set[str]:
    with store.session() as s:
        return set(
            s.scalars(
                select(Release.submission_id).where(Release.submission_id.in_(submission_ids))
            )
        )
