"""Fixtures for the report and export tests: a cohort graded for real, and headless Chromium.

``graded_cohort`` submits reference / revert / accept-as-is / hostile diffs on two scaffolded demo
scenarios and grades them in Docker containers, once per session. ``chromium`` finds the browser;
under CI=true a missing browser fails the tests instead of skipping them. Helpers reach the tests
as fixtures (never ``from conftest import``: two conftest modules share that name).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness.backends import get_backend
from harness.grading.overrides import add_override
from harness.grading.pipeline import grade_submission
from harness.scenarios import materialize, patches
from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import Scenario, load
from harness.scenarios.variants import default_seed, draw
from harness.scoring.profile import Profile, load_profile
from harness.store import Record, Store
from harness.workspace.submit import submit

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"

HOSTILE = "<script>alert(1)</script>"
HOSTILE_REVIEW = """# Review <script>alert(4)</script>

- src/greeter/loud.py:4-6 [correctness] <b>shout</b> keeps spaces <img src=x onerror=alert(3)>
</pre></div><h1 id="pwned">pwned</h1><style>body{display:none}</style>
<a href="javascript:alert(5)">click</a> <iframe src="https://example.invalid/"></iframe>
"""
OVERRIDE_REASON = "The hidden test was too strict about trailing spaces; checked by hand."


@dataclass(frozen=True, kw_only=True)
class Cohort:
    """A store filled by real gradings, and what the tests need to know about it."""

    store: Store
    db_url: str
    profile: Profile
    now: datetime
    scenarios: tuple[Scenario, ...]
    fixer: str
    reverter: str
    accepter: str
    hostile: str
    hostile_review: str = HOSTILE_REVIEW
    override_reason: str = OVERRIDE_REASON

    @property
    def names(self) -> tuple[str, ...]:
        return (self.fixer, self.reverter, self.accepter, self.hostile)


def _second_scenario(root: Path) -> Scenario:
    path = scaffold("greet-banner", root / "greet-banner")
    manifest = path / "scenario.toml"
    manifest.write_text(
        manifest.read_text()
        .replace('title = "Add a loud greeting"', 'title = "Shout on the welcome banner"')
        .replace(
            'summary = "Add shout() to the greeter"',
            'summary = "Use shout() for the banner on the welcome page"',
        )
    )
    return load(path)


def _hostile_diff(scenario: Scenario, seed: int) -> str:
    start = materialize.start_tree(scenario, draw(scenario, seed).values)
    changed = dict(start)
    changed["src/greeter/loud.py"] = (
        start["src/greeter/loud.py"] + b"# </pre><script>alert(2)</script>\n"
    )
    changed["conftest.py"] = b"import pytest  # <script>alert(6)</script>\n"
    return patches.make(start, changed)


@pytest.fixture(scope="session")
def graded_cohort(tmp_path_factory: pytest.TempPathFactory, base_image: str) -> Cohort:
    root = tmp_path_factory.mktemp("cohort")
    demo = load(scaffold("greet-demo", root / "greet-demo"))
    banner = _second_scenario(root)
    db_url = f"sqlite:///{root / 'dsim.db'}"
    store = Store(db_url)
    docker, local = get_backend("docker"), get_backend("local")
    fixer, reverter, accepter = "ada-fixer", "boris-reverter", "cyra-accepter"

    def run(
        name: str,
        scenario: Scenario,
        kind: str,
        *,
        review: str = "",
        elapsed: float | None = None,
        backend=docker,
    ) -> str:
        seed = default_seed(name, scenario.id)
        values = draw(scenario, seed).values
        diff = {
            "reference": lambda: materialize.reference_patch(scenario, values),
            "revert": lambda: materialize.revert_everything_patch(scenario, values),
            "accept": lambda: "",
            "hostile": lambda: _hostile_diff(scenario, seed),
        }[kind]()
        row, _ = submit(
            store,
            scenario,
            candidate=name,
            diff=diff,
            review_text=review,
            source="patch",
            seed=seed,
            elapsed_seconds=elapsed,
        )
        graded = grade_submission(store, row.id, backend)
        assert graded.status == "graded", graded.summary
        return row.id

    named = "- src/greeter/loud.py:4-6 [correctness] shout() keeps surrounding spaces.\n"
    for scenario in (demo, banner):
        run(fixer, scenario, "reference", review=named, elapsed=900)
        run(accepter, scenario, "accept", elapsed=1500)
    # An unisolated grading first (excluded evidence), then the real one.
    run(reverter, banner, "revert", backend=local)
    run(reverter, demo, "revert", review="I did not trust any of it.\n")
    run(reverter, banner, "revert", review="Reverted again.\n", elapsed=300)
    hostile_sub = run(HOSTILE, demo, "hostile", review=HOSTILE_REVIEW, elapsed=600)
    accepted = store.submissions(candidate=accepter, scenario=demo.id)[-1].id
    add_override(
        store,
        accepted,
        item="untrimmed-name",
        verdict="fixed",
        reason=OVERRIDE_REASON,
        by="lead-assessor",
    )
    add_override(
        store,
        hostile_sub,
        item="shout",
        verdict="lost",
        reason="<script>alert(7)</script> kept by accident",
        by="<b>mallory</b>",
    )
    now = datetime.now(UTC)
    store.add(
        *(
            Record(
                engineer=fixer,
                date=now - timedelta(days=30 * i),
                source=f"PR #{i}",
                dimension="catch" if i % 2 else None,
                outcome="pass" if i else "fail",
                weight=1.0,
                note="",
            )
            for i in range(3)
        )
    )
    return Cohort(
        store=store,
        db_url=db_url,
        profile=load_profile(),
        now=now,
        scenarios=(demo, banner),
        fixer=fixer,
        reverter=reverter,
        accepter=accepter,
        hostile=HOSTILE,
    )


@dataclass(frozen=True, kw_only=True)
class Browser:
    """Headless Chromium, offline and with a throwaway profile per call."""

    binary: str

    def _args(self, profile_dir: Path) -> list[str]:
        return [
            self.binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile_dir}",
        ]

    def open(self, page: Path, screenshot: Path, tmp: Path) -> tuple[str, str]:
        """Screenshot ``page``; return (the browser's log, the DOM after rendering)."""
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        shot = subprocess.run(
            [
                *self._args(tmp / "shot-profile"),
                f"--screenshot={screenshot}",
                "--window-size=1280,2400",
                "--enable-logging=stderr",
                "--v=0",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert shot.returncode == 0, shot.stderr[-2000:]
        dom = subprocess.run(
            [*self._args(tmp / "dom-profile"), "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert dom.returncode == 0, dom.stderr[-2000:]
        return shot.stderr, dom.stdout


@pytest.fixture(scope="session")
def chromium() -> Browser:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "headless Chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {message}")
        pytest.skip(message)
    return Browser(binary=found)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go for people to look at: build/screenshots/ in the checkout."""
    return SCREENSHOTS


class Page(HTMLParser):
    """Every tag, id, attribute and style text of a page, for structural assertions."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.attrs: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
            if name == "id" and value:
                self.ids.add(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


@pytest.fixture(scope="session")
def parse_html() -> type[Page]:
    """The :class:`Page` parser (tags, ids, attributes, CSS of a page)."""
    return Page


PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster per test module, reached over a Unix socket only (the
    store, queue and privacy tests share it). A missing server or driver fails the tests: the
    setup script installs both."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("the psycopg driver is not installed (pip install 'psycopg[binary]')")
    # Not under pytest's tmp folder: that one is private to root, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="dsim-pg-"))
    shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    made = _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "dsim")
    assert made.returncode == 0, made.stderr
    started = _as_postgres(
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(data),
        "-w",
        "-l",
        str(root / "log"),
        "-o",
        f"-k {root} -c listen_addresses=''",
        "start",
    )
    assert started.returncode == 0, started.stderr + (root / "log").read_text()
    try:
        yield f"postgresql+psycopg://dsim@/postgres?host={root}"
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)
