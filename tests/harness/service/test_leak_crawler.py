"""Signed in as a candidate and as hiring, crawl every page reachable by links and every API
answer they may read, and find no hidden test source or name, reference fix, flaw id, title or
location in any of them.

The store holds graded results with every real item of the scenarios (see ``fake_graded``), an
override with a reason, and feedback released to the candidate, so every page has its full
content.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from servicekit import (  # type: ignore[import-not-found]
    OTHER_SCENARIO,
    SCENARIO,
    Server,
    download,
    fake_graded,
    make_server,
    submit_page,
)

from harness.scenarios import materialize
from harness.scenarios.scenario import BRIEF, Scenario, library, resolve
from harness.scenarios.variants import default_seed, draw, render_file
from harness.service import actions, candidates

MIN_LINE = 24
"""Hidden or reference lines at least this long are distinctive enough to look for."""


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "hx-get", "src"):
                self.found.append(value)


def visible_text(scenario: Scenario, candidate: str) -> str:
    """Everything the candidate is meant to see of the scenario: the tree, ticket, transcript."""
    values = draw(scenario, default_seed(candidate, scenario.id)).values
    tree = materialize.start_tree(scenario, values)
    parts = [v.decode("utf-8", "replace") for v in tree.values()]
    parts.append(render_file(scenario, BRIEF, values))
    parts.append(render_file(scenario, scenario.manifest.ai.transcript, values))
    return "\n".join(parts)


def secrets_of(scenario: Scenario, visible: str) -> set[str]:
    """Strings that must never reach a candidate or hiring."""
    found: set[str] = set()
    for flaw in scenario.manifest.flaws:
        found |= {flaw.id, flaw.title, *flaw.locations, *flaw.tests}
    for keep in scenario.manifest.keeps:
        found |= {keep.id, *keep.tests}
    hidden = scenario.path / "hidden"
    for path in hidden.rglob("*.py*"):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"def (test_\w+)", source))
        found |= {
            line.strip()
            for line in source.splitlines()
            if len(line.strip()) >= MIN_LINE and line.strip() not in visible
        }
    fix = (scenario.path / "reference" / "fix.patch").read_text(encoding="utf-8")
    found |= {
        line[1:].strip()
        for line in fix.splitlines()
        if line.startswith("+")
        and not line.startswith("+++")
        and len(line[1:].strip()) >= MIN_LINE
        and line[1:].strip() not in visible
    }
    # A word that is also ordinary prose (a keep called "logging") is not a leak by itself.
    return {s for s in found if len(s) >= 8 or "-" in s or "_" in s}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Server:
    server = make_server(tmp_path_factory.mktemp("crawl"))
    ada = server.candidate("ada")
    for scenario in (SCENARIO, OTHER_SCENARIO):
        download(ada, scenario)
        submit_page(ada, "", "- src/a.py:1 [correctness] something is off\n", scenario)
    bob = server.candidate("bob")
    download(bob, OTHER_SCENARIO)
    submit_page(bob, "", "", OTHER_SCENARIO)
    for sub in server.store.submissions():
        fake_graded(server.store, sub, fixed=sub.scenario_id == SCENARIO)
        flaw = resolve(sub.scenario_id).manifest.flaws[0]
        actions.override(
            server.store,
            sub.id,
            who="assessor",
            ip="",
            item=flaw.id,
            verdict="not_fixed",
            reason="checked by hand",
        )
        candidates.release(server.store, sub.id, by="assessor")
    return server


def crawl(client: TestClient, start: Iterable[str]) -> dict[str, str]:
    """GET every same-site link reachable from ``start``; path → text."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo:
        path = todo.pop()
        if path in seen or path.startswith(("/logout", "/join/")):
            continue
        answer = client.get(path)
        if answer.status_code in (301, 302, 303, 307):
            todo.append(answer.headers["location"])
            seen[path] = ""
            continue
        assert answer.status_code in (200, 404), (path, answer.status_code)
        seen[path] = answer.text
        if "html" in answer.headers.get("content-type", ""):
            parser = Links()
            parser.feed(answer.text)
            for link in parser.found:
                target = urljoin(path, link)
                parts = urlsplit(target)
                if not parts.netloc and not link.startswith(("#", "javascript:")):
                    todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def assert_no_leak(pages: dict[str, str], forbidden: set[str]) -> None:
    leaks = []
    for path, text in pages.items():
        plain = html.unescape(text)
        leaks += [(path, s) for s in forbidden if s in plain]
    assert leaks == []


def forbidden_for(candidate: str) -> set[str]:
    found: set[str] = set()
    for scenario in library():
        found |= secrets_of(scenario, visible_text(scenario, candidate))
    return found


def test_the_forbidden_list_finds_what_it_looks_for(world: Server) -> None:
    """The check can fail: the assessor's pages do show these strings."""
    assessor = world.login("assessor")
    subs = world.store.submissions(candidate="ada")
    pages = crawl(assessor, ["/queue", f"/scenarios/{SCENARIO}", f"/submissions/{subs[0].id}"])
    plain = html.unescape("\n".join(pages.values()))
    scenario = resolve(SCENARIO)
    flaw = scenario.manifest.flaws[0]
    assert flaw.id in plain and flaw.title in plain and flaw.locations[0] in plain
    assert any(s in plain for s in secrets_of(scenario, visible_text(scenario, "ada")))


def test_a_candidate_reaches_nothing_hidden(world: Server, tmp_path: Path) -> None:
    client = world.candidate("ada")
    pages = crawl(client, ["/", "/me", "/me/feedback"])
    assert pages.get("/me/feedback")  # released: it has content
    assert len(pages) >= 5
    pages["workspace status (API)"] = client.get("/api/v1/whoami").text
    assert_no_leak(pages, forbidden_for("ada"))


def test_hiring_reaches_nothing_hidden(world: Server) -> None:
    client = world.login("hiring")
    pages = crawl(client, ["/", "/candidates", "/compare?c=ada&c=bob", "/export.csv", "/cohort"])
    assert "Cohort evidence" in pages["/cohort"]
    for path in (
        "/api/v1/cohort",
        "/api/v1/candidates",
        "/api/v1/candidates/ada",
        "/api/v1/compare?c=ada&c=bob",
        "/api/v1/whoami",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[:200])
        pages[path] = answer.text
    assert any("ada" in text for text in pages.values())
    assert_no_leak(pages, forbidden_for("ada") | forbidden_for("bob"))
