"""``dsim report``, ``compare --html``, ``export`` and ``import`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from junitparser import JUnitXml

from harness.errors import ExitCode


def dsim(db_url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "--home", str(cwd / "home"), "--db", db_url, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.docker
def test_report_writes_one_html_file_for_assessor_and_candidate(graded_cohort, tmp_path):
    db = graded_cohort.db_url
    out = tmp_path / "reports" / "ada.html"
    proc = dsim(db, "report", graded_cohort.fixer, "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text()
    assert html.startswith("<!doctype html>") and graded_cohort.fixer in html
    assert "Seeded flaws" in html
    default = dsim(db, "report", graded_cohort.fixer, "--for-candidate", cwd=tmp_path)
    assert default.returncode == 0, default.stderr
    feedback = (tmp_path / f"{graded_cohort.fixer}-feedback.html").read_text()
    assert "your feedback" in feedback and "Seeded flaws" not in feedback
    stdout = dsim(db, "report", graded_cohort.hostile, "-o", "-", cwd=tmp_path)
    assert stdout.returncode == 0 and "&lt;script&gt;alert(1)" in stdout.stdout
    assert "<script>" not in stdout.stdout


@pytest.mark.docker
def test_compare_html_ranks_everyone_on_one_page(graded_cohort, tmp_path):
    page = tmp_path / "compare.html"
    proc = dsim(
        graded_cohort.db_url,
        "compare",
        graded_cohort.fixer,
        graded_cohort.reverter,
        graded_cohort.accepter,
        "--html",
        str(page),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ranked by" in proc.stdout
    html = page.read_text()
    assert "3 candidates compared" in html and 'id="matrix"' in html


@pytest.mark.docker
def test_export_then_import_into_a_new_store_gives_the_same_scores(graded_cohort, tmp_path):
    exported = tmp_path / "all.json"
    proc = dsim(
        graded_cohort.db_url, "export", "--format", "json", "-o", str(exported), cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    imported = dsim(fresh, "import", str(exported), "--json", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["submissions"] == len(
        json.loads(exported.read_text())["submissions"]
    )
    old = json.loads(
        dsim(graded_cohort.db_url, "score", graded_cohort.accepter, "--json", cwd=tmp_path).stdout
    )
    new = json.loads(dsim(fresh, "score", graded_cohort.accepter, "--json", cwd=tmp_path).stdout)
    assert new["dimensions"] == old["dimensions"] and new["score"] == old["score"]
    again = dsim(fresh, "import", str(exported), cwd=tmp_path)
    assert again.returncode == ExitCode.INVALID_INPUT
    assert again.stderr.startswith("Error: the export file does not fit this store")


@pytest.mark.docker
def test_export_csv_and_junit_for_one_candidate(graded_cohort, tmp_path):
    proc = dsim(
        graded_cohort.db_url,
        "export",
        "--format",
        "csv",
        "--candidate",
        graded_cohort.accepter,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 + 6 and all(graded_cohort.accepter in line for line in lines[1:])
    junit = tmp_path / "a.xml"
    proc = dsim(
        graded_cohort.db_url,
        "export",
        "--format",
        "junit",
        "--candidate",
        graded_cohort.accepter,
        "-o",
        str(junit),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(list(JUnitXml.fromfile(str(junit)))) == 2


def test_unknown_candidate_and_bad_format_are_clean_errors(tmp_path):
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    proc = dsim(db, "report", "nobody", cwd=tmp_path)
    assert proc.returncode == ExitCode.NOT_FOUND
    assert proc.stderr.startswith("Error: no graded work or delivery records for 'nobody'")
    assert "Traceback" not in proc.stderr
    assert dsim(db, "export", "--format", "xlsx", cwd=tmp_path).returncode == ExitCode.USAGE
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe not json")
    proc = dsim(db, "import", str(bad), cwd=tmp_path)
    assert proc.returncode == ExitCode.INVALID_INPUT and "Traceback" not in proc.stderr
