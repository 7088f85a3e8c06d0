"""The cohort report on the server: computed once per change of the evidence or the groups,
hiring's version naming no item, a cut from the query string."""

from __future__ import annotations

import sys
from pathlib import Path

from servicekit import make_server  # type: ignore[import-not-found]

from harness.store.groups import replace_memberships

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evidence"))
from cohortkit import add_graded  # type: ignore[import-not-found]


def _cohort(store, n: int = 24) -> None:
    for c in range(n):
        add_graded(store, f"c{c:02}", "s1", {"f1": c % 2 == 0, "f2": c % 3 == 0}, {"k1": True})
    replace_memberships(
        store, [(f"c{c:02}", "team", "red" if c < 12 else "blue") for c in range(n)]
    )


def test_the_report_is_reused_until_evidence_or_groups_change(tmp_path, monkeypatch):
    server = make_server(tmp_path)
    _cohort(server.store)
    import harness.evidence.summary as summary

    calls = []
    real = summary.gather
    monkeypatch.setattr(summary, "gather", lambda *a, **k: calls.append(1) or real(*a, **k))
    admin = server.login("admin")
    first = admin.get("/cohort")
    assert first.status_code == 200 and "team" in first.text and "<code>f1</code>" in first.text
    assert admin.get("/cohort").status_code == 200 and len(calls) == 1
    # A new cut is another report; the same cut again is reused.
    assert "SEM near the cut 40" in admin.get("/cohort?cut=40").text
    admin.get("/cohort?cut=40")
    assert len(calls) == 2
    # New group data shows at once (the scores did not change).
    replace_memberships(server.store, [("c00", "site", "north")])
    assert "site" in admin.get("/cohort").text and len(calls) == 3
    # New evidence too (after the store check interval, which the test skips).
    add_graded(server.store, "c99", "s1", {"f1": True, "f2": True}, {"k1": True})
    server.app.state.cohort.invalidate()
    assert "25 scored candidates" in admin.get("/cohort").text and len(calls) == 4


def test_hiring_reads_the_report_without_item_names_and_a_bad_cut_is_refused(tmp_path):
    server = make_server(tmp_path)
    _cohort(server.store)
    hiring = server.login("hiring")
    page = hiring.get("/cohort")
    assert page.status_code == 200 and "Cohort evidence" in page.text
    assert "<code>f1</code>" not in page.text and "s1@1.0.0:f1" not in page.text
    api = hiring.get("/api/v1/cohort").json()
    assert set(api["items"]) == {"scenarios"} and api["candidates"] == 24
    assert "f1" not in str(api["items"])
    assert hiring.get("/cohort?cut=140").status_code in (400, 422)
    assessor = server.login("assessor")
    items = assessor.get("/items")
    assert items.status_code == 200 and "<code>f1</code>" in items.text
    assert 'id="fairness"' not in items.text and 'id="validity"' not in items.text
