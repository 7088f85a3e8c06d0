"""A store and data folder holding two candidates' whole history, made without Docker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import Scenario, load
from harness.store import (
    AuditEntry,
    Invite,
    Job,
    Override,
    Record,
    Release,
    Result,
    Store,
    Submission,
    WebSession,
    digest,
)
from harness.workspace.start import start

ITEMS = [
    {
        "id": "untrimmed-name",
        "kind": "flaw",
        "severity": 2,
        "category": "correctness",
        "verdict": "fixed",
        "tests": ["hidden/test_loud.py::test_shout_ignores_surrounding_spaces"],
    },
    {"id": "shout", "kind": "keep", "severity": 1, "verdict": "kept", "tests": []},
]


@dataclass
class Person:
    name: str
    ids: list[str]


def person(store: Store, home: Path, scenario: Scenario, name: str, *, minutes: float) -> Person:
    """Everything dsim can hold about ``name``: a workspace, a graded submission with an override
    and a release, a grading job, an invite with a web session, a delivery record, audit entries."""
    folder = home / "workspaces" / name.casefold().replace(" ", "_") / scenario.id
    started = start(scenario, name, folder, store)
    sub = Submission(
        assignment_id=started.assignment_id,
        candidate=started.candidate,
        candidate_name=name,
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        scenario_ref=str(scenario.path),
        seed=started.seed,
        diff="diff --git a/src/x.py b/src/x.py\n--- a/src/x.py\n+++ b/src/x.py\n"
        f"@@ -0,0 +1 @@\n+# by {name}\n",
        review=f"## Findings\n- src/greeter/loud.py:4-6 [correctness] {name} says: trim it\n",
        content_hash=digest(name),
        source="workspace",
        submitted_at=datetime.now(UTC) + timedelta(minutes=minutes),
    )
    store.add(sub)
    result = Result(
        submission_id=sub.id,
        key="k",
        status="graded",
        backend="local",
        isolated=False,
        data={"status": "graded", "items": ITEMS, "regression": {"passed": 1, "total": 1}},
    )
    invite = Invite(
        token_hash=digest(name + "-token"),
        candidate=started.candidate,
        candidate_name=name,
        scenarios=[scenario.id],
        created_by="hira",
        expires_at=datetime.now(UTC) + timedelta(days=7),
    )
    store.add(result, invite)
    store.add(
        Override(
            submission_id=sub.id,
            item="untrimmed-name",
            verdict="not_fixed",
            reason=f"{name} only trimmed one side",
            by="sam",
        ),
        Release(submission_id=sub.id, by="sam"),
        Job(submission_id=sub.id, key="k", scenario_hash=scenario.content_hash, state="done"),
        WebSession(
            id_hash=digest(name + "-session"),
            invite_id=invite.id,
            csrf="c" * 32,
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        ),
        Record(
            engineer=started.candidate,
            engineer_name=name,
            date=datetime.now(UTC),
            source="jira",
            outcome="success",
            note=f"{name}'s first change",
        ),
        AuditEntry(
            actor=f"candidate:{invite.id}", action="download", subject=started.assignment_id
        ),
        AuditEntry(actor="sam", action="override", subject=sub.id, detail={"item": "x"}),
        AuditEntry(actor="hira", action="invite", subject=invite.id, detail={"candidate": name}),
    )
    return Person(name=name, ids=[started.assignment_id, sub.id, result.id, invite.id])


def greet(root: Path) -> Scenario:
    return load(scaffold("greet-demo", root / "greet-demo"))
