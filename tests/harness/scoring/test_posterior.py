"""The judgment score: orderings that must hold, intervals that narrow, records that take over."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.backends import get_backend
from harness.errors import InvalidInput
from harness.grading.overrides import add_override
from harness.grading.pipeline import grade_submission
from harness.result import (
    ResultStatus,
    Verdict,
)
from harness.scenarios import materialize
from harness.scenarios.variants import default_seed, draw
from harness.scoring.comparison import compare
from harness.scoring.posterior import AbilityMethod, score_all
from harness.scoring.profile import load_profile
from harness.scoring.records import import_csv
from harness.store import Record, Result
from harness.workspace.submit import submit

PROFILE = load_profile()


def fake_result(
    store,
    candidate,
    scenario="s1",
    *,
    fixed=1,
    flaws=2,
    kept=1,
    keeps=1,
    regression=(5, 5),
    recall=0.5,
    backend="docker",
    status="graded",
    days_ago=0,
    version="1.0.0",
    at=None,
):
    """Store a submission with a result shaped like a real grading's: the first ``fixed`` of
    ``flaws`` flaws fixed, the first ``kept`` of ``keeps`` keeps kept."""
    return add_graded(
        store,
        candidate,
        scenario,
        {f"f{i}": i < fixed for i in range(flaws)},
        {f"k{i}": i < kept for i in range(keeps)},
        recall=recall,
        regression=regression,
        version=version,
        at=at,
        days_ago=days_ago,
        status=status,
        backend=backend,
    )


@pytest.mark.docker
def test_fix_all_beats_revert_all_beats_accept_on_catch_and_revert_is_lowest_on_keep(
    demo, store, base_image
):
    values = draw(demo, default_seed("x", demo.id)).values
    diffs = {
        "fixer": materialize.reference_patch(demo, values),
        "reverter": materialize.revert_everything_patch(demo, values),
        "accepter": "",
    }
    for name, diff in diffs.items():
        row, _ = submit(
            store,
            demo,
            candidate=name,
            diff=diff,
            review_text="",
            source="patch",
            seed=default_seed("x", demo.id),
        )
        graded = grade_submission(store, row.id, get_backend("docker"))
        assert graded.status == "graded"
    s = score_all(store, PROFILE)
    assert s["fixer"].overall.mean > s["reverter"].overall.mean
    assert s["reverter"].dimensions["catch"].mean > s["accepter"].dimensions["catch"].mean
    keep = {n: s[n].dimensions["keep"].mean for n in diffs}
    assert keep["reverter"] < min(keep["fixer"], keep["accepter"])


def test_more_scenarios_narrow_the_interval(store):
    fake_result(store, "one", "s1")
    for i in range(6):
        fake_result(store, "many", f"s{i}")
    s = score_all(store, PROFILE)
    width = {n: s[n].overall.high - s[n].overall.low for n in ("one", "many")}
    assert width["many"] < width["one"] * 0.7
    assert s["one"].basis == "simulation only (1 scenario); newest today"
    # the same performance reads the same: evidence narrows the interval, it does not move it
    assert s["many"].overall.mean == pytest.approx(s["one"].overall.mean, abs=0.03)


def test_contradicting_delivery_records_move_the_score_and_take_over(store, tmp_path):
    fake_result(store, "ada", fixed=2, kept=1, recall=1.0)
    before = score_all(store, PROFILE)["ada"]
    csv = tmp_path / "records.csv"
    csv.write_text(
        "engineer,date,source,dimension,outcome,weight,note\n"
        + "".join(
            f"ada,2026-0{1 + i % 9}-01,jira PAY-{i},catch,fail,,shipped a float bug\n"
            for i in range(30)
        )
    )
    assert import_csv(store, csv).imported == 30
    after = score_all(store, PROFILE)["ada"]
    assert after.dimensions["catch"].mean < before.dimensions["catch"].mean - 0.3
    # the disagreement is said, and catch follows the records rather than averaging them away
    assert after.conflicts == ("catch",)
    assert after.delivery_shares["catch"] == 1.0
    assert after.delivery_shares["keep"] == 0.0  # records on catch say nothing about keep
    assert after.basis.startswith("simulation (1 scenario) and delivery records (30 records)")
    assert "delivery share catch 100%, keep 0%" in after.basis
    assert after.as_dict()["conflicts"] == [
        "delivery records disagree with the simulation on catch"
    ]


def test_infra_errors_unisolated_runs_and_flaky_items_are_excluded_and_said(store):
    fake_result(store, "bo", "s1", status="infra_error")
    fake_result(store, "bo", "s2", backend="local")
    sub = fake_result(store, "bo", "s3", fixed=0)
    result = store.latest_result(sub.id)
    data = dict(result.data)
    data["items"] = [dict(data["items"][0], verdict="flaky"), *data["items"][1:]]
    store.add(
        Result(
            submission_id=sub.id,
            key="k2",
            status="graded",
            backend="docker",
            isolated=True,
            data=data,
        )
    )
    s = score_all(store, PROFILE)["bo"]
    assert s.scenarios == ["s3@1.0.0"]
    assert any("infrastructure error" in e for e in s.excluded)
    assert any("without isolation" in e for e in s.excluded)
    assert any("f0 rests on a flaky test" in e for e in s.excluded)
    # one flaw left (the flaky one is out): one trial, whatever its severity
    assert s.dimensions["catch"].failures == pytest.approx(PROFILE.simulation_discount, rel=1e-3)


def test_old_evidence_weighs_less_widens_and_does_not_drift(store):
    fake_result(store, "old", fixed=0, days_ago=730)
    fake_result(store, "new", fixed=0)
    s = score_all(store, PROFILE)
    old, new = s["old"].dimensions["catch"], s["new"].dimensions["catch"]
    assert old.failures == pytest.approx(new.failures * 0.25, rel=0.01)  # two half-lives
    assert old.high - old.low > new.high - new.low
    assert s["old"].overall.mean == pytest.approx(s["new"].overall.mean, abs=0.05)
    assert "oldest" not in s["new"].basis and "24 months old" in s["old"].basis


def test_override_changes_the_score_and_keeps_the_original(store):
    sub = fake_result(store, "cy", fixed=0)
    before = score_all(store, PROFILE)["cy"].dimensions["catch"].mean
    add_override(store, sub.id, item="f0", verdict="fixed", reason="test was wrong", by="lead")
    after = score_all(store, PROFILE)["cy"]
    assert after.dimensions["catch"].mean > before
    assert after.graded[0].overrides[0].reason == "test was wrong"
    assert store.latest_result(sub.id).result.items[0].verdict == Verdict.NOT_FIXED
    with pytest.raises(InvalidInput, match="does not fit a flaw"):
        add_override(store, sub.id, item="f0", verdict="kept", reason="x", by="y")


def test_bad_record_rows_import_nothing_and_name_their_lines(store, tmp_path):
    csv = tmp_path / "r.csv"
    csv.write_text(
        "engineer,date,source,outcome,weight\nada,2026-01-01,jira,pass,\n"
        "bo,yesterday,jira,maybe,-1\n"
    )
    with pytest.raises(InvalidInput) as err:
        import_csv(store, csv)
    text = str(err.value)
    assert "line 3: date 'yesterday' is not ISO 8601" in text
    assert "line 3: outcome 'maybe' must be pass or fail" in text
    assert "line 3: weight '-1' must be a positive number" in text
    assert store.records() == []
    assert import_csv(store, csv, skip_bad=True).imported == 1
    assert [r.engineer for r in store.records()] == ["ada"]


def test_compare_gives_probabilities_and_calls_ties(store):
    fake_result(store, "strong", fixed=2, recall=1.0)
    fake_result(store, "weak", fixed=0, kept=0, regression=(1, 5), recall=0.0)
    fake_result(store, "strong2", fixed=2, recall=1.0)
    scores = score_all(store, PROFILE)
    result = compare(scores, ["weak", "strong", "strong2"], PROFILE)
    assert result.order[-1] == "weak"
    assert result.matrix["strong"]["weak"] > 0.9
    assert ("strong", "strong2") in result.ties or ("strong2", "strong") in result.ties
    assert any("too close to call overall" in line for line in result.sentences)


def test_percentile_is_within_the_cohort_of_same_scenario_versions(store):
    for i in range(4):
        fake_result(store, f"p{i}", fixed=i % 3)
    fake_result(store, "other", "s9")
    s = score_all(store, PROFILE)
    assert s["other"].percentile is None
    assert s["p0"].cohort_size == 4
    assert s["p1"].percentile is not None
    assert s["p0"].ability is not None
    assert s["p0"].ability.method == AbilityMethod.RAW
    assert "cohort too small" in s["p0"].ability.warning


def test_profile_overlay_and_unknown_keys(tmp_path: Path):
    good = tmp_path / "p.toml"
    good.write_text(
        "[evidence]\nhalf_life_days = 30\n[weights]\ncatch = 1\nkeep = 2\n"
        "safety = 0\nexplain = 0\nscope = 0\n"
    )
    profile = load_profile(good)
    assert profile.half_life_days == 30 and profile.weights["catch"] == 1.0
    assert profile.weights["keep"] == 1.0  # normalised within the cost dimensions
    no_gain = tmp_path / "no-gain.toml"
    no_gain.write_text("[weights]\ncatch = 0\nexplain = 0\n")
    with pytest.raises(InvalidInput, match="catch \\+ explain > 0"):
        load_profile(no_gain)
    bad = tmp_path / "bad.toml"
    bad.write_text("[evidence]\nhalflife = 3\n[colour]\nx = 1\n")
    with pytest.raises(InvalidInput) as err:
        load_profile(bad)
    assert "evidence.halflife is not a profile key" in str(err.value)
    assert "[colour] is not a profile section" in str(err.value)


def test_records_without_graded_work_still_score(store):
    store.add(
        Record(
            engineer="zed",
            date=datetime.now(UTC),
            source="gh",
            dimension=None,
            outcome="pass",
            weight=1.0,
            note="",
        )
    )
    s = score_all(store, PROFILE)["zed"]
    assert s.basis.startswith("delivery records only (1 record); newest today")


def test_large_comparisons_keep_the_full_overall_matrix_and_neighbour_dimensions(store):
    for i in range(15):
        fake_result(store, f"n{i:02d}", fixed=i % 3, recall=(i % 5) / 4)
    scores = score_all(store, PROFILE)
    names = [f"n{i:02d}" for i in range(15)]
    result = compare(scores, names, PROFILE)
    assert all(len(result.matrix[n]) == 14 for n in names)
    first, second = result.order[:2]
    assert second in result.by_dimension["catch"][first]
    assert len(result.sentences) == 14
    for a in names:
        for b in names:
            if a < b:
                assert result.matrix[a][b] + result.matrix[b][a] == pytest.approx(1, abs=0.01)


def _cohort(store, tmp_path):
    """Seven candidates on the same two scenarios, one override, one delivery record."""
    for i in range(7):
        for scenario in ("s1", "s2"):
            sub = fake_result(
                store,
                f"c{i}",
                scenario,
                fixed=i % 3,
                kept=i % 2,
                regression=(5 - i % 4, 5),
                recall=(i % 5) / 4,
            )
        if i == 3:
            add_override(store, sub.id, item="f1", verdict="fixed", reason="r", by="lead")
    store.add(
        Record(
            engineer="c2",
            date=datetime.now(UTC),
            source="gh",
            dimension="catch",
            outcome="pass",
            weight=1.0,
            note="",
        )
    )


def test_naming_candidates_scores_them_exactly_as_scoring_everyone_does(store, tmp_path):
    _cohort(store, tmp_path)
    now = datetime.now(UTC)
    everyone = score_all(store, PROFILE, now=now)
    named = score_all(store, PROFILE, now=now, candidates=["c3", "c2", "nobody"])
    assert sorted(named) == ["c2", "c3"]
    for name in named:
        assert named[name].as_dict() == everyone[name].as_dict()
        assert named[name].percentile is not None and named[name].cohort_size == 7
        assert (named[name].draws["overall"] == everyone[name].draws["overall"]).all()
    # The whole results come with the named candidates, overrides applied to whole items.
    c3 = {g.scenario: g for g in named["c3"].graded}
    assert c3["s2"].result.status == ResultStatus.GRADED
    f1 = c3["s2"].result.item("f1")
    assert f1 is not None
    assert (f1.verdict, f1.original_verdict) == (Verdict.FIXED, Verdict.NOT_FIXED)
    assert next(i for i in c3["s2"].items if i.id == "f1").verdict == Verdict.FIXED


def test_percentiles_count_ties_as_half(store):
    at = datetime.now(UTC)
    for name in ("a", "b", "c"):
        fake_result(store, name, fixed=1, at=at)
    fake_result(store, "d", fixed=2, at=at)
    s = score_all(store, PROFILE)
    # a: none of the other three below, two tied (half each): (0 + 2/2) / 3
    assert [s[n].percentile for n in "abcd"] == [33.3, 33.3, 33.3, 100.0]


def test_results_stored_without_a_summary_score_as_if_they_had_one(store):
    from sqlalchemy import update

    from harness.scoring.posterior import load_graded

    at = datetime.now(UTC)
    for name in ("orm", "core"):
        fake_result(store, name, fixed=1, kept=0, regression=(3, 5), recall=0.75, at=at)
    with store.engine.begin() as conn:  # as a bulk insert or an older dsim would leave it
        sub_id = store.submissions(candidate="core")[0].id
        conn.execute(
            update(Result.__table__).where(Result.submission_id == sub_id).values(summary=None)
        )
        assert (
            conn.execute(Result.__table__.select().where(Result.submission_id == sub_id))
            .one()
            .summary
            is None
        )
    s = score_all(store, PROFILE)
    for dim in s["orm"].dimensions:
        assert (s["core"].dimensions[dim].successes, s["core"].dimensions[dim].failures) == (
            s["orm"].dimensions[dim].successes,
            s["orm"].dimensions[dim].failures,
        ), dim
    assert s["core"].overall.mean == s["orm"].overall.mean
    graded, _ = load_graded(store)
    with pytest.raises(RuntimeError, match="summary only"):
        _ = graded["core"][0].result
    assert store.fill_summaries() == 1
    assert store.fill_summaries() == 0


def test_scores_without_draws_keep_every_interval(store, tmp_path):
    _cohort(store, tmp_path)
    now = datetime.now(UTC)
    with_draws = score_all(store, PROFILE, now=now)
    without = score_all(store, PROFILE, now=now, keep_draws=False)
    assert {n: s.as_dict() for n, s in without.items()} == {
        n: s.as_dict() for n, s in with_draws.items()
    }
    assert all(s.draws == {} for s in without.values())
    assert all(len(s.draws["overall"]) == PROFILE.draws for s in with_draws.values())


def test_every_status_that_is_not_evidence_says_why_it_was_excluded():
    from harness.scoring.posterior import EXCLUDED_STATUSES

    assert set(EXCLUDED_STATUSES) == {s for s in ResultStatus if not s.scored}


def test_comparisons_on_a_single_scenario_say_their_calls_are_leads(store):
    """The measured miss of issue 17 (confident calls on one scenario are wrong more often than
    they claim) is said wherever such a comparison is read."""
    fake_result(store, "ada", "s1", fixed=2)
    fake_result(store, "bo", "s1", fixed=0)
    fake_result(store, "cy", "s1", fixed=2)
    fake_result(store, "cy", "s2", fixed=2)
    fake_result(store, "dee", "s1", fixed=1)
    fake_result(store, "dee", "s2", fixed=1)
    scores = score_all(store, PROFILE)
    thin = compare(scores, ["ada", "bo", "cy"], PROFILE)
    assert thin.caveat.startswith("Read the probabilities as leads")
    assert "ada, bo" in thin.caveat and "cy" not in thin.caveat
    assert thin.as_dict(scores)["caveat"] == thin.caveat
    assert compare(scores, ["cy", "dee"], PROFILE).caveat == ""


@pytest.mark.parametrize(
    ("severities", "fixed", "trials", "successes"),
    [
        ((2, 2), (True, False), 2.0, 1.0),
        ((3, 1), (True, False), 1.6, 1.2),  # weights 1.5 and 0.5: n²/Σw² = 4/2.5
        ((3, 1), (False, True), 1.6, 0.4),
        ((3, 3, 1, 1), (True, True, False, False), 3.2, 2.4),
    ],
)
def test_catch_counts_a_scenario_as_its_effective_number_of_flaws(
    severities, fixed, trials, successes
):
    """Severity weighs flaws against each other; unequal weights make the share noisier, so the
    scenario counts as n² / Σ weight² trials (Kish), the share staying the weighted one."""
    from harness.scoring.posterior import simulation_evidence
    from harness.scoring.simulate import NOW, Shape, submission

    shape = Shape(name="s", severities=severities, keeps=0)
    graded = submission(shape, fixed=list(fixed), named=0, kept=[], safe=True, in_scope=True)
    catch = [e for e in simulation_evidence(graded, PROFILE, NOW, []) if e.dimension == "catch"]
    assert sum(e.trials for e in catch) == pytest.approx(trials)
    assert sum(e.successes for e in catch) == pytest.approx(successes)
