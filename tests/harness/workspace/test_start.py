"""``dsim start``: a workspace reads like a pull request and runs its visible tests as is.

Real git in ``tmp_path``; the visible tests run in a real ``python -m pytest`` subprocess.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import InvalidInput
from harness.scenarios import materialize, patches
from harness.scenarios.scenario import Scenario, builtin_ids, resolve
from harness.scenarios.variants import default_seed, draw
from harness.workspace.start import start, transcript_summary
from harness.workspace.submit import submit_directory

#: What the base commit adds beside the codebase.
WORKSPACE_FILES = {"BRIEF.md", "TRANSCRIPT.md", "REVIEW.md", "pytest.ini", ".gitignore"}


def git_out(ws: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ws), *args], capture_output=True, text=True, check=True
    ).stdout


def committed_tree(ws: Path, rev: str) -> dict[str, bytes]:
    names = git_out(ws, "ls-tree", "-r", "-z", "--name-only", rev).split("\0")
    return {
        name: subprocess.run(
            ["git", "-C", str(ws), "show", f"{rev}:{name}"], capture_output=True, check=True
        ).stdout
        for name in names
        if name
    }


def is_ignored(ws: Path, path: str) -> bool:
    """Would git (and so ``dsim submit``) leave ``path`` out? Tracked or not."""
    proc = subprocess.run(
        ["git", "-C", str(ws), "check-ignore", "-q", "--no-index", path], check=False
    )
    assert proc.returncode in (0, 1), proc
    return proc.returncode == 0


def variant(scenario: Scenario, candidate: str = "ada") -> dict[str, object]:
    return dict(draw(scenario, default_seed(candidate, scenario.id)).values)


@pytest.fixture(params=builtin_ids())
def builtin(request: pytest.FixtureRequest) -> Scenario:
    return resolve(request.param)


# --- the workspace is a pull request -------------------------------------------------------------


def test_workspace_is_the_base_then_the_ai_change(demo, store, tmp_path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    log = git_out(ws, "log", "--format=%s|%an").splitlines()
    assert log == ["AI assistant's change|AI assistant", "The codebase before the AI change|dsim"]
    assert (
        git_out(ws, "rev-list", "--max-parents=0", "HEAD").strip()
        == git_out(ws, "rev-parse", "HEAD~1").strip()
    )


def test_head_is_exactly_the_ai_change(builtin, store, tmp_path):
    ws = start(builtin, "ada", tmp_path / "ws", store).workspace
    values = variant(builtin)
    before = committed_tree(ws, "HEAD~1")
    after = committed_tree(ws, "HEAD")
    assert set(before) - WORKSPACE_FILES == set(materialize.pre_ai_tree(builtin, values))
    assert set(after) - WORKSPACE_FILES == set(materialize.start_tree(builtin, values))
    for name, data in materialize.pre_ai_tree(builtin, values).items():
        assert before[name] == data, name
    for name, data in materialize.start_tree(builtin, values).items():
        assert after[name] == data, name
    ai_paths = {c.path for c in patches.parse(materialize.ai_patch(builtin, values), source="ai")}
    assert set(git_out(ws, "show", "--format=", "--name-only", "HEAD").split()) == ai_paths
    assert set(git_out(ws, "diff", "--name-only", "HEAD~1").split()) == ai_paths
    assert set(before) >= WORKSPACE_FILES
    assert git_out(ws, "status", "--porcelain") == ""


def test_ai_commit_message_carries_the_request_from_the_transcript(builtin, store, tmp_path):
    ws = start(builtin, "ada", tmp_path / "ws", store).workspace
    message = git_out(ws, "log", "-1", "--format=%B")
    subject, blank, *body = message.rstrip("\n").split("\n")
    assert (subject, blank) == ("AI assistant's change", "")
    text = " ".join(body)
    request = (ws / "TRANSCRIPT.md").read_text().split("**Engineer:**", 1)[1]
    assert " ".join(request.split()[:8]) in text
    assert "TRANSCRIPT.md" in text
    assert "**" not in text
    assert all(len(line) <= 72 for line in body)
    assert len(message) < 900


def test_transcript_summary_is_the_first_paragraph_without_heading_or_speaker():
    text = (
        "# Conversation with the coding assistant\n\n"
        "**Engineer:** Please add\nretries to the client.\n\n**Assistant:** Done.\n"
    )
    assert transcript_summary(text) == "Please add retries to the client."
    assert transcript_summary("") == ""
    assert transcript_summary("# Only a heading\n") == ""


def test_transcript_summary_is_capped_at_a_word_boundary():
    long = "**Engineer:** " + "word " * 400
    summary = transcript_summary(long, limit=100)
    assert len(summary) <= 100
    assert summary.endswith("…")
    assert set(summary.removesuffix("…").split()) == {"word"}  # no word cut in half


def test_the_recorded_base_is_the_ai_change_so_submissions_diff_against_it(demo, store, tmp_path):
    started = start(demo, "ada", tmp_path / "ws", store)
    ws = started.workspace
    head = git_out(ws, "rev-parse", "HEAD").strip()
    assert started.base_commit == head
    assert store.assignment(started.assignment_id).base_commit == head
    assert json.loads((ws / ".dsim-assignment.json").read_text())["base_commit"] == head
    row, findings = submit_directory(store, ws)
    assert (row.diff, findings) == ("", [])


def test_nothing_hidden_enters_the_history(demo, store, tmp_path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    history = git_out(ws, "log", "-p", "--format=%B")
    secret = [
        line
        for path in (demo.path / "hidden").rglob("*")
        if path.is_file()
        for line in path.read_text().splitlines()
    ]
    fix = (demo.path / "reference" / "fix.patch").read_text().splitlines()
    secret += [line[1:] for line in fix if line.startswith("+") and not line.startswith("+++")]
    secret += [f.title for f in demo.manifest.flaws]
    assert [line for line in secret if len(line.strip()) > 12 and line in history] == []


# --- the visible tests run with no setup ---------------------------------------------------------


def _missing_requirements(scenario: Scenario) -> list[str]:
    missing = []
    for req in scenario.manifest.runtime.requirements:
        name = req.split("==")[0].split("[")[0]
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(req)
    return missing


def test_plain_pytest_runs_the_visible_tests_in_a_fresh_workspace(builtin, store, tmp_path):
    missing = _missing_requirements(builtin)
    if missing:
        pytest.skip(f"{builtin.id} needs {', '.join(missing)}, not installed here (see BRIEF.md)")
    ws = start(builtin, "ada", tmp_path / "ws", store).workspace
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "PYTEST_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest"],
        cwd=ws,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode in (0, 1), output  # tests ran; never 2/4/5 (collection, usage, none)
    assert "ModuleNotFoundError" not in output and "ImportError" not in output, output
    assert f"rootdir: {ws}" in output and "configfile: pytest.ini" in output, output
    assert " passed" in output or " failed" in output, output


def test_pytest_ini_puts_the_code_and_the_visible_tests_in_reach(demo, store, tmp_path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    ini = (ws / "pytest.ini").read_text()
    assert "[pytest]" in ini
    assert "pythonpath = . src" in ini
    assert "testpaths = tests" in ini


def test_a_codebase_that_configures_pytest_keeps_its_configuration(demo, store, tmp_path):
    own = '[tool.pytest.ini_options]\npythonpath = ["src"]\n'
    (demo.path / "repo" / "pyproject.toml").write_text(own)
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    assert not (ws / "pytest.ini").exists()
    assert (ws / "pyproject.toml").read_text() == own


# --- BRIEF.md says how to set up -----------------------------------------------------------------


def test_brief_names_the_requirements_and_how_to_install_them(store, tmp_path):
    flags = resolve("feature-flags")
    assert flags.manifest.runtime.requirements == ("packaging==23.2",)
    ws = start(flags, "ada", tmp_path / "ws", store).workspace
    brief = (ws / "BRIEF.md").read_text()
    setup = brief[brief.index("## Setup") :]
    assert "python -m pip install packaging==23.2" in setup
    assert "python -m pytest" in setup


def test_brief_without_requirements_only_says_how_to_run_the_tests(demo, store, tmp_path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    brief = (ws / "BRIEF.md").read_text()
    setup = brief[brief.index("## Setup") :]
    assert "python -m pytest" in setup
    assert "pip install" not in brief


def test_the_brief_template_is_kept_and_setup_comes_after_it(demo, store, tmp_path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    brief = (ws / "BRIEF.md").read_text()
    assert brief.startswith("# Add a loud greeting")
    assert brief.index("Acceptance criteria") < brief.index("## Setup")


# --- .gitignore: tool clutter stays out, the candidate's work stays in --------------------------

CLUTTER = [
    ".venv/bin/python",
    "venv/lib/site.py",
    "env/bin/activate",
    "src/greeter/__pycache__/loud.cpython-311.pyc",
    "src/greeter/loud.pyc",
    ".pytest_cache/v/cache/nodeids",
    ".mypy_cache/3.11/greeter.json",
    ".ruff_cache/content",
    ".idea/workspace.xml",
    ".vscode/settings.json",
    ".DS_Store",
    "src/.DS_Store",
    "Thumbs.db",
    "src/greeter/.loud.py.swp",
    "src/greeter.egg-info/PKG-INFO",
    "build/lib/greeter/loud.py",
    "dist/greeter-0.1.tar.gz",
]


@pytest.mark.parametrize("path", CLUTTER)
def test_gitignore_hides_tool_clutter(demo, store, tmp_path, path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    assert ".gitignore" in git_out(ws, "ls-tree", "--name-only", "HEAD~1").split()
    assert is_ignored(ws, path)


def test_clutter_is_not_part_of_a_submission(demo, store, tmp_path):
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    for rel in CLUTTER:
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text("clutter\n")
    row, findings = submit_directory(store, ws)
    assert (row.diff, findings) == ("", [])


def test_gitignore_hides_nothing_the_candidate_submits(builtin, store, tmp_path):
    ws = start(builtin, "ada", tmp_path / "ws", store).workspace
    package = next(p for p in (ws / "src").iterdir() if p.is_dir()).name
    theirs = [
        *git_out(ws, "ls-files").split(),
        "REVIEW.md",
        "tests/test_new.py",
        f"src/{package}/new_module.py",
        f"src/{package}/build/__init__.py",
        f"src/{package}/env/__init__.py",
        f"src/{package}/venv.py",
        f"src/{package}/dist/__init__.py",
        "tests/build/test_x.py",
    ]
    assert [path for path in theirs if is_ignored(ws, path)] == []


def test_a_codebase_file_the_workspace_would_ignore_is_refused(demo, store, tmp_path):
    (demo.path / "repo" / "build").mkdir()
    (demo.path / "repo" / "build" / "helper.py").write_text("X = 1\n")
    with pytest.raises(InvalidInput, match="ignored by git") as err:
        start(demo, "ada", tmp_path / "ws", store)
    assert "build/helper.py" in str(err.value)


def test_a_codebase_with_its_own_gitignore_keeps_it_and_clutter_stays_out(demo, store, tmp_path):
    (demo.path / "repo" / ".gitignore").write_text("*.log\n")
    ws = start(demo, "ada", tmp_path / "ws", store).workspace
    assert (ws / ".gitignore").read_text() == "*.log\n"
    assert is_ignored(ws, ".idea/workspace.xml") and is_ignored(ws, "run.log")


# --- the command -------------------------------------------------------------------------------


def test_start_command_says_where_the_ai_change_is_and_how_to_run_tests(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "--home",
            str(tmp_path / "home"),
            "start",
            "feature-flags",
            "--candidate",
            "ada",
            "--dir",
            str(tmp_path / "ws"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "git show HEAD" in proc.stdout
    assert "python -m pytest" in proc.stdout
    assert "Setup" in proc.stdout
