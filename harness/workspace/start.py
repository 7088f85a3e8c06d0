"""Workspaces: the folder a new hire works in (``dsim start``).

A workspace reads like a pull request: a git repository with two commits.

1. "The codebase before the AI change" (author dsim): ``repo/`` rendered for the variant, and what
   dsim adds beside it: BRIEF.md (the ticket, ending in a Setup section), TRANSCRIPT.md, the
   REVIEW.md template, a ``pytest.ini`` so that ``python -m pytest`` runs the visible tests with
   no setup, and a ``.gitignore`` for tool clutter. Each config file is added only when the
   codebase has none of its own.
2. "AI assistant's change" (author AI assistant): exactly the AI patch, so ``git show HEAD`` is
   the change under review. This commit is the assignment's ``base_commit``: a submission is the
   diff against it.

Invariants: nothing from ``hidden/``, ``reference/``, ``samples/``, ``mutants/`` or the manifest's
flaw list is ever written into a workspace or its history; git ignores no file of the codebase
there (``dsim submit`` would take it for deleted).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import DsimError, InvalidInput
from harness.scenarios import materialize
from harness.scenarios.manifest import VariableValue
from harness.scenarios.scenario import BRIEF, Scenario
from harness.scenarios.variants import default_seed, draw, render_file
from harness.store import (
    Assignment,
    Store,
    display_name,
    near_duplicate_warning,
    normalise_candidate,
)
from harness.workspace import review_notes as review

MARKER = ".dsim-assignment.json"
PYTEST_INI = "pytest.ini"
GITIGNORE = ".gitignore"
BASE_SUBJECT = "The codebase before the AI change"
AI_SUBJECT = "AI assistant's change"
_AI_AUTHOR = {"GIT_AUTHOR_NAME": "AI assistant", "GIT_AUTHOR_EMAIL": "ai-assistant@localhost"}
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "dsim",
    "GIT_AUTHOR_EMAIL": "dsim@localhost",
    "GIT_COMMITTER_NAME": "dsim",
    "GIT_COMMITTER_EMAIL": "dsim@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}

#: The workspace's .gitignore. Names a package could have (build, dist, env, venv) are anchored to
#: the workspace root, so ``src/app/env/`` is still part of a submission.
CLUTTER = """\
# Added by dsim: files your tools make that are not part of your change.
.venv/
/venv/
/env/
__pycache__/
*.py[cod]
.pytest_cache/
.mypy_cache/
.ruff_cache/
*.egg-info/
/build/
/dist/
.idea/
.vscode/
*.swp
*.swo
.DS_Store
Thumbs.db
"""

# Where a codebase can configure pytest, and what in the file says it does (b"": any content).
_PYTEST_CONFIG = {
    "pytest.ini": b"",
    ".pytest.ini": b"",
    "pytest.toml": b"",
    ".pytest.toml": b"",
    "pyproject.toml": b"[tool.pytest",
    "tox.ini": b"[pytest]",
    "setup.cfg": b"[tool:pytest]",
}
_SPEAKER = re.compile(r"^\*\*[^*]{1,40}(?::\*\*|\*\*:)\s*")
_SUMMARY_LIMIT = 600


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    """Run git in ``cwd`` with a fixed identity and no user config; return stdout."""
    full_env = {
        **os.environ,
        **_GIT_ENV,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        **(env or {}),
    }
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, env=full_env, capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError as exc:
        raise DsimError("git is not installed", hint="install it: apt-get install -y git") from exc
    if check and proc.returncode != 0:
        raise DsimError(
            f"git {args[0]} failed in {cwd}",
            hint=proc.stderr.decode(errors="replace").strip()[:500],
        )
    return proc.stdout.decode("utf-8", errors="replace")


@dataclass(frozen=True, kw_only=True)
class Started:
    """What ``dsim start`` made."""

    assignment_id: str
    workspace: Path
    seed: int
    base_commit: str
    """The commit holding the AI change: what a submission is diffed against."""
    candidate: str = ""
    """The candidate id the assignment is stored under (normalised)."""
    warnings: tuple[str, ...] = ()
    """The candidate is new but near an existing id (e.g. ``ada.lovelace`` / ``ada-lovelace``)."""


def write_tree(root: Path, tree: Mapping[str, bytes]) -> None:
    for rel, data in tree.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def transcript_summary(transcript: str, limit: int = _SUMMARY_LIMIT) -> str:
    """The transcript's first paragraph on one line, at most ``limit`` characters.

    Markdown headings are skipped and a leading speaker label (``**Engineer:**``) is dropped; in
    every built-in scenario what remains is the request the assistant worked on. Longer text is
    cut at a word boundary and ends with "…".
    """
    for paragraph in re.split(r"\n\s*\n", transcript):
        lines = [line for line in paragraph.splitlines() if not line.lstrip().startswith("#")]
        text = _SPEAKER.sub("", " ".join(" ".join(lines).split()))
        if text:
            return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return ""


def install_command(requirements: Sequence[str]) -> str | None:
    """The pip command that installs a scenario's requirements (None when it has none)."""
    if not requirements:
        return None
    return "python -m pip install " + " ".join(shlex.quote(r) for r in requirements)


