"""Hostile users: sign-in throttling, cookies, CSRF, secrets at rest, disabled users, headers,
escaping, redirects and paths taken from requests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from servicekit import (  # type: ignore[import-not-found]
    PASSWORD,
    SCENARIO,
    Server,
    csrf_of,
    download,
    fake_graded,
    submit_page,
)

from harness.service import people
from harness.store import User


def _login_form(client) -> str:  # type: ignore[no-untyped-def]
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    return token.group(1)


def test_wrong_passwords_are_audited_and_throttled_even_for_the_right_one(server: Server) -> None:
    client = server.client()
    csrf = _login_form(client)
    for _ in range(people.THROTTLE_FAILURES):
        answer = client.post("/login", data={"name": "admin", "password": "nope", "csrf": csrf})
        assert answer.status_code == 401 and "Wrong name or password" in answer.text
    blocked = client.post("/login", data={"name": "admin", "password": PASSWORD, "csrf": csrf})
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "900"
    actions = [e.action for e in people.audit_log(server.store)]
    assert actions.count("login_failed") == people.THROTTLE_FAILURES
    assert "login_throttled" in actions
    # another name from the same address (a colleague behind the same NAT) still signs in
    assert server.login("assessor").get("/queue").status_code == 200


def test_the_sign_in_form_needs_its_own_token(server: Server) -> None:
    client = server.client()
    answer = client.post("/login", data={"name": "admin", "password": PASSWORD, "csrf": "x"})
    assert answer.status_code == 403


def test_session_cookies_are_httponly_samesite_and_signed(server: Server) -> None:
    client = server.client()
    csrf = _login_form(client)
    answer = client.post("/login", data={"name": "admin", "password": PASSWORD, "csrf": csrf})
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    forged = server.client()
    forged.cookies.set("dsim_session", client.cookies["dsim_session"][:-2] + "xx")
    assert forged.get("/queue").status_code == 303


def test_every_change_needs_the_sessions_csrf_token(server: Server) -> None:
    client = server.login("assessor")
    form = {"candidate": "eve", "scenario": [SCENARIO], "expires": "7d"}
    assert client.post("/invites", data=form).status_code == 403
    assert client.post("/invites", data={**form, "csrf": "wrong"}).status_code == 403
    api = {"candidate": "eve", "scenarios": [SCENARIO]}
    assert client.post("/api/v1/invites", json=api).status_code == 403
    csrf = csrf_of(client, "/invites")
    assert client.post("/invites", data={**form, "csrf": csrf}).status_code == 200
    headers = {"X-CSRF-Token": csrf}
    assert client.post("/api/v1/invites", json=api, headers=headers).status_code == 201


def test_api_tokens_work_without_csrf_and_stop_when_revoked(server: Server) -> None:
    row, secret = people.create_token(server.store, "assessor", "ci")
    bearer = {"Authorization": f"Bearer {secret}"}
    api = server.client()
    created = api.post(
        "/api/v1/invites", json={"candidate": "eve", "scenarios": [SCENARIO]}, headers=bearer
    )
    assert created.status_code == 201 and created.json()["link"].startswith(
        "http://testserver/join/"
    )
    people.revoke_token(server.store, row.id)
    assert api.get("/api/v1/invites", headers=bearer).status_code == 401
    assert api.get("/api/v1/invites", headers={"Authorization": "Basic abc"}).status_code == 401


def test_no_secret_is_stored_in_the_clear(server: Server) -> None:
    client = server.login("admin")
    _, api_secret = people.create_token(server.store, "admin", "t")
    cookie = client.cookies["dsim_session"]
    invite_token = server.invites["ada"].token
    raw = (server.home / "dsim.db").read_bytes()
    for secret in (api_secret, invite_token, PASSWORD):
        assert secret.encode() not in raw
    assert cookie.split(".")[0].encode() not in raw
    with server.store.session() as s:
        hashes = [u.password_hash for u in s.query(User).all()]
    assert all(h.startswith("$argon2id$") for h in hashes)


def test_a_disabled_user_loses_sessions_tokens_and_sign_in(server: Server) -> None:
    client = server.login("hiring")
    _, secret = people.create_token(server.store, "hiring", "t")
    people.set_disabled(server.store, "hiring", True)
    assert client.get("/candidates").status_code == 303
    bearer = {"Authorization": f"Bearer {secret}"}
    assert server.client().get("/api/v1/candidates", headers=bearer).status_code == 401
    fresh = server.client()
    csrf = _login_form(fresh)
    answer = fresh.post("/login", data={"name": "hiring", "password": PASSWORD, "csrf": csrf})
    assert answer.status_code == 401


def test_pages_carry_the_security_headers_and_no_inline_script(server: Server) -> None:
    client = server.login("assessor")
    for path in ("/login", "/queue", "/invites", "/api/v1/submissions", "/nowhere"):
        answer = client.get(path)
        csp = answer.headers["content-security-policy"]
        script_src = csp.split("script-src")[1].split(";")[0]
        assert script_src.strip() == "'self'"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in csp
        if "html" in answer.headers["content-type"]:
            scripts = re.findall(r"<script([^>]*)>(.*?)</script>", answer.text, re.S)
            assert all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
            assert not re.search(r"\son[a-z]+=", answer.text)


def test_candidate_supplied_text_is_escaped_everywhere_staff_read_it(server: Server) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    made = people.create_invite(
        server.store, f"eve {hostile}", [SCENARIO], by="x", expires=people.parse_duration("1d")
    )
    server.invites["eve"] = made
    eve = server.candidate("eve")
    download(eve)
    submit_page(eve, "", f"- src/invoicing/totals.py:1 [correctness] {hostile}\n")
    sub = server.store.submissions()[-1]
    fake_graded(server.store, sub)
    assessor = server.login("assessor")
    for path in ("/invites", "/queue", f"/submissions/{sub.id}", "/candidates"):
        text = assessor.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in assessor.get(f"/submissions/{sub.id}").text


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_sign_in_never_redirects_to_another_site(server: Server, target: str) -> None:
    client = server.client()
    csrf = _login_form(client)
    answer = client.post(
        "/login", data={"name": "admin", "password": PASSWORD, "csrf": csrf, "next": target}
    )
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//"))
    assert "evil" not in location or location.startswith("/\\") is False


@pytest.mark.parametrize(
    "path",
    [
        "/static/..%2f..%2fpyproject.toml",
        "/static/htmx.min.js%00",
        "/scenarios/..%2f..%2fscenarios%2finvoice-rounding",
        "/scenarios/%2Fetc%2Fpasswd",
    ],
)
def test_paths_from_requests_are_never_joined(server: Server, path: str) -> None:
    answer = server.login("assessor").get(path)
    assert answer.status_code == 404
    assert "[tool" not in answer.text and "root:" not in answer.text


def test_a_candidate_path_outside_the_invite_is_not_found(server: Server, tmp_path: Path) -> None:
    client = server.candidate("bob")
    for path in ("/me/invoice-rounding", "/me/..%2finvoice-rounding", "/me/%2Ftmp"):
        assert client.get(path).status_code == 404, path


def test_an_oversized_upload_is_refused_before_it_is_read_whole(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DSIM_MAX_DIFF_KB", "4")
    client = server.candidate("ada")
    download(client)
    csrf = csrf_of(client, f"/me/{SCENARIO}")
    answer = client.post(
        f"/me/{SCENARIO}/check",
        data={"csrf": csrf},
        files={"diff_file": ("big.diff", b"+" * 10_000, "text/plain")},
    )
    assert answer.status_code == 413


def test_a_request_body_over_the_limit_is_refused_while_it_streams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicekit import make_server  # type: ignore[import-not-found]

    monkeypatch.setenv("DSIM_MAX_DIFF_KB", "4")
    monkeypatch.setenv("DSIM_MAX_REVIEW_KB", "1")
    server = make_server(tmp_path)  # the limit is read when the app is made: 3 x 5 KB + 64 KB
    client = server.candidate("ada")
    csrf = csrf_of(client, f"/me/{SCENARIO}")
    big = b"+" * 200_000
    declared = client.post(
        f"/me/{SCENARIO}/check",
        data={"csrf": csrf},
        files={"diff_file": ("big.diff", big, "text/plain")},
    )
    assert declared.status_code == 413

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(50):
            yield b"x" * 4096

    streamed = client.post(
        "/api/v1/workspace/submit",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert streamed.headers["x-frame-options"] == "DENY"
    assert client.get("/me").status_code == 200  # the server is fine afterwards
    server.store.close()
