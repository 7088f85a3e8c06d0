"""The server's commands: users, tokens, invites, and `dsim submit --to` against a real HTTP
server (uvicorn in a thread) from a downloaded workspace."""

from __future__ import annotations

import io
import json
import socket
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner
from servicekit import SCENARIO, Server, download, make_server  # type: ignore[import-not-found]

from harness.cli import cli
from harness.errors import ExitCode
from harness.scenarios.scenario import resolve
from harness.service import people
from harness.store import Store


def run(home: Path, *args: str, stdin: str | None = None, **env: str) -> object:
    return CliRunner().invoke(
        cli, ["--home", str(home), *args], input=stdin, env={"DSIM_PASSWORD": "", **env}
    )


def test_users_are_added_listed_and_disabled_from_the_command_line(tmp_path: Path) -> None:
    added = run(
        tmp_path,
        "users",
        "add",
        "alice",
        "--role",
        "assessor",
        DSIM_PASSWORD="a long enough password",
    )
    assert added.exit_code == 0, added.output
    short = run(
        tmp_path, "users", "add", "bob", "--role", "hiring", "--password-stdin", stdin="short\n"
    )
    assert short.exit_code == ExitCode.INVALID_INPUT and "at least 10" in short.output
    taken = run(
        tmp_path, "users", "add", "alice", "--role", "admin", DSIM_PASSWORD="a long enough password"
    )
    assert taken.exit_code == ExitCode.INVALID_INPUT and "exists" in taken.output
    listed = json.loads(run(tmp_path, "users", "list", "--json").output)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [("alice", "assessor", False)]
    assert run(tmp_path, "users", "disable", "alice").exit_code == 0
    listed = json.loads(run(tmp_path, "users", "list", "--json").output)
    assert listed[0]["disabled"] is True
    token = run(tmp_path, "tokens", "create", "alice", "--name", "ci")
    assert token.exit_code == 0 and token.output.startswith("dsim_")


def test_invites_are_made_listed_and_revoked_from_the_command_line(tmp_path: Path) -> None:
    made = run(
        tmp_path,
        "invite",
        "Ada Lovelace",
        "--scenario",
        SCENARIO,
        "--expires",
        "2d",
        "--url",
        "https://dsim.example.org",
        "--json",
    )
    assert made.exit_code == 0, made.output
    data = json.loads(made.output)
    assert data["link"].startswith("https://dsim.example.org/join/dsi_")
    assert data["candidate"] == "ada lovelace"
    listed = json.loads(run(tmp_path, "invites", "--json").output)
    assert [i["state"] for i in listed] == ["open"]
    assert run(tmp_path, "invites", "revoke", data["invite"]).exit_code == 0
    listed = json.loads(run(tmp_path, "invites", "--json").output)
    assert [i["state"] for i in listed] == ["revoked"]
    unknown = run(tmp_path, "invite", "eve", "--scenario", "no-such-scenario")
    assert unknown.exit_code == ExitCode.NOT_FOUND
    bad = run(tmp_path, "invite", "eve", "--scenario", SCENARIO, "--expires", "soon")
    assert bad.exit_code == ExitCode.INVALID_INPUT and "7d" in bad.output
    audit = [e.action for e in people.audit_log(Store(f"sqlite:///{tmp_path / 'dsim.db'}"))]
    assert audit.count("invite_created") == 1 and "invite_revoked" in audit


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    """The test server's app on a real port."""
    server = make_server(tmp_path)
    port = _free_port()
    config = uvicorn.Config(server.app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started
    yield server, f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=20)
    server.store.close()


def _workspace(server: Server, into: Path, url: str) -> Path:
    client = server.candidate("ada")
    with tarfile.open(fileobj=io.BytesIO(download(client))) as archive:
        archive.extractall(into, filter="data")
    workspace = into / SCENARIO
    marker = workspace / ".dsim-assignment.json"
    data = json.loads(marker.read_text())
    data["server"] = url  # as if downloaded from this address
    marker.write_text(json.dumps(data))
    return workspace


def test_submit_to_sends_the_workspace_change_and_review(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, url = live
    workspace = _workspace(server, tmp_path / "ws", url)
    sample = resolve(SCENARIO).path / "samples" / "partial"
    import subprocess

    subprocess.run(["git", "-C", str(workspace), "apply", str(sample / "change.patch")], check=True)
    (workspace / "REVIEW.md").write_text((sample / "REVIEW.md").read_text())
    (workspace / "notes.txt").write_text("scratch, outside the editable paths\n")
    sent = run(tmp_path / "candidate-home", "submit", "--to", url, str(workspace), "--yes")
    assert sent.exit_code == 0, sent.output
    assert "not submitted: notes.txt" in sent.output
    assert "REVIEW.md: 2 findings recognised" in sent.output
    assert "Submitted:" in sent.output
    stored = server.store.submissions(candidate="ada")
    assert len(stored) == 1 and stored[0].source == "remote"
    assert "notes.txt" not in stored[0].diff and stored[0].review.strip()
    again = run(tmp_path / "candidate-home", "submit", "--to", url, str(workspace), "--yes")
    assert "Already submitted" in again.output
    # the candidate's machine holds no store with anyone's data
    assert not (tmp_path / "candidate-home" / "dsim.db").exists()


def test_submit_to_an_unreachable_server_is_an_infrastructure_error(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, url = live
    workspace = _workspace(server, tmp_path / "ws", url)
    dead = f"http://127.0.0.1:{_free_port()}"
    sent = run(tmp_path / "h", "submit", "--to", dead, str(workspace), "--yes")
    assert sent.exit_code == ExitCode.INFRA
    assert "cannot reach the dsim server" in sent.output and "nothing was submitted" in sent.output


def test_submit_to_with_a_revoked_invite_says_so(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, url = live
    workspace = _workspace(server, tmp_path / "ws", url)
    people.revoke_invite(server.store, server.invites["ada"].invite.id)
    sent = run(tmp_path / "h", "submit", "--to", url, str(workspace), "--yes")
    assert sent.exit_code == ExitCode.INVALID_INPUT
    assert "revoked" in sent.output
    assert server.store.submissions(candidate="ada") == []


def test_submit_to_refuses_a_workspace_made_by_dsim_start(tmp_path: Path) -> None:
    started = run(tmp_path, "start", SCENARIO, "--candidate", "ada", "--dir", str(tmp_path / "ws"))
    assert started.exit_code == 0, started.output
    sent = run(tmp_path, "submit", "--to", "http://127.0.0.1:9", str(tmp_path / "ws"), "--yes")
    assert sent.exit_code == ExitCode.INVALID_INPUT and "dsim start" in sent.output
