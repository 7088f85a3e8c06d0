"""The candidate's path over HTTP: invite link, ticket, workspace download (the clock starts),
submission in the page or through the API with the workspace's token, and refusals."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from datetime import timedelta
from pathlib import Path

from servicekit import (  # type: ignore[import-not-found]
    SCENARIO,
    Server,
    csrf_of,
    download,
    submissions_of,
    submit_page,
)

from harness.scenarios.scenario import resolve
from harness.service import people
from harness.store import Assignment, Job, now
from harness.workspace.start import MARKER


def unpack(archive: bytes, into: Path) -> Path:
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        names = tar.getnames()
        assert all(not n.startswith(("/", "..")) and "/../" not in n for n in names)
        assert all(m.isfile() or m.isdir() for m in tar.getmembers())
        tar.extractall(into, filter="data")
    return into / SCENARIO


def test_the_invite_link_opens_the_candidates_scenarios_and_the_ticket(server: Server) -> None:
    client = server.candidate("ada")
    me = client.get("/me")
    assert me.status_code == 200
    scenario = resolve(SCENARIO)
    assert scenario.title in me.text
    task = client.get(f"/me/{SCENARIO}")
    assert task.status_code == 200
    assert "The ticket" in task.text and "The AI conversation" in task.text
    opened = people.invite(server.store, server.invites["ada"].invite.id)
    assert opened.opened_at is not None
    assert [e.action for e in people.audit_log(server.store)] == ["invite_opened"]


def test_the_workspace_is_a_git_repository_with_the_ai_change_and_no_hidden_material(
    server: Server, tmp_path: Path
) -> None:
    client = server.candidate("ada")
    workspace = unpack(download(client), tmp_path)
    log = subprocess.run(
        ["git", "-C", str(workspace), "log", "--format=%s"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert log == ["AI assistant's change", "The codebase before the AI change"]
    files = {str(p.relative_to(workspace)) for p in workspace.rglob("*") if ".git/" not in str(p)}
    assert not any(f.startswith(("hidden", "reference", "samples", "mutants")) for f in files)
    marker = json.loads((workspace / MARKER).read_text())
    assert marker["server"] == "http://testserver"
    assert marker["token"].startswith("dsa_")
    assert marker["editable"] == list(resolve(SCENARIO).manifest.editable)


def test_the_clock_starts_at_the_first_download_and_a_second_keeps_it(
    server: Server, tmp_path: Path
) -> None:
    client = server.candidate("ada")
    first = unpack(download(client), tmp_path / "one")
    with server.store.session() as s:
        started = [a.started_at for a in s.query(Assignment).all()]
    second = unpack(download(client), tmp_path / "two")
    with server.store.session() as s:
        rows = s.query(Assignment).all()
    assert [a.started_at for a in rows] == started and len(rows) == 1
    token = json.loads((first / MARKER).read_text())["token"]
    assert json.loads((second / MARKER).read_text())["token"] == token
    downloads = people.audit_log(server.store, action="workspace_download")
    assert [e.detail["first"] for e in downloads] == [False, True]


def test_a_page_submission_is_checked_then_stored_and_queued(server: Server) -> None:
    client = server.candidate("ada")
    download(client)
    review = "- src/invoicing/totals.py:12 [correctness] totals summed as floats\n"
    csrf = csrf_of(client, f"/me/{SCENARIO}")
    preview = client.post(
        f"/me/{SCENARIO}/check",
        data={"csrf": csrf, "diff": "", "review": review + "- src/x.py [bogus] words\n"},
    )
    assert preview.status_code == 200
    assert "1 finding recognised" in preview.text
    assert "do not parse" in preview.text
    assert submissions_of(server.store, "ada") == []  # checking stores nothing
    submit_page(client, "", review)
    subs = submissions_of(server.store, "ada")
    assert len(subs) == 1 and subs[0].source == "upload" and subs[0].elapsed_seconds is not None
    with server.store.session() as s:
        jobs = s.query(Job).filter_by(submission_id=subs[0].id).all()
    assert [j.state for j in jobs] == ["queued"]
    status = client.get(f"/me/{SCENARIO}/status")
    assert "received" in status.text


def test_submitting_before_downloading_is_refused(server: Server) -> None:
    client = server.candidate("ada")
    csrf = csrf_of(client, f"/me/{SCENARIO}")
    answer = client.post(f"/me/{SCENARIO}/submit", data={"csrf": csrf, "diff": "", "review": ""})
    assert answer.status_code == 400
    assert "download the workspace first" in answer.text


def test_a_broken_patch_is_refused_naming_its_hunk_and_nothing_is_stored(server: Server) -> None:
    client = server.candidate("ada")
    download(client)
    diff = (
        "diff --git a/src/invoicing/totals.py b/src/invoicing/totals.py\n"
        "--- a/src/invoicing/totals.py\n+++ b/src/invoicing/totals.py\n"
        "@@ -1,3 +1,3 @@\n-this line is not there\n+nor this\n context\n context\n"
    )
    csrf = csrf_of(client, f"/me/{SCENARIO}")
    answer = client.post(f"/me/{SCENARIO}/submit", data={"csrf": csrf, "diff": diff, "review": ""})
    assert answer.status_code == 400
    assert "totals.py" in answer.text and "hunk" in answer.text
    assert submissions_of(server.store, "ada") == []


def test_binary_files_and_oversized_changes_are_refused(server: Server, monkeypatch) -> None:
    client = server.candidate("ada")
    download(client)
    binary = (
        "diff --git a/src/logo.png b/src/logo.png\nnew file mode 100644\n"
        "index 0000000..1111111\nBinary files /dev/null and b/src/logo.png differ\n"
    )
    csrf = csrf_of(client, f"/me/{SCENARIO}")
    answer = client.post(f"/me/{SCENARIO}/check", data={"csrf": csrf, "diff": binary})
    assert answer.status_code == 400 and "binary files cannot be submitted" in answer.text
    monkeypatch.setenv("DSIM_MAX_REVIEW_KB", "1")
    answer = client.post(
        f"/me/{SCENARIO}/submit", data={"csrf": csrf, "diff": "", "review": "x" * 2000}
    )
    assert answer.status_code == 400 and "REVIEW.md" in answer.text
    upload = client.post(
        f"/me/{SCENARIO}/check",
        data={"csrf": csrf, "review": ""},
        files={"diff_file": ("change.diff", b"\xff\xfe\x00binary", "application/octet-stream")},
    )
    assert upload.status_code == 400 and "not UTF-8" in upload.text
    assert submissions_of(server.store, "ada") == []


def test_an_expired_or_revoked_invite_stops_the_link_the_session_and_the_token(
    server: Server, tmp_path: Path
) -> None:
    client = server.candidate("ada")
    workspace = unpack(download(client), tmp_path)
    token = json.loads((workspace / MARKER).read_text())["token"]
    people.revoke_invite(server.store, server.invites["ada"].invite.id)
    assert client.get("/me").status_code == 303  # the session ended: back to sign-in
    assert server.client().get(f"/join/{server.invites['ada'].token}").status_code == 410
    api = server.client().post(
        "/api/v1/workspace/submit",
        json={"diff": "", "review": ""},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 403 and "revoked" in api.json()["error"]["message"]
    bob = server.invites["bob"].invite
    with server.store.session() as s:
        row = s.get(type(bob), bob.id)
        row.expires_at = now() - timedelta(minutes=1)
    assert server.client().get(f"/join/{server.invites['bob'].token}").status_code == 410
    assert server.client().get("/join/dsi_not-a-token").status_code == 404


def test_the_workspace_token_submits_through_the_api_and_reaches_nothing_else(
    server: Server, tmp_path: Path
) -> None:
    client = server.candidate("ada")
    workspace = unpack(download(client), tmp_path)
    token = json.loads((workspace / MARKER).read_text())["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    api = server.client()
    dry = api.post(
        "/api/v1/workspace/submit",
        json={"diff": "", "review": "- src/x.py [bogus] words\n", "dry_run": True},
        headers=bearer,
    )
    assert dry.status_code == 200 and dry.json()["stored"] is False
    assert dry.json()["review"]["problems"]
    done = api.post("/api/v1/workspace/submit", json={"diff": "", "review": ""}, headers=bearer)
    assert done.status_code == 200 and done.json()["stored"] is True
    again = api.post("/api/v1/workspace/submit", json={"diff": "", "review": ""}, headers=bearer)
    assert again.json()["duplicate"] is True
    assert len(submissions_of(server.store, "ada")) == 1
    for path in ("/me", "/queue", "/api/v1/submissions", "/api/v1/candidates"):
        assert api.get(path, headers=bearer).status_code == 403, path
    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    refused = api.get("/api/v1/workspace", headers={"Authorization": f"Bearer {forged}"})
    assert refused.status_code == 401
