"""The server's similarity page: assessors see the copied pair side by side; hiring does not."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from test_similarity import _store_with_cohort

from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import load
from harness.scoring.profile import load_profile
from harness.service import people
from harness.service.app import create_app
from harness.service.web import Config

PASSWORD = "correct horse battery"


def _signed_in(app: object, name: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf.group(1)})
    assert answer.status_code == 303
    return client


def test_assessors_see_the_copied_pair_and_hiring_may_not(tmp_path: Path) -> None:
    scenario = load(scaffold("greet-demo", tmp_path / "greet-demo"))
    store = _store_with_cohort(tmp_path, scenario)
    home = tmp_path / "home"
    home.mkdir()
    app = create_app(Config(store=store, home=home, key=b"k" * 32, profile=load_profile(None)))
    for role in ("assessor", "hiring"):
        people.add_user(store, role, role, PASSWORD)

    page = _signed_in(app, "assessor").get("/scenarios/greet-demo/similarity")
    assert page.status_code == 200
    assert "careful</a> ~ <a" in page.text and "copycat" in page.text
    assert "BadDuration" in page.text and "DurationError" in page.text
    assert "ada</a> ~" not in page.text  # honest work is not listed

    empty = _signed_in(app, "assessor").get("/scenarios/nobody-took-it/similarity")
    assert empty.status_code == 200 and "No submissions to compare yet." in empty.text

    denied = _signed_in(app, "hiring").get("/scenarios/greet-demo/similarity")
    assert denied.status_code in (403, 404) and "copycat" not in denied.text
