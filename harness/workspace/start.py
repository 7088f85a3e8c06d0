"""Workspaces: the folder a new hire works in (``dsim start``).

Invariant: nothing from ``hidden/``, ``reference/``, ``samples/``, ``mutants/`` or the manifest's
flaw list is ever written into a workspace. A workspace holds the start tree (repo + AI change),
BRIEF.md, TRANSCRIPT.md, a REVIEW.md template and a git repository whose single commit is that
starting point.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness.errors import DsimError, InvalidInput
from harness.scenarios import materialize
from harness.scenarios.scenario import BRIEF, Scenario
from harness.scenarios.variants import default_seed, draw, render_file
from harness.store import Assignment, Store
from harness.workspace import review_notes as review

MARKER = ".dsim-assignment.json"
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "dsim",
    "GIT_AUTHOR_EMAIL": "dsim@localhost",
    "GIT_COMMITTER_NAME": "dsim",
    "GIT_COMMITTER_EMAIL": "dsim@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    """Run git in ``cwd`` with a fixed identity and no user config; return stdout."""
    full_env = {
        **os.environ,
        **_GIT_ENV,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        **(env or {}),
    }
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, env=full_env, capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError as exc:
        raise DsimError("git is not installed", hint="install it: apt-get install -y git") from exc
    if check and proc.returncode != 0:
        raise DsimError(
            f"git {args[0]} failed in {cwd}",
            hint=proc.stderr.decode(errors="replace").strip()[:500],
        )
    return proc.stdout.decode("utf-8", errors="replace")


@dataclass(frozen=True, kw_only=True)
class Started:
    """What ``dsim start`` made."""

    assignment_id: str
    workspace: Path
    seed: int
    base_commit: str


def write_tree(root: Path, tree: dict[str, bytes]) -> None:
    for rel, data in tree.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def start(
    scenario: Scenario, candidate: str, directory: Path, store: Store, seed: int | None = None
) -> Started:
    """Materialize a workspace for ``candidate`` and record the assignment."""
    if not candidate.strip():
        raise InvalidInput("the candidate name is empty", hint="pass --candidate NAME")
    if directory.exists() and any(directory.iterdir()):
        raise InvalidInput(
            f"{directory} exists and is not empty", hint="choose another --dir or remove it"
        )
    seed = default_seed(candidate, scenario.id) if seed is None else seed
    variant = draw(scenario, seed)
    tree = materialize.start_tree(scenario, variant.values)
    docs = {
        BRIEF: render_file(scenario, BRIEF, variant.values).encode(),
        "TRANSCRIPT.md": render_file(
            scenario, scenario.manifest.ai.transcript, variant.values
        ).encode(),
        "REVIEW.md": review.TEMPLATE.encode(),
    }
    directory.mkdir(parents=True, exist_ok=True)
    write_tree(directory, {**tree, **docs})
    git(directory, "init", "-q", "-b", "main")
    (directory / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (directory / ".git" / "info" / "exclude").write_text(
        f"{MARKER}\n__pycache__/\n*.pyc\n.pytest_cache/\n"
    )
    git(directory, "add", "-A")
    git(directory, "commit", "-q", "-m", f"Start of {scenario.id}: the AI assistant's change")
    base = git(directory, "rev-parse", "HEAD").strip()
    row = Assignment(
        candidate=candidate,
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        scenario_hash=scenario.content_hash,
        scenario_ref=scenario.ref,
        seed=seed,
        variables=dict(variant.values),
        workspace=str(directory.resolve()),
        base_commit=base,
    )
    store.add(row)
    (directory / MARKER).write_text(
        json.dumps(
            {
                "assignment": row.id,
                "scenario": scenario.id,
                "candidate": candidate,
                "base_commit": base,
            },
            indent=2,
        )
        + "\n"
    )
    return Started(assignment_id=row.id, workspace=directory, seed=seed, base_commit=base)


def read_marker(directory: Path) -> dict[str, str]:
    marker = directory / MARKER
    if not marker.is_file():
        raise InvalidInput(
            f"{directory} is not a dsim workspace (no {MARKER})",
            hint="run `dsim submit` in the folder `dsim start` made",
        )
    data: dict[str, str] = json.loads(marker.read_text())
    return data
