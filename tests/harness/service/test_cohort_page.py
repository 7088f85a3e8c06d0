"""The cohort report on the server: computed once per change of the evidence or the groups,
hiring's version naming no item and fixed at the profile's cut, the cache bounded."""

from __future__ import annotations

import json

from gradedkit import add_graded  # type: ignore[import-not-found]
from servicekit import make_server  # type: ignore[import-not-found]

from harness.grading.overrides import add_override
from harness.service import actions
from harness.service.cohort import DERIVED_KEPT
from harness.store.groups import delete_memberships, replace_memberships


def _cohort(store, n: int = 24) -> list:
    subs = [
        add_graded(store, f"c{c:02}", "s1", {"f1": c % 2 == 0, "f2": c % 3 == 0}, {"k1": True})
        for c in range(n)
    ]
    replace_memberships(
        store, [(f"c{c:02}", "team", "red" if c < 12 else "blue") for c in range(n)]
    )
    return subs


def test_the_report_is_reused_until_evidence_or_groups_change(tmp_path):
    server = make_server(tmp_path)
    subs = _cohort(server.store)
    cohort = server.app.state.cohort
    first = actions.cohort_evidence(cohort)
    assert actions.cohort_evidence(cohort) is first  # reused
    assert actions.cohort_evidence(cohort, cut=40.0) is not first  # another cut, another report
    assert actions.cohort_evidence(cohort, cut=40.0) is actions.cohort_evidence(cohort, cut=40.0)
    # A changed group (same number of rows, so counts and dates alone could miss it).
    replace_memberships(server.store, [("c00", "team", "blue")])
    changed = actions.cohort_evidence(cohort)
    assert changed is not first
    (team,) = changed.fairness.attributes
    assert {r.group: r.n for r in team.rows} == {"blue": 13, "red": 11}
    # Erasing group data, an override, new evidence: each gives a new report.
    delete_memberships(server.store, attribute="team")
    erased = actions.cohort_evidence(cohort)
    assert erased is not changed and erased.fairness.attributes == ()
    add_override(server.store, subs[1].id, item="f1", verdict="fixed", reason="test", by="amy")
    cohort.invalidate()  # as the override route does
    assert actions.cohort_evidence(cohort) is not erased
    # The assessors' page never reads group data.
    items_only = actions.cohort_evidence(cohort, sections=("items", "reliability"))
    assert items_only.fairness is None and items_only.validity is None


def test_varying_the_cut_cannot_grow_the_cache(tmp_path):
    server = make_server(tmp_path)
    _cohort(server.store, n=12)
    cohort = server.app.state.cohort
    for cut in range(DERIVED_KEPT + 5):
        actions.cohort_evidence(cohort, cut=float(cut))
    assert len(cohort._current().derived) == DERIVED_KEPT


def test_hiring_reads_the_report_at_the_profiles_cut_without_item_names(tmp_path):
    server = make_server(tmp_path)
    _cohort(server.store)
    hiring = server.login("hiring")
    page = hiring.get("/cohort")
    assert page.status_code == 200 and "Cohort evidence" in page.text
    assert "<code>f1</code>" not in page.text and "s1@1.0.0:f1" not in page.text
    answer = hiring.get("/api/v1/cohort")
    api = answer.json()
    assert set(api["items"]) == {"scenarios"} and api["candidates"] == 24
    for name in ("f1", "f2", "k1"):
        assert f'"{name}"' not in answer.text and f":{name}" not in answer.text
    assert json.dumps(api["fairness"]).count('"team"') == 1  # aggregates only
    # Stepping a cut through the scores hiring can read would tell who is in which group:
    # only an admin chooses the cut.
    for cut in ("0", "37.5", "100"):
        assert hiring.get(f"/cohort?cut={cut}").status_code == 403
        assert hiring.get(f"/api/v1/cohort?cut={cut}").status_code == 403
    admin = server.login("admin")
    assert "SEM near the cut 40" in admin.get("/cohort?cut=40").text
    assert admin.get("/cohort?cut=140").status_code in (400, 422)
    assessor = server.login("assessor")
    items = assessor.get("/items")
    assert items.status_code == 200 and "<code>f1</code>" in items.text
    assert 'id="fairness"' not in items.text and 'id="validity"' not in items.text


def test_a_candidate_without_a_score_is_listed_last_as_no_score_yet(tmp_path):
    """Delivery records on keep alone give no gain evidence: no score, never a 0.0 among the
    scored."""
    from datetime import UTC, datetime

    from harness.store import Record

    server = make_server(tmp_path)
    add_graded(server.store, "bea", "s1", {"f1": False, "f2": False}, {"k1": True})  # scores 0
    server.store.add(
        Record(
            engineer="abe", date=datetime.now(UTC), source="pr-1", dimension="keep",
            outcome="pass", weight=1.0, note="",
        )
    )  # fmt: skip
    page = server.login("hiring").get("/candidates").text
    assert page.index(">bea</a>") < page.index(">abe</a>")  # not by name: no score goes last
    abe = page[page.index(">abe</a>") :].split("</tr>", 1)[0]
    assert "no score yet" in abe and "0.0" not in abe
