"""``dsim submit``: what a workspace hands in, what it leaves out, and what REVIEW.md says.

Workspaces are made by the real :func:`start` in ``tmp_path`` and cluttered the way scratch
files, notes and virtualenvs clutter them. The clutter is named so that no ``.gitignore`` start
may ship covers it; where ignore rules matter, the test writes its own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graders.scope import grade_scope
from harness.backends.local import LocalBackend
from harness.errors import InvalidInput
from harness.grading.pipeline import build_context
from harness.result import FindingCode, Scope
from harness.scenarios.scenario import Scenario, load
from harness.store import Store
from harness.workspace.review_notes import TEMPLATE, check_review, parse_review
from harness.workspace.start import start
from harness.workspace.submit import (
    hand_in,
    hand_in_workspace,
    submit,
    submit_directory,
)

FIX = ("greet(name)", "greet(name.strip())")
LOUD = "src/greeter/loud.py"


def workspace(scenario: Scenario, store: Store, tmp_path: Path, candidate: str = "ada") -> Path:
    return start(scenario, candidate, tmp_path / f"ws-{candidate}", store).workspace


def write(ws: Path, rel: str, data: str | bytes) -> None:
    path = ws / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)


def fix(ws: Path) -> None:
    loud = ws / LOUD
    loud.write_text(loud.read_text().replace(*FIX))


def clutter(ws: Path) -> None:
    """What the issue measured: a tool's folder, notes and a scratch script at the top level."""
    write(ws, "drafts/one.xml", "<project/>\n")
    write(ws, "drafts/two.xml", "<project/>\n")
    write(ws, "notes.txt", "ask about rounding\n")
    write(ws, "scratch.py", "print(1)\n")


def ignore(ws: Path, *patterns: str) -> None:
    """Add ignore rules to the workspace's .gitignore (made here when start ships none)."""
    gitignore = ws / ".gitignore"
    old = gitignore.read_text() if gitignore.exists() else ""
    gitignore.write_text(old + "".join(f"{p}\n" for p in patterns))


def git(ws: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ws), "-c", "user.name=a", "-c", "user.email=a@b", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def demo_with_tracked_extras(demo: Scenario) -> Scenario:
    """The demo with codebase files outside ``editable``: a conftest.py and a docs page."""
    (demo.path / "repo" / "conftest.py").write_text("# the codebase's own\n")
    (demo.path / "repo" / "docs").mkdir()
    (demo.path / "repo" / "docs" / "usage.md").write_text("# Usage\n")
    return load(demo.path)


# --- clutter is not tampering ------------------------------------------------------------------


def test_clutter_outside_editable_is_not_submitted_and_is_no_integrity_finding(
    demo, store, tmp_path
):
    ws = workspace(demo, store, tmp_path)
    fix(ws)
    clutter(ws)
    row, findings = submit_directory(store, ws)
    assert findings == []
    assert row.findings == []
    assert "greet(name.strip())" in row.diff
    for path in ("drafts/", "notes.txt", "scratch.py"):
        assert path not in row.diff


