"""A store with graded work made without Docker, and the CLI run in-process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import cli
from harness.store import Result as StoredResult
from harness.store import Store, Submission


def graded(
    store: Store,
    candidate: str,
    *,
    scenario: str = "gone",
    fixed: bool = True,
    at: datetime | None = None,
) -> Submission:
    """Store a submission of ``candidate`` with a graded result: one flaw, one keep."""
    sub = Submission(
        candidate=candidate,
        scenario_id=scenario,
        scenario_version="1.0.0",
        scenario_ref=scenario,
        seed=1,
        diff="",
        review="",
        content_hash=f"{candidate}-{scenario}-{fixed}",
        source="patch",
        findings=[],
        submitted_at=at or datetime.now(UTC),
    )
    store.add(sub)
    items = [
        {
            "id": "f0",
            "kind": "flaw",
            "severity": 2,
            "category": "security",
            "verdict": "fixed" if fixed else "not_fixed",
            "tests": [],
        },
        {"id": "k0", "kind": "keep", "severity": 1, "verdict": "kept", "tests": []},
    ]
    store.add(
        StoredResult(
            submission_id=sub.id,
            key="k",
            status="graded",
            backend="docker",
            isolated=True,
            data={"status": "graded", "items": items, "regression": {"passed": 1, "total": 1}},
        )
    )
    return sub


def pending(store: Store, candidate: str, scenario: str, *, minutes_ago: int = 0) -> Submission:
    """Store a submission that has no result."""
    sub = Submission(
        candidate=candidate,
        scenario_id=scenario,
        scenario_version="1.0.0",
        scenario_ref=scenario,
        seed=1,
        diff="",
        review="",
        content_hash=f"{candidate}-{scenario}-{minutes_ago}",
        source="patch",
        findings=[],
        submitted_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
    )
    store.add(sub)
    return sub


@dataclass
class Home:
    """A data folder and a way to run ``dsim`` against it in-process."""

    path: Path
    cwd: Path

    @property
    def store(self) -> Store:
        return Store(f"sqlite:///{self.path / 'dsim.db'}")

    def run(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        runner = CliRunner()
        # DSIM_HOME is in env so CliRunner restores it: `--home` exports it for child processes.
        full_env: dict[str, str | None] = {"DSIM_HOME": str(self.path), "DSIM_DB": None}
        full_env.update(env or {})
        return runner.invoke(cli, list(args), env=full_env, catch_exceptions=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "home").mkdir()
    return Home(path=tmp_path / "home", cwd=tmp_path)