def setup_section(requirements: Sequence[str]) -> str:
    """The Setup section appended to BRIEF.md: what to install and how to run the tests."""
    lines = ["## Setup", ""]
    command = install_command(requirements)
    if command:
        lines += [
            "The code needs these packages; install them into the Python you run the tests with",
            "(a virtualenv in `.venv/` here is fine, git ignores it):",
            "",
            f"    {command}",
            "",
        ]
    lines.append("Run the visible tests from this folder with `python -m pytest` (pytest 7+).")
    return "\n".join(lines) + "\n"


def _pytest_ini(tree: Mapping[str, bytes]) -> str:
    # The same import roots grading uses: the tree's root, then src/ when there is one.
    roots = ". src" if any(p.startswith("src/") for p in tree) else "."
    lines = [
        "# Added by dsim so that `python -m pytest` works here with no setup. Grading uses its",
        "# own settings and never applies changes to this file.",
        "[pytest]",
        f"pythonpath = {roots}",
    ]
    if any(p.startswith("tests/") for p in tree):
        lines.append("testpaths = tests")
    return "\n".join(lines) + "\n"


def workspace_config(tree: Mapping[str, bytes]) -> dict[str, bytes]:
    """``pytest.ini`` and ``.gitignore`` for a codebase, each unless it brings its own."""
    files: dict[str, bytes] = {}
    if not any(name in tree and mark in tree[name] for name, mark in _PYTEST_CONFIG.items()):
        files[PYTEST_INI] = _pytest_ini(tree).encode()
    if GITIGNORE not in tree:
        files[GITIGNORE] = CLUTTER.encode()
    return files


def _message(subject: str, *paragraphs: str) -> str:
    body = "\n\n".join(textwrap.fill(p, 72, break_on_hyphens=False) for p in paragraphs if p)
    return f"{subject}\n\n{body}\n"


