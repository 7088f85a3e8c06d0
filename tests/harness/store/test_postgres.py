"""The store on a real PostgreSQL server: nothing in dsim assumes SQLite.

A throwaway cluster is made with initdb in a temp folder and reached over a Unix socket only.
Under CI=true a missing server fails this test; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.grading.overrides import add_override
from harness.grading.pipeline import grade_submission
from harness.scoring.posterior import score_all
from harness.scoring.profile import load_profile
from harness.store import Store
from harness.workspace.submit import submit

BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", "postgres", "--", *argv], capture_output=True,
                          text=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    problem = None
    if not (BIN / "initdb").exists():
        problem = "PostgreSQL server binaries are not installed (apt-get install postgresql)"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            problem = "the psycopg driver is not installed (pip install 'psycopg[binary]')"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {problem}")
        pytest.skip(problem)
    # Not under pytest's tmp folder: that one is private to root, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="dsim-pg-"))
    shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    made = _as_postgres(str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "dsim")
    assert made.returncode == 0, made.stderr
    started = _as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-w", "-l",
                           str(root / "log"), "-o", f"-k {root} -c listen_addresses=''",
                           "start")
    assert started.returncode == 0, started.stderr + (root / "log").read_text()
    try:
        yield f"postgresql+psycopg://dsim@/postgres?host={root}"
    finally:
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def test_submit_grade_override_and_score_on_postgresql(pg_url, demo):
    from harness.backends import get_backend

    store = Store(pg_url)
    row, _ = submit(store, demo, candidate="pg-ada", diff="", review_text="- x", source="patch")
    graded = grade_submission(store, row.id, get_backend("local"))
    assert graded.status == "graded"
    add_override(store, row.id, item="untrimmed-name", verdict="fixed", reason="r", by="lead")
    again = Store(pg_url)  # a second handle sees everything: it is all in the server
    assert [s.id for s in again.submissions(candidate="pg-ada")] == [row.id]
    assert again.overrides([row.id])[0].verdict == "fixed"
    assert again.latest_result(row.id).data["items"]
    try:
        scores = score_all(again, load_profile())
        # local-backend runs are never evidence: the score says so rather than counting them
        assert any("without isolation" in e for e in scores["pg-ada"].excluded)
    finally:
        store.close()
        again.close()
