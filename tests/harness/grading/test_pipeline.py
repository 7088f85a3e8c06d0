"""The grading pipeline's bookkeeping: resumable batches, content keys, infra errors apart."""

from __future__ import annotations

import pytest

from harness.backends import get_backend
from harness.errors import InfraError
from harness.grading import pipeline as grading
from harness.workspace.submit import submit


def test_infra_error_is_stored_apart_and_graded_again_on_the_next_run(demo, store, monkeypatch):
    row, _ = submit(store, demo, candidate="ada", diff="", review_text="", source="patch")
    backend = get_backend("local")
    real = grading.grade_one

    def engine_down(*_a, **_k):
        raise InfraError("Docker engine not reachable")

    monkeypatch.setattr(grading, "grade_one", engine_down)
    first = grading.grade_submission(store, row.id, backend)
    assert first.status == "infra_error"
    assert "not reachable" in first.summary
    monkeypatch.setattr(grading, "grade_one", real)
    second = grading.grade_submission(store, row.id, backend)
    assert second.status == "graded" and not second.cached
    third = grading.grade_submission(store, row.id, backend)
    assert third.cached and third.status == "graded"


def test_results_are_keyed_by_content_not_by_id(demo, store, tmp_path):
    row, _ = submit(store, demo, candidate="ada", diff="", review_text="", source="patch")
    key = grading.result_key(row, demo)
    brief = demo.path / "BRIEF.md.j2"
    brief.write_text(brief.read_text() + "\nOne more acceptance criterion.\n")
    from harness.scenarios.scenario import load

    assert grading.result_key(row, load(demo.path)) != key


def test_unisolated_results_are_marked(demo, store):
    row, _ = submit(store, demo, candidate="ada", diff="", review_text="", source="patch")
    grading.grade_submission(store, row.id, get_backend("local"))
    result = store.latest_result(row.id)
    assert result.isolated is False and result.backend == "local"


def test_require_isolation_refuses_the_local_backend(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "--home",
            str(tmp_path),
            "grade",
            "--pending",
            "--backend",
            "local",
            "--require-isolation",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "not isolated" in proc.stderr


@pytest.mark.docker
def test_grade_batch_runs_in_parallel_and_stores_everything(demo, store, base_image):
    ids = [
        submit(store, demo, candidate=f"c{i}", diff="", review_text="", source="patch")[0].id
        for i in range(3)
    ]
    done = grading.grade_batch(store, ids, get_backend("docker"), jobs=2)
    assert sorted(d.submission_id for d in done) == sorted(ids)
    assert all(store.latest_result(i).status == "graded" for i in ids)


def test_a_job_that_fails_before_grading_is_an_error_and_an_errored_result_is_not(demo, store):
    # A stored `errored` result (the submission no longer applies) is the candidate's outcome and
    # exits 0; a job that could not even start (unknown submission) is a failure of the batch.
    from harness.grading.pipeline import BatchEntry
    from harness.result import ResultStatus

    backend = get_backend("local")
    [entry] = grading.grade_batch(store, ["no-such-submission"], backend, jobs=1)
    assert entry.status is None and entry.failed and entry.label == "error"
    assert "no submission" in entry.summary
    errored = BatchEntry(
        submission_id="s", candidate="c", scenario_id="x", status=ResultStatus.ERRORED,
        cached=False, summary="the patch no longer applies", seconds=0.0,
    )  # fmt: skip
    assert not errored.failed and errored.label == "errored"
