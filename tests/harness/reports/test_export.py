"""Exports: the JSON exchange file round-trips into an empty store, JUnit parses back, CSV is
one row per candidate × dimension, and a bad import changes nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Skipped

from harness.errors import InvalidInput
from harness.reports.export import CSV_COLUMNS, Format, export, export_csv, export_junit
from harness.scoring.posterior import score_all
from harness.scoring.profile import DIMENSIONS
from harness.store import Store
from harness.store.exchange import SCHEMA, export_data, import_json


def _scores(cohort):
    return score_all(cohort.store, cohort.profile, now=cohort.now)


@pytest.mark.docker
def test_json_export_imported_into_an_empty_store_reproduces_every_score(
    graded_cohort, tmp_path: Path
):
    before = _scores(graded_cohort)
    text = export(graded_cohort.store, before, Format.JSON)
    data = json.loads(text)
    assert data["schema"] == SCHEMA == 3
    assert {"submissions", "results", "overrides", "records", "assignments"} <= set(data)
    assert data["overrides"] and data["records"]
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    counts = import_json(fresh, text)
    assert counts["submissions"] == len(data["submissions"])
    after = score_all(fresh, graded_cohort.profile, now=graded_cohort.now)
    assert sorted(after) == sorted(before)
    for name, old in before.items():
        new = after[name]
        for dim in DIMENSIONS:
            assert abs(new.dimensions[dim].mean - old.dimensions[dim].mean) < 1e-9, (name, dim)
            assert abs(new.dimensions[dim].successes - old.dimensions[dim].successes) < 1e-9
        assert abs(new.overall.mean - old.overall.mean) < 1e-9
        assert new.excluded == old.excluded and new.basis == old.basis
        assert [g.overrides for g in new.graded] == [g.overrides for g in old.graded]


@pytest.mark.docker
def test_one_candidate_export_carries_only_their_rows(graded_cohort):
    data = export_data(
        graded_cohort.store, _scores(graded_cohort).values(), candidate=graded_cohort.fixer
    )
    assert data["candidates"] == [graded_cohort.fixer]
    assert {s["candidate"] for s in data["submissions"]} == {graded_cohort.fixer}
    assert {r["engineer"] for r in data["records"]} == {graded_cohort.fixer}
    assert [s["candidate"] for s in data["scores"]] == [graded_cohort.fixer]


@pytest.mark.docker
def test_junit_has_a_suite_per_submission_and_a_failure_per_unfixed_item(graded_cohort):
    scores = _scores(graded_cohort)
    xml = JUnitXml.fromstring(export_junit(scores.values()))
    suites = list(xml)
    graded = [g for s in scores.values() for g in s.graded]
    assert len(suites) == len(graded)
    by_submission = {g.submission_id: g for g in graded}
    for suite in suites:
        props = {p.name: p.value for p in suite.properties()}
        g = by_submission[props["submission"]]
        assert props["candidate"] == g.candidate
        cases = {case.name: case for case in suite}
        assert set(cases) == {i.id for i in g.items}
        for item in g.items:
            results = cases[item.id].result
            failed = any(isinstance(r, Failure) for r in results)
            assert failed == (item.verdict not in ("fixed", "kept", "flaky")), item
            assert not any(isinstance(r, Skipped) for r in results) or item.verdict == "flaky"
    hostile = next(s for s in suites if "alert(1)" in s.name)
    assert any("lost" in (r.message or "") for c in hostile for r in c.result)


@pytest.mark.docker
def test_csv_has_one_row_per_candidate_and_dimension(graded_cohort):
    scores = _scores(graded_cohort)
    rows = list(csv.DictReader(io.StringIO(export_csv(scores.values()))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(scores) * (len(DIMENSIONS) + 1)
    ada = {r["dimension"]: r for r in rows if r["candidate"] == graded_cohort.fixer}
    assert set(ada) == {*DIMENSIONS, "overall"}
    assert float(ada["catch"]["mean"]) == pytest.approx(
        scores[graded_cohort.fixer].dimensions["catch"].mean, abs=1e-6
    )


def _minimal() -> dict:
    return {
        "schema": 1,
        "dsim_version": "0.1.0",
        "exported_at": "2026-01-01T00:00:00+00:00",
        "candidates": ["ada"],
        "submissions": [
            {
                "id": "s1",
                "assignment_id": None,
                "candidate": "ada",
                "scenario_id": "x",
                "scenario_version": "1.0.0",
                "scenario_ref": "x",
                "seed": 1,
                "diff": "",
                "review": "",
                "content_hash": "h",
                "source": "patch",
                "elapsed_seconds": None,
                "findings": [],
                "submitted_at": "2026-01-01T00:00:00+02:00",
            }
        ],
        "results": [
            {
                "id": "r1",
                "submission_id": "s1",
                "key": "k",
                "status": "graded",
                "backend": "docker",
                "isolated": True,
                "graded_at": "2026-01-01T00:00:00Z",
                "data": {"items": []},
            }
        ],
    }


def test_import_is_all_or_nothing_and_lists_every_problem(store):
    assert import_json(store, json.dumps(_minimal())) == {
        "assignments": 0,
        "submissions": 1,
        "results": 1,
        "overrides": 0,
        "records": 0,
    }
    assert store.submission("s1").submitted_at.hour == 22  # +02:00 stored as UTC
    with pytest.raises(InvalidInput) as again:
        import_json(store, json.dumps(_minimal()))
    assert "submissions: id s1 is already in the store" in str(again.value)
    bad = _minimal()
    bad["submissions"][0]["id"] = "s2"
    bad["submissions"][0].pop("diff")
    bad["results"][0]["isolated"] = "sometimes"
    bad["records"] = [{"id": "x"}]
    with pytest.raises(InvalidInput) as err:
        import_json(store, json.dumps(bad))
    text = str(err.value)
    assert "submissions.0.diff: Field required" in text
    assert "results.0.isolated" in text and "records.0.engineer" in text
    assert len(store.submissions()) == 1


def test_unknown_schema_and_dangling_references_are_refused(store):
    future = _minimal() | {"schema": 4}
    with pytest.raises(InvalidInput, match="schema 4 is not supported"):
        import_json(store, json.dumps(future))
    dangling = _minimal()
    dangling["results"][0]["submission_id"] = "nope"
    with pytest.raises(InvalidInput, match="submission nope is not in the file"):
        import_json(store, json.dumps(dangling))
    with pytest.raises(InvalidInput, match="not valid JSON"):
        import_json(store, "{")
    assert store.submissions() == []


def _with_record() -> dict:
    record = {
        "id": "d1",
        "engineer": "ada",
        "date": "2026-03-14T00:00:00+00:00",
        "source": "jira PAY-812",
        "dimension": "catch",
        "outcome": "fail",
        "weight": 1.0,
        "note": "",
    }
    return _minimal() | {"records": [record]}


def test_imported_candidate_ids_are_normalised_with_the_names_kept(store):
    data = _with_record()
    data["submissions"][0]["candidate"] = " Ada "
    data["records"][0]["engineer"] = "ADA"
    import_json(store, json.dumps(data))
    [sub] = store.submissions(candidate="ada")
    [record] = store.records("ada")
    assert (sub.candidate, sub.candidate_name) == ("ada", "Ada")
    assert (record.engineer, record.engineer_name) == ("ada", "ADA")
    assert record.key.startswith("sha256:")  # a file from before keys gets content keys


def test_a_record_already_in_the_store_under_another_id_is_refused(store):
    import_json(store, json.dumps(_with_record()))
    again = _with_record() | {"submissions": [], "results": []}
    again["records"][0]["id"] = "other"
    with pytest.raises(InvalidInput, match="already in the store as another record"):
        import_json(store, json.dumps(again))


def test_deleted_records_travel_as_tombstones(store, tmp_path):
    from harness.scoring.records import delete_record

    import_json(store, json.dumps(_with_record()))
    delete_record(store, store.records()[0].id, by="lee", reason="wrong person")
    data = export_data(store, [])
    assert data["records"][0]["deleted_by"] == "lee"
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    import_json(fresh, json.dumps(data))
    assert fresh.records() == []
    [tomb] = fresh.records(deleted=True)
    assert (tomb.deleted_by, tomb.deleted_reason) == ("lee", "wrong person")
