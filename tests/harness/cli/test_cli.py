"""The CLI as a user runs it: a subprocess, exit codes, clean errors, JSON only with --json."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from harness.errors import ExitCode

ROOT = Path(__file__).resolve().parents[3]


def dsim(tmp_path: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "--home", str(tmp_path / "home"), *args],
        capture_output=True,
        text=True,
        cwd=cwd or tmp_path,
        timeout=120,
        check=False,
    )


def test_scenarios_list_json_is_json_only_and_hides_flaw_details(tmp_path):
    proc = dsim(tmp_path, "scenarios", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert {"invoice-rounding", "session-tokens"} <= {r["id"] for r in rows}
    assert all("flaw_details" not in r for r in rows)
    shown = json.loads(
        dsim(tmp_path, "scenarios", "show", "invoice-rounding", "--assessor", "--json").stdout
    )
    assert shown["flaw_details"][0]["locations"]


def test_unknown_scenario_is_one_clean_error_line(tmp_path):
    proc = dsim(tmp_path, "start", "no-such-thing", "--candidate", "ada")
    assert proc.returncode == ExitCode.NOT_FOUND
    assert proc.stderr.startswith("Error: no scenario 'no-such-thing'")
    assert "Traceback" not in proc.stderr


def test_invalid_manifest_lists_every_problem_and_exits_3(tmp_path):
    assert dsim(tmp_path, "scenario", "new", "demo-one", "--dir", "demo-one").returncode == 0
    manifest = tmp_path / "demo-one" / "scenario.toml"
    manifest.write_text(
        manifest.read_text()
        .replace("severity = 2", "severity = 9")
        .replace('difficulty = "intro"', 'difficulty = "easy"')
    )
    proc = dsim(tmp_path, "scenario", "validate", "demo-one")
    assert proc.returncode == ExitCode.INVALID_INPUT
    assert "[difficulty]" in proc.stdout and "[flaws[0].severity]" in proc.stdout


def test_new_hire_walks_start_edit_submit_results(tmp_path):
    assert dsim(tmp_path, "scenario", "new", "demo-one", "--dir", "demo-one").returncode == 0
    out = dsim(tmp_path, "start", "demo-one", "--candidate", "ada", "--dir", "ws", "--json")
    assert out.returncode == 0, out.stderr
    ws = Path(json.loads(out.stdout)["workspace"])
    loud = (
        tmp_path / ws / "src/greeter/loud.py"
        if not ws.is_absolute()
        else ws / "src/greeter/loud.py"
    )
    loud.write_text(loud.read_text().replace("greet(name)", "greet(name.strip())"))
    sub = dsim(tmp_path, "submit", str(loud.parents[2]), "--json")
    assert sub.returncode == 0, sub.stderr
    results = json.loads(dsim(tmp_path, "results", "--json").stdout)
    assert [(r["candidate"], r["status"]) for r in results] == [("ada", "pending")]


def test_protected_path_submission_exits_with_integrity_code(tmp_path):
    dsim(tmp_path, "scenario", "new", "demo-one", "--dir", "demo-one")
    patch = tmp_path / "p.diff"
    patch.write_text(
        "diff --git a/conftest.py b/conftest.py\nnew file mode 100644\n"
        "--- /dev/null\n+++ b/conftest.py\n@@ -0,0 +1 @@\n+x = 1\n"
    )
    proc = dsim(
        tmp_path, "submit", "--scenario", "demo-one", "--candidate", "eve", "--patch", str(patch)
    )
    assert proc.returncode == ExitCode.INTEGRITY
    assert "conftest.py configures the test run and is protected" in proc.stderr


def demo_workspace(tmp_path: Path, candidate: str = "ada") -> Path:
    """``dsim start`` on the scaffolded demo, with a tracked docs page outside ``editable``."""
    if not (tmp_path / "demo-one").exists():
        assert dsim(tmp_path, "scenario", "new", "demo-one", "--dir", "demo-one").returncode == 0
        (tmp_path / "demo-one" / "repo" / "docs").mkdir()
        (tmp_path / "demo-one" / "repo" / "docs" / "usage.md").write_text("# Usage\n")
    ws = tmp_path / f"ws-{candidate}"
    out = dsim(tmp_path, "start", "demo-one", "--candidate", candidate, "--dir", str(ws))
    assert out.returncode == 0, out.stderr
    loud = ws / "src/greeter/loud.py"
    loud.write_text(loud.read_text().replace("greet(name)", "greet(name.strip())"))
    return ws


def clutter(ws: Path) -> None:
    for rel in (".idea/workspace.xml", "drafts/one.txt", "drafts/two.txt", "notes.txt"):
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text("x\n")
    (ws / "scratch.py").write_text("print(1)\n")


def test_clutter_is_listed_as_not_submitted_and_exits_0(tmp_path):
    ws = demo_workspace(tmp_path)
    clutter(ws)
    proc = dsim(tmp_path, "submit", str(ws))
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert (
        "  Not submitted (outside the editable paths (src/**, tests/**)): "
        "drafts/ (2 files), notes.txt, scratch.py\n"
    ) in proc.stdout
    assert "integrity" not in proc.stderr and "protected" not in proc.stderr
    ws_json = demo_workspace(tmp_path, "bob")
    clutter(ws_json)
    data = json.loads(dsim(tmp_path, "submit", str(ws_json), "--json").stdout)
    assert data["findings"] == []
    assert [(n["path"], n["files"]) for n in data["not_submitted"]] == [
        ("drafts/", 2),
        ("notes.txt", 1),
        ("scratch.py", 1),
    ]


def test_a_changed_protected_tracked_file_exits_5_and_clutter_stays_a_note(tmp_path):
    ws = demo_workspace(tmp_path)
    (ws / "docs" / "usage.md").write_text("# Usage, rewritten\n")
    clutter(ws)
    proc = dsim(tmp_path, "submit", str(ws))
    assert proc.returncode == ExitCode.INTEGRITY
    assert "integrity: docs/usage.md: outside the editable paths" in proc.stderr
    assert "notes.txt" not in proc.stderr
    assert "Not submitted" in proc.stdout and "notes.txt" in proc.stdout


REVIEW_WITH_SLIPS = (
    "# Review\n\n"
    "- src/greeter/loud.py line 37 [correctness] not stripped\n"
    "- src/greeter/loud.py:4-6 [bug] shouts with spaces\n"
    "- src/greeter/loud.py:5 [Correctness] name is not cleaned\n"
)


def submit_patch(tmp_path: Path, review: str, *extra: str) -> subprocess.CompletedProcess[str]:
    if not (tmp_path / "demo-one").exists():
        assert dsim(tmp_path, "scenario", "new", "demo-one", "--dir", "demo-one").returncode == 0
    (tmp_path / "empty.diff").write_text("")
    (tmp_path / "REVIEW.md").write_text(review)
    return dsim(
        tmp_path,
        "submit",
        "--scenario",
        "demo-one",
        "--candidate",
        "eve",
        "--patch",
        "empty.diff",
        "--review",
        "REVIEW.md",
        *extra,
    )


def test_submit_shows_each_review_line_that_does_not_parse_with_its_fix(tmp_path):
    proc = submit_patch(tmp_path, REVIEW_WITH_SLIPS)
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert "  REVIEW.md: 1 finding.\n" in proc.stdout
    assert (
        "  warning: REVIEW.md line 3 is not a finding: "
        "- src/greeter/loud.py line 37 [correctness] not stripped\n"
    ) in proc.stderr
    assert "write the location as src/greeter/loud.py:37" in proc.stderr
    assert "REVIEW.md line 4 is not a finding" in proc.stderr
    assert "unknown category [bug] (use one of correctness, security," in proc.stderr
    assert "line 5" not in proc.stderr
    data = json.loads(submit_patch(tmp_path, REVIEW_WITH_SLIPS + "\n", "--json").stdout)
    assert data["review"]["findings"] == 1
    assert [(p["line"], p["text"]) for p in data["review"]["problems"]] == [
        (3, "- src/greeter/loud.py line 37 [correctness] not stripped"),
        (4, "- src/greeter/loud.py:4-6 [bug] shouts with spaces"),
    ]
    assert "unknown category [bug]" in data["review"]["problems"][1]["why"]
    assert data["review"]["warning"] is None


def test_an_untouched_template_is_submitted_with_a_warning(tmp_path):
    ws = demo_workspace(tmp_path)
    proc = dsim(tmp_path, "submit", str(ws))
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert "  REVIEW.md: 0 findings.\n" in proc.stdout
    assert "warning: REVIEW.md is still the template" in proc.stderr
    empty = json.loads(submit_patch(tmp_path, "", "--json").stdout)
    assert empty["review"] == {
        "findings": 0,
        "problems": [],
        "warning": empty["review"]["warning"],
    }
    assert "REVIEW.md is empty" in empty["review"]["warning"]


def test_an_identical_resubmission_stores_nothing_and_says_so(tmp_path):
    first = json.loads(submit_patch(tmp_path, REVIEW_WITH_SLIPS, "--json").stdout)
    again = submit_patch(tmp_path, REVIEW_WITH_SLIPS, "--json")
    assert again.returncode == ExitCode.OK
    assert json.loads(again.stdout)["submission"] == first["submission"]
    assert (first["duplicate"], json.loads(again.stdout)["duplicate"]) == (False, True)
    text = submit_patch(tmp_path, REVIEW_WITH_SLIPS)
    assert text.stdout.startswith(f"Already submitted as {first['submission']} for eve")
    assert "Nothing new was stored." in text.stdout
    listed = json.loads(dsim(tmp_path, "results", "--all", "--json").stdout)
    assert [r["submission"] for r in listed] == [first["submission"]]


def test_bad_option_combination_is_a_usage_error(tmp_path):
    proc = dsim(tmp_path, "submit", "--patch", str(tmp_path))
    assert proc.returncode == ExitCode.USAGE


def test_wheel_ships_the_scenario_library_as_package_data(tmp_path):
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if build.returncode != 0 and "setuptools" in build.stderr:
        pytest.fail("setuptools is needed to build the wheel: " + build.stderr[-300:])
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("dsim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "scenarios/invoice-rounding/scenario.toml" in names
    for data in (
        "harness/grading/runner/dsim_runner.py",
        "harness/reports/templates/report.html.j2",
        "harness/reports/templates/practice.toml",
        "harness/scoring/profiles/default.toml",
        "harness/store/migrations/versions/0001_first_release.py",
    ):
        assert data in names
    assert not [n for n in names if "__pycache__" in n]
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path[:0] = [{str(target)!r}]; "
            "import harness.scenarios.scenario as s; print(s.builtin_root()); "
            "print(','.join(s.builtin_ids()))",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        check=True,
    )
    root, ids = proc.stdout.split()
    assert root.startswith(str(target))
    assert "invoice-rounding" in ids.split(",")
