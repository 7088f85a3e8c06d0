"""Erasure after the real server flow: invite, open, download, submit, override, regrade, release.

The audit entries, sessions and jobs here are the ones the server writes, not hand-made rows; the
whole store file and data folder are searched afterwards for the person's name and every id.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from harness.cli import cli
from harness.scenarios.scenario import resolve
from harness.scoring.profile import load_profile
from harness.service import people
from harness.service.app import create_app
from harness.service.web import Config
from harness.store import Result, Store

PASSWORD = "correct horse battery"
SCENARIO = "invoice-rounding"


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def _everything(home: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


def test_erasing_a_candidate_after_the_server_flow_leaves_nothing_of_them(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    store = Store(f"sqlite:///{home / 'dsim.db'}")
    app = create_app(Config(store=store, home=home, key=b"k" * 32, profile=load_profile(None)))
    people.add_user(store, "assessor", "assessor", PASSWORD)
    other = people.create_invite(store, "Grace Hopper", [SCENARIO], by="x", expires=timedelta(1))

    assessor = TestClient(app, follow_redirects=False)
    login = _csrf(assessor, "/login")
    assessor.post("/login", data={"name": "assessor", "password": PASSWORD, "csrf": login})
    csrf = _csrf(assessor, "/invites")
    made = assessor.post(
        "/invites", data={"csrf": csrf, "candidate": "Carol Zygmunt", "scenario": [SCENARIO]}
    )
    link = re.search(r'id="invite-link">([^<]+)<', made.text)
    assert link is not None
    carol = TestClient(app, follow_redirects=False)
    assert carol.get(link.group(1).replace("http://testserver", "")).status_code == 303
    token = _csrf(carol, f"/me/{SCENARIO}")
    assert carol.post(f"/me/{SCENARIO}/workspace", data={"csrf": token}).status_code == 200
    review = "## Findings\n- src/invoicing/export.py:23-51 [correctness] Carol Zygmunt: floats\n"
    done = carol.post(f"/me/{SCENARIO}/submit", data={"csrf": token, "diff": "", "review": review})
    assert done.status_code == 303
    (sub,) = store.submissions(candidate="carol zygmunt")
    flaws = resolve(SCENARIO).manifest.flaws
    items = [
        {"id": f.id, "kind": "flaw", "severity": f.severity, "verdict": "fixed", "tests": []}
        for f in flaws
    ]
    store.add(
        Result(
            submission_id=sub.id,
            key="fake",
            status="graded",
            backend="docker",
            isolated=True,
            data={"status": "graded", "items": items, "regression": {"passed": 3, "total": 3}},
        )
    )
    for action, data in (
        ("override", {"item": flaws[0].id, "verdict": "not_fixed", "reason": "Carol's guess"}),
        ("regrade", {}),
        ("release", {}),
    ):
        answer = assessor.post(f"/submissions/{sub.id}/{action}", data={"csrf": csrf, **data})
        assert answer.status_code == 303, (action, answer.text[:300])
    ids = [sub.id, sub.assignment_id or "", *(r.id for r in store.overrides([sub.id]))]
    ids.append(store.assignment(sub.assignment_id or "").invite_id or "")
    assert all(ids) and b"Carol Zygmunt" in _everything(home)
    store.close()

    out = CliRunner().invoke(cli, ["--home", str(home), "erase", "carol zygmunt", "--yes"])
    assert out.exit_code == 0, out.output
    after = _everything(home)
    for needle in ["carol zygmunt", "Carol Zygmunt", "Carol", *ids]:
        assert needle.encode() not in after, needle
    assert b"Grace Hopper" in after and other.invite.id.encode() in after
