"""Evidence made by release 0.1.0 scores the same through every path: imported from its export,
opened in place, or opened from before result summaries.

The fixtures (tests/fixtures/stores/README.md) were written by dsim 0.1.0 (commit 0b4fab2): a
graded store, its JSON export, and the scores that release computed at a fixed clock. The score
model changed on purpose in issue 17 (trials, the observed share as the estimate, gain x (1 -
cost), a cohort prior), so the numbers are pinned for this model in
release-0.1.0-scores-issue17.json (made from the store opened in place);
release-0.1.0-scores.json stays as 0.1.0 computed them.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.result import SCHEMA, ResultStatus, load_result
from harness.scoring.posterior import score_all
from harness.scoring.profile import load_profile
from harness.store import Result, Store
from harness.store.exchange import import_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "stores"
NOW = datetime(2026, 11, 28, tzinfo=UTC)


def expected_scores() -> dict[str, object]:
    scores: dict[str, object] = json.loads(
        (FIXTURES / "release-0.1.0-scores-issue17.json").read_text()
    )
    return scores


def scores_of(store: Store) -> dict[str, object]:
    return json.loads(
        json.dumps(
            {name: s.as_dict() for name, s in score_all(store, load_profile(), now=NOW).items()},
            sort_keys=True,
        )
    )


def test_an_export_made_by_release_0_1_0_imports_with_identical_scores(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'new.db'}")
    counts = import_file(store, FIXTURES / "release-0.1.0-export.json")
    assert counts["results"] == 9 and counts["overrides"] == 1 and counts["records"] == 4
    assert scores_of(store) == expected_scores()


def test_imported_results_are_stored_in_the_current_schema(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'new.db'}")
    import_file(store, FIXTURES / "release-0.1.0-export.json")
    with store.session() as s:
        rows = list(s.query(Result))
    assert rows and all(r.data["schema"] == SCHEMA for r in rows)
    assert all(load_result(r.data).status == ResultStatus.GRADED for r in rows)


def test_a_store_made_by_release_0_1_0_opens_in_place_with_identical_scores(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "release-0.1.0.db", path)
    assert scores_of(Store(f"sqlite:///{path}")) == expected_scores()


def test_a_store_from_before_result_summaries_opens_with_identical_scores(tmp_path):
    """Release 0.1.0 with its summary column taken away and no revision recorded is what the
    first release left behind: its results are schema 1, and opening it adds the summaries."""
    path = tmp_path / "first.db"
    shutil.copy(FIXTURES / "release-0.1.0.db", path)
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE results DROP COLUMN summary")
    store = Store(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT summary, data FROM results").fetchall()
    assert len(rows) == 9 and all(summary and '"verdict"' in summary for summary, _ in rows)
    assert all(json.loads(data)["schema"] == SCHEMA for _, data in rows)
    assert scores_of(store) == expected_scores()


def test_results_of_a_release_0_1_0_store_are_rewritten_in_the_current_schema(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "release-0.1.0.db", path)
    with sqlite3.connect(path) as conn:
        before = [json.loads(d) for (d,) in conn.execute("SELECT data FROM results")]
    assert before and all("schema" not in d for d in before)
    Store(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        after = [json.loads(d) for (d,) in conn.execute("SELECT data FROM results")]
    assert all(d["schema"] == SCHEMA for d in after)
    assert all(load_result(d).status == ResultStatus.GRADED for d in after)


@pytest.mark.parametrize("candidate", ["ada", "bo", "cy", "dee"])
def test_each_release_0_1_0_candidate_keeps_every_verdict(tmp_path, candidate):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "release-0.1.0.db", path)
    export = json.loads((FIXTURES / "release-0.1.0-export.json").read_text())
    subs = {s["id"] for s in export["submissions"] if s["candidate"] == candidate}
    old = {
        r["submission_id"]: [(i["id"], i["verdict"]) for i in r["data"]["items"]]
        for r in export["results"]
        if r["submission_id"] in subs
    }
    store = Store(f"sqlite:///{path}")
    new = {
        sid: [(i.id, i.verdict.value) for i in store.latest_result(sid).result.items]
        for sid in subs
    }
    assert new == old and new
