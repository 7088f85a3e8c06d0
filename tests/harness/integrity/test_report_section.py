"""The assessor report shows similarity and timing flags beside the score, never in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from similarity_cohort import COPY_OF_CAREFUL, HONEST

from harness.reports.candidate import candidate_html
from harness.scenarios import patches
from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import Scenario, load
from harness.scoring.posterior import score_all
from harness.scoring.profile import load_profile
from harness.store import Assignment, Result, Store, Submission

ITEMS = [
    {"id": "untrimmed-name", "kind": "flaw", "severity": 2, "verdict": "fixed", "tests": []},
    {"id": "shout", "kind": "keep", "severity": 1, "verdict": "kept", "tests": []},
]


def hand_in(store: Store, scenario: Scenario, name: str, code: str, minutes: float) -> None:
    started = datetime.now(UTC) - timedelta(hours=1)
    assignment = Assignment(
        candidate=name,
        candidate_name=name,
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        scenario_hash=scenario.content_hash,
        scenario_ref=str(scenario.path),
        seed=len(name),
        variables={},
        workspace="",
        base_commit="0" * 40,
        started_at=started,
    )
    store.add(assignment)
    sub = Submission(
        assignment_id=assignment.id,
        candidate=name,
        candidate_name=name,
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        scenario_ref=str(scenario.path),
        seed=len(name),
        diff=patches.make({}, {"src/greeter/duration.py": code.encode()}),
        review="",
        content_hash=name,
        source="patch",
        submitted_at=started + timedelta(minutes=minutes),
    )
    store.add(sub)
    store.add(
        Result(
            submission_id=sub.id,
            key="k",
            status="graded",
            backend="local",
            isolated=True,
            data={"status": "graded", "items": ITEMS, "regression": {"passed": 1, "total": 1}},
        )
    )


def test_the_report_shows_the_copied_pair_side_by_side_and_the_fast_timing(tmp_path: Path) -> None:
    scenario = load(scaffold("greet-demo", tmp_path / "greet-demo"))
    store = Store(f"sqlite:///{tmp_path / 'dsim.db'}")
    hand_in(store, scenario, "careful", HONEST["careful"], minutes=15)
    hand_in(store, scenario, "copycat", COPY_OF_CAREFUL, minutes=2)
    hand_in(store, scenario, "ada", HONEST["ada"], minutes=18)
    profile = load_profile()
    moment = datetime.now(UTC)
    scores_before = score_all(store, profile, now=moment, keep_draws=False)

    html = candidate_html(store, profile, "copycat")
    assert "Integrity signals" in html
    assert "Similar code</strong> to <strong>careful</strong>" in html
    assert "BadDuration" in html and "DurationError" in html  # both sides' own text
    assert "copycat: greet-demo submitted after 2 min (budget 20 min" in html

    quiet = candidate_html(store, profile, "ada")
    assert "No similarity or timing flags." in quiet
    # A flag changes no score.
    scores_after = score_all(store, profile, now=moment, keep_draws=False)
    assert {c: s.overall for c, s in scores_before.items()} == {
        c: s.overall for c, s in scores_after.items()
    }
