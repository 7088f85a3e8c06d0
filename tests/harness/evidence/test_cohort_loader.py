"""The cohort loader: who is in the cohort and which verdicts count."""

from __future__ import annotations

from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.evidence.cohort import load_cohort
from harness.grading.overrides import add_override
from harness.result import ItemKind
from harness.scoring.profile import load_profile


def test_latest_result_per_scenario_with_overrides_applied(store):
    add_graded(store, "ada", "s1", {"f1": False, "f2": True}, {"k1": True}, days_ago=2)
    latest = add_graded(store, "ada", "s1", {"f1": True, "f2": True}, {"k1": False})
    add_graded(store, "bob", "s1", {"f1": False, "f2": False}, {"k1": True})
    add_override(
        store, latest.id, item="k1", verdict="kept", reason="the keep test was wrong", by="amy"
    )
    cohort = load_cohort(store, load_profile())
    rows: dict[str, list] = {}
    for r in sorted(cohort.responses, key=lambda r: (r.candidate, r.key)):
        rows.setdefault(r.candidate, []).append(r)
    assert [(r.item, r.kind, r.passed) for r in rows["ada"]] == [
        ("f1", ItemKind.FLAW, 1), ("f2", ItemKind.FLAW, 1), ("k1", ItemKind.KEEP, 1)
    ]  # fmt: skip
    assert sum(r.passed for r in rows["bob"]) == 1
    assert cohort.measured == ["ada", "bob"]
    ada, bob = cohort.score("ada"), cohort.score("bob")
    assert ada is not None and bob is not None and ada > bob
    sd = cohort.sd("ada")
    assert sd is not None and 0 < sd < 0.5
    assert cohort.score("nobody") is None
