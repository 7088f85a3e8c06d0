"""Every command and option that takes a path, URL, id, number or file, given a bad one.

Each case must exit with the documented code (README, "Exit codes") and one actionable line:
``Error: …`` on stderr, or with ``--json`` one JSON error object on stdout — never a traceback.
Most cases run in-process (CliRunner); a few run as the user does, in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli import cli
from harness.errors import ExitCode
from harness.scenarios.scaffold import scaffold
from harness.store import Store
from tests.harness.cli.conftest import graded

USAGE, INVALID, NOT_FOUND, INFRA = (
    ExitCode.USAGE,
    ExitCode.INVALID_INPUT,
    ExitCode.NOT_FOUND,
    ExitCode.INFRA,
)


@dataclass(frozen=True)
class World:
    """A data folder with graded work by ada and bo, a scenario folder and a started workspace,
    and files that are wrong in every way an input file can be."""

    root: Path
    home: Path
    demo: Path
    workspace: Path
    ada_submission: str

    def fill(self, arg: str) -> str:
        return arg.format(
            root=self.root,
            home=self.home,
            demo=self.demo,
            ws=self.workspace,
            sub=self.ada_submission,
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("bad-input")
    home = root / "home"
    home.mkdir()
    store = Store(f"sqlite:///{home / 'dsim.db'}")
    ada = graded(store, "ada")
    graded(store, "bo", fixed=False)
    demo = scaffold("demo-one", root / "demo-one")
    workspace = root / "ws"
    started = CliRunner().invoke(
        cli,
        ["start", str(demo), "--candidate", "cy", "--dir", str(workspace)],
        env={"DSIM_HOME": str(home), "DSIM_DB": None},
    )
    assert started.exit_code == 0, started.output
    (root / "binary.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    (root / "binary.diff").write_text(
        "diff --git a/src/logo.png b/src/logo.png\nnew file mode 100644\n"
        "index 0000000..1111111\nBinary files /dev/null and b/src/logo.png differ\n"
    )
    (root / "garbage.diff").write_text("this is not a diff\n")
    (root / "empty.diff").write_text("")
    (root / "bad.json").write_text('{"schema":')
    (root / "bad.toml").write_text("weights = [\n")
    (root / "not-a-store.db").write_bytes(b"this is not an SQLite database\n" * 4)
    (root / "a-file").write_text("x\n")
    (root / "empty-folder").mkdir()
    return World(root=root, home=home, demo=demo, workspace=workspace, ada_submission=ada.id)


@dataclass(frozen=True)
class Case:
    """One bad invocation, the exit code it must give and words its message must contain."""

    args: tuple[str, ...]
    code: int
    says: str
    env: dict[str, str | None] = field(default_factory=dict)

    @property
    def as_json(self) -> bool:
        return "--json" in self.args


def case(code: int, says: str, *args: str, **env: str | None) -> Case:
    return Case(args=args, code=code, says=says, env=env)


SUBMIT_PATCH = ("submit", "--scenario", "{demo}", "--candidate", "eve", "--patch")
OVERRIDE = ("override", "{sub}", "--reason", "r", "--by", "lee")

CASES = {
    # --home / DSIM_HOME and --db / DSIM_DB
    "home-in-proc": case(INVALID, "cannot write /proc/x", "--home", "/proc/x", "results"),
    "home-in-sys-json": case(INVALID, "/sys/x", "--home", "/sys/x", "results", "--json"),
    "home-env-unwritable": case(INVALID, "/proc/x", "results", DSIM_HOME="/proc/x"),
    "home-is-a-file": case(USAGE, "is a file", "--home", "{root}/a-file", "results"),
    "home-env-is-a-file": case(USAGE, "is a file", "results", DSIM_HOME="{root}/a-file"),
    "db-unreachable": case(
        INFRA,
        "cannot open the store at postgresql+psycopg://u:***@127.0.0.1:1/db",
        "--db",
        "postgresql+psycopg://u:pw-7f3a9c@127.0.0.1:1/db",
        "results",
    ),
    "db-malformed": case(USAGE, "not a database URL", "--db", "notaurl", "results"),
    "db-unknown-dialect": case(USAGE, "unknown database 'foo'", "--db", "foo://x", "results"),
    "db-driver-absent": case(
        INFRA, "pip install mysqlclient", "--db", "mysql://x@localhost/db", "results"
    ),
    "db-driver-absent-json": case(
        INFRA, "mysqlclient", "--db", "mysql://x@localhost/db", "results", "--json"
    ),
    "db-driver-absent-env": case(INFRA, "not installed", "results", DSIM_DB="mysql://x@h/db"),
    "db-missing-folder": case(
        NOT_FOUND,
        "/nonexistent/dir does not exist",
        "--db",
        "sqlite:////nonexistent/dir/x.db",
        "results",
    ),
    "db-unwritable-folder": case(
        INVALID, "cannot create the store /sys/x.db", "--db", "sqlite:////sys/x.db", "results"
    ),
    "db-unreadable-store": case(
        INVALID, "is not a dsim store", "--db", "sqlite:///{root}/not-a-store.db", "results"
    ),
    "db-is-a-folder": case(
        INVALID, "is a folder", "--db", "sqlite:///{root}/empty-folder", "score", "ada"
    ),
    # grade
    "grade-unknown-id": case(NOT_FOUND, "no submission 'deadbeef'", "grade", "deadbeef"),
    "grade-unknown-id-json": case(NOT_FOUND, "deadbeef", "grade", "deadbeef", "--json"),
    "grade-jobs-zero": case(USAGE, "--jobs", "grade", "--jobs", "0", "{sub}"),
    "grade-jobs-negative": case(USAGE, "--jobs", "grade", "--jobs", "-3", "{sub}"),
    "grade-jobs-not-a-number": case(USAGE, "--jobs", "grade", "-j", "two", "{sub}"),
    "grade-reruns-negative": case(USAGE, "--reruns", "grade", "--reruns", "-1", "{sub}"),
    "grade-reruns-json": case(USAGE, "--reruns", "grade", "--reruns", "-1", "--json", "{sub}"),
    "grade-warm-unknown": case(USAGE, "--warm", "grade", "--warm", "maybe", "{sub}"),
    "grade-backend-unknown": case(INVALID, "unknown backend", "grade", "--backend", "x", "{sub}"),
    "grade-nothing-named": case(USAGE, "--pending", "grade"),
    # scenarios and scenario
    "show-unknown": case(NOT_FOUND, "no scenario 'nope'", "scenarios", "show", "nope"),
    "show-unknown-json": case(NOT_FOUND, "nope", "scenarios", "show", "nope", "--json"),
    "new-unwritable": case(INVALID, "/sys/xy", "scenario", "new", "xy", "--dir", "/sys/xy"),
    "new-in-proc": case(INVALID, "/proc/x", "scenario", "new", "xy", "--dir", "/proc/x/xy"),
    "new-bad-id": case(INVALID, "not a valid scenario id", "scenario", "new", "Bad Id!"),
    "validate-missing": case(USAGE, "does not exist", "scenario", "validate", "{root}/nope"),
    "validate-a-file": case(USAGE, "is a file", "scenario", "validate", "{root}/a-file"),
    "check-runs-zero": case(USAGE, "--runs", "scenario", "check", "{demo}", "--runs", "0"),
    "check-unknown": case(NOT_FOUND, "no scenario", "scenario", "check", "nope", "--runs", "1"),
    # start and submit
    "start-unknown": case(NOT_FOUND, "no scenario 'nope'", "start", "nope", "--candidate", "a"),
    "start-unknown-json": case(NOT_FOUND, "nope", "start", "nope", "--candidate", "a", "--json"),
    "start-unwritable": case(
        INVALID, "/sys/ws", "start", "{demo}", "--candidate", "a", "--dir", "/sys/ws"
    ),
    "start-seed-not-a-number": case(
        USAGE, "--seed", "start", "{demo}", "--candidate", "a", "--seed", "abc"
    ),
    "submit-missing-folder": case(USAGE, "does not exist", "submit", "{root}/nope"),
    "submit-not-a-workspace": case(
        INVALID, "not a dsim workspace", "submit", "{root}/empty-folder"
    ),
    "submit-other-store": case(
        NOT_FOUND, "started with another store", "--home", "{root}/other", "submit", "{ws}"
    ),
    "submit-other-store-json": case(
        NOT_FOUND, "{root}/other/dsim.db", "--home", "{root}/other", "submit", "{ws}", "--json"
    ),
    "submit-binary-patch-file": case(INVALID, "not UTF-8", *SUBMIT_PATCH, "{root}/binary.png"),
    "submit-binary-change": case(
        INVALID, "binary files cannot be submitted", *SUBMIT_PATCH, "{root}/binary.diff"
    ),
    "submit-binary-change-json": case(
        INVALID, "binary", *SUBMIT_PATCH, "{root}/binary.diff", "--json"
    ),
    "submit-garbage-patch": case(INVALID, "no file changes", *SUBMIT_PATCH, "{root}/garbage.diff"),
    "submit-missing-patch": case(USAGE, "does not exist", *SUBMIT_PATCH, "{root}/nope.diff"),
    "submit-binary-review": case(
        INVALID, "not UTF-8", *SUBMIT_PATCH, "{root}/empty.diff", "--review", "{root}/binary.png"
    ),
    "submit-unknown-scenario": case(
        NOT_FOUND,
        "no scenario 'nope'",
        "submit",
        "--scenario",
        "nope",
        "--candidate",
        "eve",
        "--patch",
        "{root}/garbage.diff",
    ),
    "submit-limit-malformed": case(
        INVALID, "DSIM_MAX_DIFF_KB", *SUBMIT_PATCH, "{root}/empty.diff", DSIM_MAX_DIFF_KB="abc"
    ),
    "submit-patch-alone": case(USAGE, "--scenario", "submit", "--patch", "{root}/empty.diff"),
    # override
    "override-unknown-submission": case(
        NOT_FOUND,
        "deadbeef",
        "override",
        "deadbeef",
        "--item",
        "f0",
        "--verdict",
        "fixed",
        "--reason",
        "r",
        "--by",
        "lee",
    ),
    "override-unknown-item": case(
        INVALID, "no item 'f9'", *OVERRIDE, "--item", "f9", "--verdict", "fixed"
    ),
    "override-verdict-of-a-keep": case(
        INVALID, "does not fit a flaw", *OVERRIDE, "--item", "f0", "--verdict", "kept"
    ),
    "override-unknown-verdict": case(
        USAGE, "--verdict", *OVERRIDE, "--item", "f0", "--verdict", "great"
    ),
    "override-unknown-json": case(
        NOT_FOUND,
        "deadbeef",
        "override",
        "deadbeef",
        "--item",
        "f0",
        "--verdict",
        "fixed",
        "--reason",
        "r",
        "--by",
        "lee",
        "--json",
    ),
    # scores, reports, exports, imports
    "score-unknown": case(NOT_FOUND, "nobody", "score", "nobody"),
    "score-unknown-json": case(NOT_FOUND, "nobody", "score", "nobody", "--json"),
    "score-missing-profile": case(
        USAGE, "does not exist", "score", "ada", "--profile", "{root}/nope.toml"
    ),
    "score-malformed-profile": case(
        INVALID, "bad.toml", "score", "ada", "--profile", "{root}/bad.toml"
    ),
    "report-unknown": case(NOT_FOUND, "nobody", "report", "nobody", "-o", "{root}/r.html"),
    "report-unwritable": case(
        INVALID, "cannot write /sys/x.html", "report", "ada", "-o", "/sys/x.html"
    ),
    "report-in-proc": case(INVALID, "/proc/x", "report", "ada", "-o", "/proc/x/r.html"),
    "report-to-a-folder": case(USAGE, "is a directory", "report", "ada", "-o", "{root}"),
    "compare-html-unwritable": case(
        INVALID, "cannot write /sys/x.html", "compare", "ada", "bo", "--html", "/sys/x.html"
    ),
    "compare-html-unwritable-json": case(
        INVALID, "/sys/x.html", "compare", "ada", "bo", "--html", "/sys/x.html", "--json"
    ),
    "compare-csv-unwritable": case(
        INVALID, "cannot write /sys/x.csv", "compare", "ada", "bo", "--csv", "/sys/x.csv"
    ),
    "compare-unknown": case(NOT_FOUND, "nobody", "compare", "ada", "nobody"),
    "compare-one": case(USAGE, "at least two", "compare", "ada"),
    "export-unwritable": case(
        INVALID, "cannot write /sys/x.csv", "export", "--format", "csv", "-o", "/sys/x.csv"
    ),
    "export-unknown-format": case(USAGE, "--format", "export", "--format", "xml"),
    "import-missing": case(USAGE, "does not exist", "import", "{root}/nope.json"),
    "import-malformed": case(INVALID, "not valid JSON", "import", "{root}/bad.json"),
    "import-binary": case(INVALID, "binary.png", "import", "{root}/binary.png"),
    "import-malformed-json": case(INVALID, "JSON", "import", "{root}/bad.json", "--json"),
    "import-a-folder": case(USAGE, "is a directory", "import", "{root}"),
    "records-import-missing": case(USAGE, "does not exist", "records", "import", "{root}/x.csv"),
    "overrides-list-unknown-option": case(USAGE, "No such option", "overrides", "list", "--x"),
    "overrides-list-json-unknown-option": case(
        USAGE, "No such option", "overrides", "list", "--x", "--json"
    ),
    "results-store-unreadable-json": case(
        INVALID, "not a dsim store", "--db", "sqlite:///{root}/not-a-store.db", "results", "--json"
    ),
}


def check(case: Case, exit_code: int, stdout: str, stderr: str, world: World) -> None:
    """The documented code, one actionable line (or one JSON error object), no traceback."""
    assert "Traceback" not in stdout + stderr
    assert "pw-7f3a9c" not in stdout + stderr  # the store password never shows
    assert exit_code == case.code, stdout + stderr
    says = world.fill(case.says)
    if case.as_json:
        error = json.loads(stdout)["error"]
        assert (error["code"], error["kind"]) == (case.code, ExitCode(case.code).kind)
        assert says in error["message"] + " " + (error["hint"] or "")
        assert "\n" not in error["message"] and "\n" not in (error["hint"] or "")
        assert stderr == ""
        return
    lines = stderr.splitlines()
    assert lines[0].startswith("Error: "), stderr
    assert says in lines[0]
    # Only an invalid input file lists its problems, one per line, under the error line.
    assert all(line.startswith("  - ") for line in lines[1:]), stderr
    assert stdout == ""


def fill_env(case: Case, world: World) -> dict[str, str | None]:
    return {k: None if v is None else world.fill(v) for k, v in case.env.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_exits_with_its_code_and_one_clean_line(name, world):
    case = CASES[name]
    runner = CliRunner()
    env = {"DSIM_HOME": str(world.home), "DSIM_DB": None, **fill_env(case, world)}
    result = runner.invoke(cli, [world.fill(a) for a in case.args], env=env)
    assert result.exc_info is None or result.exc_info[0] is SystemExit, result.exc_info
    check(case, result.exit_code, result.stdout, result.stderr, world)


SUBPROCESS_CASES = [
    "db-driver-absent",
    "home-env-unwritable",
    "report-unwritable",
    "grade-unknown-id-json",
    "submit-binary-change",
    "db-unreachable",
]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_bad_input_as_the_user_runs_it(name, world):
    case = CASES[name]
    env = {**_environ(), "DSIM_HOME": str(world.home), **fill_env(case, world)}
    proc = subprocess.run(
        [sys.executable, "-m", "harness", *(world.fill(a) for a in case.args)],
        capture_output=True,
        text=True,
        env={k: v for k, v in env.items() if v is not None},
        cwd=world.root,
        timeout=60,
        check=False,
    )
    check(case, proc.returncode, proc.stdout, proc.stderr, world)


def test_doctor_reports_an_unusable_data_folder_instead_of_crashing(world):
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "doctor"],
        capture_output=True,
        text=True,
        # No engine at this socket: the check fails fast and never touches a real Docker.
        env={**_environ(), "DSIM_HOME": "/proc/x", "DOCKER_HOST": f"unix://{world.root}/no.sock"},
        cwd=world.root,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == ExitCode.INFRA
    assert "FAIL data folder: cannot write /proc/x" in proc.stdout
    assert "FAIL docker engine" in proc.stdout and "FAIL store" in proc.stdout
    data = json.loads(
        CliRunner()
        .invoke(
            cli,
            ["doctor", "--json"],
            env={"DSIM_HOME": "/proc/x", "DSIM_DB": None, "DOCKER_HOST": "unix:///no/such.sock"},
        )
        .stdout
    )
    assert {c["check"]: c["ok"] for c in data}["data folder"] is False


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("DSIM_DB", "DSIM_HOME")}
