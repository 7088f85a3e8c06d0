"""Helpers for the server tests (imported by name: the folder is on sys.path for its tests).

A dsim server in-process (FastAPI's TestClient) over a fresh store, with one user per role,
two invited candidates, and helpers to sign in, submit and fake a graded result.

A faked result is what grading stores for the real scenario: its real flaw and keep ids, kinds,
severities and hidden test ids, so what the pages show of it is what they would show of a
graded one (the browser test grades for real in Docker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from harness.scenarios.scenario import resolve
from harness.scoring.profile import load_profile
from harness.service import people
from harness.service.app import create_app
from harness.service.web import Config
from harness.store import Result, Store, Submission

PASSWORD = "correct horse battery"
SCENARIO = "invoice-rounding"
OTHER_SCENARIO = "feature-flags"
KEY = b"k" * 32


@dataclass
class Server:
    store: Store
    app: object
    home: Path
    invites: dict[str, people.NewInvite] = field(default_factory=dict)

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)  # type: ignore[arg-type]

    def login(self, name: str, password: str = PASSWORD) -> TestClient:
        client = self.client()
        form = client.get("/login")
        assert form.status_code == 200
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token is not None
        answer = client.post(
            "/login", data={"name": name, "password": password, "csrf": token.group(1)}
        )
        assert answer.status_code == 303, answer.text
        return client

    def candidate(self, name: str) -> TestClient:
        """A browser that opened ``name``'s invite link."""
        client = self.client()
        answer = client.get(f"/join/{self.invites[name].token}")
        assert answer.status_code == 303, answer.text
        return client


def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token on a page the client can read."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code, page.text[:300])
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None, f"no form with a CSRF token on {path}"
    return token.group(1)


def make_server(tmp_path: Path) -> Server:
    home = tmp_path / "home"
    home.mkdir()
    store = Store(f"sqlite:///{home / 'dsim.db'}")
    config = Config(store=store, home=home, key=KEY, profile=load_profile(None))
    server = Server(store=store, app=create_app(config), home=home)
    for role in ("admin", "assessor", "hiring"):
        people.add_user(store, role, role, PASSWORD)
    # bob is the second candidate: invited to another scenario only.
    for name, scenarios in (("ada", [SCENARIO, OTHER_SCENARIO]), ("bob", [OTHER_SCENARIO])):
        server.invites[name] = people.create_invite(
            store, name, scenarios, by="assessor", expires=timedelta(days=7)
        )
    return server


def download(client: TestClient, scenario: str = SCENARIO) -> bytes:
    csrf = csrf_of(client, f"/me/{scenario}")
    answer = client.post(f"/me/{scenario}/workspace", data={"csrf": csrf})
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-type"] == "application/gzip"
    return answer.content


def submit_page(client: TestClient, diff: str, review: str, scenario: str = SCENARIO) -> None:
    csrf = csrf_of(client, f"/me/{scenario}")
    preview = client.post(
        f"/me/{scenario}/check", data={"csrf": csrf, "diff": diff, "review": review}
    )
    assert preview.status_code == 200, preview.text[:500]
    done = client.post(
        f"/me/{scenario}/submit", data={"csrf": csrf, "diff": diff, "review": review}
    )
    assert done.status_code == 303, done.text[:500]


def fake_graded(store: Store, submission: Submission, *, fixed: bool = True) -> None:
    """Store the result grading would: the scenario's real items, all fixed (or none)."""
    scenario = resolve(submission.scenario_id)
    items = [
        {
            "id": f.id,
            "kind": "flaw",
            "severity": f.severity,
            "category": f.category,
            "verdict": "fixed" if fixed else "not_fixed",
            "tests": list(f.tests),
        }
        for f in scenario.manifest.flaws
    ] + [
        {"id": k.id, "kind": "keep", "severity": 1, "verdict": "kept", "tests": list(k.tests)}
        for k in scenario.manifest.keeps
    ]
    store.add(
        Result(
            submission_id=submission.id,
            key="fake",
            status="graded",
            backend="docker",
            isolated=True,
            data={"status": "graded", "items": items, "regression": {"passed": 3, "total": 3}},
        )
    )


def submissions_of(store: Store, candidate: str) -> list[Submission]:
    return store.submissions(candidate=candidate)