def _commit(directory: Path, message: str, env: dict[str, str] | None = None) -> str:
    # --force: exactly the files written are committed, even a codebase file the ignore rules
    # match (start refuses such a codebase afterwards, naming the files).
    git(directory, "add", "-A", "--force")
    git(directory, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(directory, "rev-parse", "HEAD").strip()


def _apply_change(directory: Path, before: Mapping[str, bytes], after: Mapping[str, bytes]) -> None:
    """Turn the working tree from ``before`` into ``after``, folders emptied included."""
    for gone in sorted(set(before) - set(after)):
        path = directory / gone
        path.unlink()
        while path.parent != directory and not any(path.parent.iterdir()):
            path = path.parent
            path.rmdir()
    write_tree(directory, {p: data for p, data in after.items() if before.get(p) != data})


def _ignored_codebase_files(directory: Path) -> list[str]:
    """Committed files git's ignore rules match: a submission would report them as deleted."""
    listed = git(directory, "ls-files", "-z", "--cached", "--ignored", "--exclude-standard")
    return [path for path in listed.split("\0") if path]


def make_workspace(scenario: Scenario, directory: Path, values: Mapping[str, VariableValue]) -> str:
    """Write the two commits into ``directory`` (empty); return the AI change's commit. No
    marker and no assignment: :func:`start` adds those, as does the server's download."""
    before = materialize.pre_ai_tree(scenario, values)
    after = materialize.start_tree(scenario, values)
    transcript = render_file(scenario, scenario.manifest.ai.transcript, values)
    brief = render_file(scenario, BRIEF, values).rstrip("\n") + "\n\n"
    docs = {
        BRIEF: (brief + setup_section(scenario.manifest.runtime.requirements)).encode(),
        "TRANSCRIPT.md": transcript.encode(),
        "REVIEW.md": review.TEMPLATE.encode(),
    }
    config = workspace_config({**before, **after})
    git(directory, "init", "-q", "-b", "main")
    # The marker is dsim's, never part of a submission. A codebase with its own .gitignore keeps
    # it as it is, so the clutter rules then go here, where git reads them as well.
    excluded = MARKER + "\n" + ("" if GITIGNORE in config else CLUTTER)
    (directory / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (directory / ".git" / "info" / "exclude").write_text(excluded)
    write_tree(directory, {**before, **docs, **config})
    added = ", ".join(sorted({*docs, *config}))
    _commit(directory, _message(BASE_SUBJECT, f"Added by dsim beside the codebase: {added}."))
    _apply_change(directory, before, after)
    base = _commit(
        directory,
        _message(
            AI_SUBJECT,
            transcript_summary(transcript),
            "The conversation that produced this change is in TRANSCRIPT.md.",
        ),
        env=_AI_AUTHOR,
    )
    ignored = _ignored_codebase_files(directory)
    if ignored:
        raise InvalidInput(
            f"scenario {scenario.id}: files of its codebase would be ignored by git in a "
            "workspace, and a submission would show them as deleted",
            problems=ignored,
            hint="rename them; workspaces ignore tool clutter (.venv/, build/, dist/, caches)",
        )
    return base


def start(
    scenario: Scenario, candidate: str, directory: Path, store: Store, seed: int | None = None
) -> Started:
    """Materialize a workspace for ``candidate`` and record the assignment.

    The assignment is stored under the candidate id (:func:`normalise_candidate`: ``Ada `` is
    ``ada``) with the name as typed beside it; a new id near an existing one is a warning in
    :attr:`Started.warnings`, never an error.

    Raises:
        InvalidInput: the candidate name is empty, ``directory`` is not empty, or git would
            ignore a file of the scenario's codebase (the half-made workspace is removed).
    """
    if not candidate.strip():
        raise InvalidInput("the candidate name is empty", hint="pass --candidate NAME")
    name, candidate = display_name(candidate), normalise_candidate(candidate)
    if directory.exists() and any(directory.iterdir()):
        raise InvalidInput(
            f"{directory} exists and is not empty", hint="choose another --dir or remove it"
        )
    seed = default_seed(candidate, scenario.id) if seed is None else seed
    variant = draw(scenario, seed)
    existed = directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    try:
        base = make_workspace(scenario, directory, variant.values)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        if existed:
            directory.mkdir()
        raise
    known = store.candidates()
    warning = None if candidate in known else near_duplicate_warning(candidate, known)
    row = Assignment(
        candidate=candidate,
        candidate_name=name,
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        scenario_hash=scenario.content_hash,
        scenario_ref=scenario.ref,
        seed=seed,
        variables=dict(variant.values),
        workspace=str(directory.resolve()),
        base_commit=base,
    )
    store.add(row)
    (directory / MARKER).write_text(
        json.dumps(
            {
                "assignment": row.id,
                "scenario": scenario.id,
                "candidate": candidate,
                "base_commit": base,
            },
            indent=2,
        )
        + "\n"
    )
    return Started(
        assignment_id=row.id,
        workspace=directory,
        seed=seed,
        base_commit=base,
        candidate=candidate,
        warnings=(warning,) if warning else (),
    )


def read_marker(directory: Path) -> dict[str, str]:
    marker = directory / MARKER
    if not marker.is_file():
        raise InvalidInput(
            f"{directory} is not a dsim workspace (no {MARKER})",
            hint="run `dsim submit` in the folder `dsim start` made",
        )
    data: dict[str, str] = json.loads(marker.read_text())
    return data