def test_clutter_is_listed_once_per_folder_with_why(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    fix(ws)
    clutter(ws)
    receipt = hand_in_workspace(store, ws)
    assert [(lo.path, lo.files) for lo in receipt.left_out] == [
        ("drafts/", 2),
        ("notes.txt", 1),
        ("scratch.py", 1),
    ]
    assert all("outside the editable paths" in lo.reason for lo in receipt.left_out)
    assert receipt.findings == ()


def test_a_file_the_candidate_committed_outside_editable_is_clutter_too(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    write(ws, "notes.txt", "todo\n")
    git(ws, "add", "notes.txt")
    git(ws, "commit", "-qm", "my notes")
    receipt = hand_in_workspace(store, ws)
    assert receipt.findings == ()
    assert [lo.path for lo in receipt.left_out] == ["notes.txt"]
    assert receipt.submission.diff == ""


def test_an_unignored_virtualenv_with_binaries_is_left_out_not_refused(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    write(ws, "my-env/lib/python3.11/site-packages/pip/_vendor/distlib/t64.exe", b"MZ\x00\x01")
    write(ws, "my-env/bin/python", b"\x7fELF\x00\x02")
    write(ws, "my-env/lib/python3.11/site-packages/_virtualenv.pth", "import _virtualenv\n")
    fix(ws)
    receipt = hand_in_workspace(store, ws)
    assert receipt.findings == ()
    assert [(lo.path, lo.files) for lo in receipt.left_out] == [("my-env/", 3)]
    assert "greet(name.strip())" in receipt.submission.diff


def test_a_real_virtualenv_never_blocks_a_submission(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    subprocess.run([sys.executable, "-m", "venv", str(ws / "my-env")], check=True, timeout=300)
    fix(ws)
    receipt = hand_in_workspace(store, ws)
    assert receipt.findings == ()
    assert [lo.path for lo in receipt.left_out] == ["my-env/"]
    assert "greet(name.strip())" in receipt.submission.diff
    # Ignored, it is not even looked at.
    ignore(ws, "my-env/")
    again = hand_in_workspace(store, ws)
    assert again.findings == ()
    assert [lo.path for lo in again.left_out] == [".gitignore"]


def test_a_binary_under_an_ignored_folder_never_blocks_a_submission(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    ignore(ws, ".venv/")
    write(ws, ".venv/bin/python", b"\x7fELF\x00\x02")
    row, findings = submit_directory(store, ws)
    assert findings == [] and row.diff == ""


def test_files_the_workspace_ignores_are_never_looked_at(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    ignore(ws, ".venv/", "*.log")
    write(ws, ".venv/bin/python", b"\x7fELF\x00\x02")
    write(ws, "src/greeter/debug.log", "x\n")
    receipt = hand_in_workspace(store, ws)
    assert receipt.findings == ()
    assert ".venv/" not in [lo.path for lo in receipt.left_out]
    assert "debug.log" not in receipt.submission.diff


def test_editing_the_workspace_gitignore_is_the_candidates_business(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    ignore(ws, "notes/")
    receipt = hand_in_workspace(store, ws)
    assert receipt.findings == ()
    assert [lo.path for lo in receipt.left_out] == [".gitignore"]
    assert ".gitignore" not in receipt.submission.diff


def test_an_ignore_rule_cannot_turn_a_tracked_file_into_a_deletion(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    ignore(ws, "loud.py")
    fix(ws)
    diff = hand_in_workspace(store, ws).submission.diff
    assert "+    return greet(name.strip()).upper()" in diff
    assert "deleted file" not in diff


def test_new_files_inside_editable_are_submitted(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    write(ws, "src/greeter/extra.py", "X = 1\n")
    write(ws, "tests/test_extra.py", "def test_x():\n    assert True\n")
    receipt = hand_in_workspace(store, ws)
    assert "b/src/greeter/extra.py" in receipt.submission.diff
    assert "b/tests/test_extra.py" in receipt.submission.diff
    assert receipt.left_out == ()


def test_a_git_repository_inside_the_workspace_is_left_out(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    write(ws, "src/greeter/vendored/lib.py", "X = 1\n")
    git(ws / "src/greeter/vendored", "init", "-q")
    receipt = hand_in_workspace(store, ws)
    assert receipt.findings == ()
    assert [(lo.path, lo.reason) for lo in receipt.left_out] == [
        ("src/greeter/vendored/", "a git repository of its own")
    ]
    assert receipt.submission.diff == ""


# --- tampering is still tampering ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("conftest.py", "conftest.py configures the test run and is protected"),
        ("docs/usage.md", "outside the editable paths (src/**, tests/**)"),
    ],
)
def test_a_change_to_a_protected_tracked_file_is_an_integrity_finding(
    demo_with_tracked_extras, store, tmp_path, path, reason
):
    ws = workspace(demo_with_tracked_extras, store, tmp_path)
    write(ws, path, "changed\n")
    clutter(ws)
    receipt = hand_in_workspace(store, ws)
    assert [(f.kind, f.path) for f in receipt.findings] == [(FindingCode.PROTECTED_PATH, path)]
    assert reason in receipt.findings[0].detail
    assert [lo.path for lo in receipt.left_out] == ["drafts/", "notes.txt", "scratch.py"]


def test_deleting_a_protected_tracked_file_is_an_integrity_finding(
    demo_with_tracked_extras, store, tmp_path
):
    ws = workspace(demo_with_tracked_extras, store, tmp_path)
    (ws / "docs" / "usage.md").unlink()
    receipt = hand_in_workspace(store, ws)
    assert [(f.kind, f.path) for f in receipt.findings] == [
        (FindingCode.PROTECTED_PATH, "docs/usage.md")
    ]


def test_a_new_conftest_inside_editable_is_submitted_and_flagged(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    write(ws, "tests/conftest.py", "import os\n")
    receipt = hand_in_workspace(store, ws)
    assert [(f.kind, f.path) for f in receipt.findings] == [
        (FindingCode.PROTECTED_PATH, "tests/conftest.py")
    ]


def test_a_binary_file_inside_editable_is_still_refused(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    write(ws, "src/logo.png", b"\x89PNG\x00\x01\x02")
    write(ws, ".venv/bin/python", b"\x7fELF\x00\x02")
    with pytest.raises(InvalidInput, match="binary files cannot be submitted") as err:
        hand_in_workspace(store, ws)
    assert "src/logo.png" in str(err.value)
    assert ".venv" not in str(err.value)


# --- scope --------------------------------------------------------------------------------------


def scope_of(scenario: Scenario, store: Store, submission_id: str) -> Scope:
    ctx, _notes = build_context(scenario, store.submission(submission_id), LocalBackend())
    section = grade_scope(ctx).section
    assert isinstance(section, Scope)
    return section


def test_clutter_does_not_count_against_scope(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    fix(ws)
    clutter(ws)
    write(ws, ".venv/bin/python", b"\x7fELF\x00\x02")
    row, _ = submit_directory(store, ws)
    scope = scope_of(demo, store, row.id)
    assert (scope.protected_attempts, scope.out_of_scope) == (0, 0)
    assert scope.files_touched == (LOUD,)


def test_a_protected_tracked_change_still_counts_against_scope(
    demo_with_tracked_extras, store, tmp_path
):
    ws = workspace(demo_with_tracked_extras, store, tmp_path)
    write(ws, "conftest.py", "import os\n")
    row, _ = submit_directory(store, ws)
    scope = scope_of(demo_with_tracked_extras, store, row.id)
    assert (scope.protected_attempts, scope.out_of_scope) == (1, 1)


# --- REVIEW.md is checked at submit --------------------------------------------------------------

SLIPS = (
    "- src/greeter/loud.py line 37 [correctness] not stripped\n"
    "- src/greeter/loud.py:4-6 [bug] shouts with spaces\n"
    "- src/greeter/loud.py:5 [Correctness] name is not cleaned\n"
)


def test_small_slips_in_findings_are_problems_that_say_how_to_fix_them():
    check = check_review(SLIPS)
    assert [(f.path, f.start, f.end, f.category) for f in check.findings] == [
        (LOUD, 5, 5, "correctness")
    ]
    assert [(p.line, p.text) for p in check.problems] == [
        (1, "- src/greeter/loud.py line 37 [correctness] not stripped"),
        (2, "- src/greeter/loud.py:4-6 [bug] shouts with spaces"),
    ]
    assert "src/greeter/loud.py:37" in check.problems[0].why
    assert "unknown category [bug]" in check.problems[1].why
    for category in ("correctness", "security", "test-quality", "maintainability"):
        assert category in check.problems[1].why
    assert check.warning == ""


def test_parse_review_notes_are_the_same_problems():
    findings, notes = parse_review(SLIPS)
    assert len(findings) == 1
    assert notes == [f"REVIEW.md line {p.line}: {p.why}" for p in check_review(SLIPS).problems]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("- line 37 [correctness] not stripped", "the file's path is missing"),
        ("- :37 [correctness] not stripped", "the file's path is missing"),
        ("- [security] secrets in logs", "the file's path is missing"),
        ("- src/greeter/loud.py [correctness] x", "the line numbers are missing"),
        ("- src/greeter/loud.py: missing lines", "the line numbers are missing"),
        ("- src/greeter/loud.py:START-END [correctness] x", "the line numbers are missing"),
        (
            "- src/greeter/loud.py#L37 [correctness] x",
            "write the location as src/greeter/loud.py:37",
        ),
        (
            "- src/greeter/loud.py lines 4-6 [correctness] x",
            "write the location as src/greeter/loud.py:4-6",
        ),
        ("- src/greeter/loud.py:5 not stripped", "the category is missing"),
        ("- src/greeter/loud.py:5 x [correctness] y", "right after the location"),
        ("1. src/greeter/loud.py:5 [correctness] x", "start the line with `- `"),
        ("src/greeter/loud.py:5 [correctness] x", "start the line with `- `"),
        ("- src/greeter/loud.py:5 [perf] slow", "did you mean [performance]"),
    ],
)
def test_each_kind_of_slip_is_named(line, why):
    check = check_review(f"# Review\n\n{line}\n")
    assert check.findings == ()
    assert [p.line for p in check.problems] == [3]
    assert why in check.problems[0].why


def test_categories_are_case_insensitive_and_stored_lowercase():
    check = check_review("* `src/a.py:3-1` [Test-Quality] asserts nothing\n")
    assert [(f.path, f.start, f.end, f.category) for f in check.findings] == [
        ("src/a.py", 1, 3, "test-quality")
    ]
    assert check.problems == ()


def test_free_text_is_not_a_problem():
    text = TEMPLATE + (
        "- src/greeter/loud.py:5 [correctness] name not stripped\n"
        "\n## Notes\n\n"
        "- I kept the loud() helper: it does what the ticket asks.\n"
        "- [x] ran the tests\n"
        "* Reverted the settings change, see TRANSCRIPT.md\n"
        "Line 12 of the brief is ambiguous [I think].\n"
    )
    check = check_review(text)
    assert len(check.findings) == 1
    assert check.problems == ()
    assert check.warning == ""


@pytest.mark.parametrize("text", ["", "  \n\n", TEMPLATE, TEMPLATE.rstrip() + "\n\n\n"])
def test_an_empty_review_or_the_untouched_template_is_a_warning(text):
    check = check_review(text)
    assert check.findings == () and check.problems == ()
    assert check.warning
    assert ("template" in check.warning) == bool(text.strip())


def test_review_problems_never_refuse_a_submission(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    (ws / "REVIEW.md").write_text(SLIPS)
    receipt = hand_in_workspace(store, ws)
    assert len(receipt.review.findings) == 1
    assert [p.line for p in receipt.review.problems] == [1, 2]
    assert receipt.submission.review == SLIPS
    untouched = hand_in(store, demo, candidate="eve", diff="", review_text=TEMPLATE, source="patch")
    assert "template" in untouched.review.warning


# --- resubmitting ---------------------------------------------------------------------------------


def test_an_identical_resubmission_returns_the_existing_one_and_stores_nothing(
    demo, store, tmp_path
):
    ws = workspace(demo, store, tmp_path)
    fix(ws)
    first, _ = submit_directory(store, ws)
    clutter(ws)  # left out either way: the submission is the same
    again = hand_in_workspace(store, ws)
    assert again.duplicate
    assert again.submission.id == first.id
    assert [s.id for s in store.submissions(candidate="ada")] == [first.id]


def test_a_changed_review_or_change_is_a_new_submission(demo, store, tmp_path):
    ws = workspace(demo, store, tmp_path)
    first = hand_in_workspace(store, ws)
    (ws / "REVIEW.md").write_text("- src/greeter/loud.py:5 [correctness] not stripped\n")
    second = hand_in_workspace(store, ws)
    fix(ws)
    third = hand_in_workspace(store, ws)
    assert [r.duplicate for r in (first, second, third)] == [False, False, False]
    assert len({r.submission.id for r in (first, second, third)}) == 3


def test_only_the_latest_submission_counts_as_the_one_repeated(demo, store):
    a = hand_in(store, demo, candidate="ada", diff="", review_text="a", source="patch")
    hand_in(store, demo, candidate="ada", diff="", review_text="b", source="patch")
    back = hand_in(store, demo, candidate="ada", diff="", review_text="a", source="patch")
    assert not back.duplicate and back.submission.id != a.submission.id
    other = hand_in(store, demo, candidate="bob", diff="", review_text="a", source="patch")
    reseeded = hand_in(
        store, demo, candidate="ada", diff="", review_text="a", source="patch", seed=12345
    )
    assert not other.duplicate and not reseeded.duplicate
    assert len(store.submissions()) == 5


def test_the_storing_primitive_keeps_every_call(demo, store):
    """``submit`` stores what it is given (seeding and imports rely on it); only handing in
    skips a repeat."""
    for _ in range(2):
        submit(store, demo, candidate="ada", diff="", review_text="", source="patch")
    assert len(store.submissions(candidate="ada")) == 2


def test_a_line_number_too_long_to_be_one_is_a_problem_not_a_crash():
    from harness.workspace.review_notes import parse_review

    findings, notes = parse_review(f"- src/a.py:{'9' * 5000} [correctness] x\n")
    assert findings == [] and len(notes) == 1
