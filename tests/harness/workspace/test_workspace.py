import json
import subprocess

import pytest

from harness.errors import InvalidInput, PatchError
from harness.scenarios.variants import default_seed, draw
from harness.store import Submission
from harness.workspace.start import start
from harness.workspace.submit import submit, submit_directory


def hidden_fragments(scenario):
    """Distinctive lines of every file the engineer must never see."""
    out = []
    for folder in ("hidden", "reference"):
        for path in (scenario.path / folder).rglob("*"):
            if path.is_file():
                out += [line for line in path.read_text().splitlines() if len(line.strip()) > 12]
    out += [f.title for f in scenario.manifest.flaws]
    return out


def test_workspace_has_the_start_and_nothing_hidden(demo, store, tmp_path):
    started = start(demo, "ada", tmp_path / "ws", store)
    ws = started.workspace
    assert (ws / "src/greeter/loud.py").read_text().count("greet(name)") == 1  # the AI change
    assert {p.name for p in ws.iterdir()} >= {"BRIEF.md", "TRANSCRIPT.md", "REVIEW.md", "src"}
    everything = "\n".join(
        p.read_text(errors="replace")
        for p in ws.rglob("*")
        if p.is_file() and ".git" not in p.parts
    )
    leaked = [f for f in hidden_fragments(demo) if f in everything]
    assert leaked == []
    log = subprocess.run(
        ["git", "-C", str(ws), "log", "--format=%s"], capture_output=True, text=True, check=True
    ).stdout
    assert log.splitlines() == ["AI assistant's change", "The codebase before the AI change"]


def test_same_candidate_same_variant_and_seed_override(demo):
    assert default_seed("ada", demo.id) == default_seed("ada", demo.id)
    values = {str(draw(demo, default_seed(f"c{i}", demo.id)).values) for i in range(20)}
    assert len(values) > 1
    assert draw(demo, 7).values == draw(demo, 7).values


def test_submit_captures_committed_uncommitted_and_new_files(demo, store, tmp_path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    loud = ws / "src/greeter/loud.py"
    loud.write_text(loud.read_text().replace("greet(name)", "greet(name.strip())"))
    subprocess.run(
        ["git", "-C", str(ws), "commit", "-qam", "fix"],
        check=True,
        env={
            "GIT_AUTHOR_NAME": "a",
            "GIT_AUTHOR_EMAIL": "a@b",
            "GIT_COMMITTER_NAME": "a",
            "GIT_COMMITTER_EMAIL": "a@b",
            "PATH": "/usr/bin:/bin",
        },
    )
    (ws / "src/greeter/extra.py").write_text("X = 1\n")
    (ws / "REVIEW.md").write_text("- src/greeter/loud.py:4-6 [correctness] not stripped\n")
    row, findings = submit_directory(store, ws)
    assert findings == []
    assert "+    return greet(name.strip()).upper()" in row.diff
    assert "b/src/greeter/extra.py" in row.diff
    assert "REVIEW.md" not in row.diff
    assert "[correctness]" in row.review
    assert row.elapsed_seconds is not None and row.elapsed_seconds >= 0


def test_binary_files_are_refused_with_their_names(demo, store, tmp_path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    (ws / "src/logo.png").write_bytes(b"\x89PNG\x00\x01\x02")
    with pytest.raises(InvalidInput, match="binary files cannot be submitted") as err:
        submit_directory(store, ws)
    assert "src/logo.png" in str(err.value)


@pytest.mark.parametrize(
    ("path", "kind", "reason"),
    [
        ("conftest.py", "protected-path", "conftest.py configures the test run"),
        ("src/greeter/conftest.py", "protected-path", "configures the test run"),
        ("src/x.pth", "protected-path", "x.pth configures the test run"),
        ("pytest.ini", "protected-path", "configures the test run"),
        ("setup.cfg", "protected-path", "configures the test run"),
        ("docs/notes.txt", "protected-path", "outside the editable paths"),
        ("src/../../etc/passwd", "path-escape", "path escapes the tree"),
    ],
)
def test_protected_paths_are_stored_with_a_finding_and_not_applied(demo, store, path, kind, reason):
    diff = (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
        "@@ -0,0 +1 @@\n+x = 1\n"
    )
    row, findings = submit(store, demo, candidate="eve", diff=diff, review_text="", source="patch")
    assert [(f.kind, f.path) for f in findings] == [(kind, path)]
    assert reason in findings[0].detail
    assert row.findings[0]["kind"] == kind


def test_a_patch_that_does_not_apply_is_refused_at_submit_with_its_hunk(demo, store):
    diff = (
        "diff --git a/src/greeter/loud.py b/src/greeter/loud.py\n--- a/src/greeter/loud.py\n"
        "+++ b/src/greeter/loud.py\n@@ -1,2 +1,2 @@\n-from nowhere import x\n+y\n \n"
    )
    with pytest.raises(PatchError, match="hunk 1 of src/greeter/loud.py"):
        submit(store, demo, candidate="eve", diff=diff, review_text="", source="patch")
    assert store.submissions() == []


def test_resubmitting_keeps_history_and_latest_wins(demo, store):
    for _ in range(2):
        submit(store, demo, candidate="ada", diff="", review_text="", source="patch")
    assert len(store.submissions(candidate="ada")) == 2
    latest = store.submissions(candidate="ada", latest_only=True)
    assert len(latest) == 1 and isinstance(latest[0], Submission)


def test_start_records_the_assignment(demo, store, tmp_path):
    started = start(demo, "ada", tmp_path / "ws", store, seed=42)
    row = store.assignment(started.assignment_id)
    assert (row.candidate, row.scenario_id, row.seed) == ("ada", demo.id, 42)
    marker = json.loads((started.workspace / ".dsim-assignment.json").read_text())
    assert marker["assignment"] == started.assignment_id


def test_a_store_from_an_older_schema_is_refused_with_what_to_do(tmp_path):
    import sqlite3

    from harness.errors import InfraError
    from harness.store import Store

    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE submissions (id VARCHAR(32) PRIMARY KEY, candidate TEXT)")
    with pytest.raises(InfraError, match="made by an older dsim") as err:
        Store(f"sqlite:///{db}")
    assert "submissions.scenario_id" in str(err.value)
    assert "dsim import" in str(err.value)
