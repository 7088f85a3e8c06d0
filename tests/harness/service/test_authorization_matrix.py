"""Every route of the server × every kind of caller → the expected status, in one table.

Callers: anonymous; ``workspace`` (ada's workspace submit token, no cookie); ``bob`` (a second
candidate, invited to another scenario: ada's resources are ids he might guess); ``ada`` (the
candidate the ids belong to); hiring; assessor; admin. Ids in paths are ada's. A route of the
app without a row here fails :func:`test_every_route_has_a_row`.

Page routes send anonymous callers to sign in (303); API routes answer 401. A wrong role is 403;
a candidate asking for a scenario outside their invite gets 404 (existence is not confirmed).
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from servicekit import (  # type: ignore[import-not-found]
    OTHER_SCENARIO,
    SCENARIO,
    Server,
    csrf_of,
    download,
    fake_graded,
    make_server,
    submit_page,
)
from starlette.routing import Route

from harness.scenarios.scenario import resolve
from harness.service import people
from harness.store import Submission

CALLERS = ("anonymous", "workspace", "bob", "ada", "hiring", "assessor", "admin")
"""Least to most privileged: a row's changes by a later caller cannot hide an earlier refusal."""

CANDIDATES = ("bob", "ada")
STAFF = ("hiring", "assessor", "admin")


def row(default: int, anonymous: int | None = None, **by_caller: int) -> dict[str, int]:
    expected = {caller: default for caller in CALLERS}
    if anonymous is not None:
        expected["anonymous"] = anonymous
    expected.update(by_caller)
    return expected


def page_for(*allowed: str, ok: int = 200, anonymous: int = 303, **special: int) -> dict[str, int]:
    """A page: ``allowed`` callers get ``ok``, anonymous is sent to sign in, the rest 403."""
    expected = row(403, anonymous=anonymous)
    expected.update(dict.fromkeys(allowed, ok))
    expected.update(special)
    return expected


def api_for(*allowed: str, ok: int = 200, **special: int) -> dict[str, int]:
    return page_for(*allowed, ok=ok, anonymous=401, **special)


GRADERS = ("assessor", "admin")

MATRIX: dict[tuple[str, str], dict[str, int]] = {
    # public
    ("GET", "/healthz"): row(200),
    ("GET", "/static/{name}"): row(200),
    ("GET", "/api/v1/openapi.json"): row(200),
    ("GET", "/"): row(303),
    ("GET", "/login"): row(200),
    ("POST", "/login"): row(403),  # no sign-in form was loaded: stale form
    ("POST", "/logout"): row(303),
    ("GET", "/join/{token}"): row(303),
    # the candidate's pages
    ("GET", "/me"): page_for(*CANDIDATES),
    ("GET", "/me/feedback"): page_for(*CANDIDATES, ok=404),  # nothing released yet
    ("GET", "/me/{scenario_id}"): page_for("ada", bob=404),
    ("GET", "/me/{scenario_id}/status"): page_for("ada", bob=404),
    ("POST", "/me/{scenario_id}/workspace"): page_for("ada", bob=404),
    ("POST", "/me/{scenario_id}/check"): page_for("ada", bob=404),
    ("POST", "/me/{scenario_id}/submit"): page_for("ada", ok=303, bob=404),
    # assessors' pages
    ("GET", "/queue"): page_for(*GRADERS),
    ("GET", "/queue/rows"): page_for(*GRADERS),
    ("GET", "/submissions/{submission_id}"): page_for(*GRADERS),
    ("GET", "/submissions/{submission_id}/state"): page_for(*GRADERS),
    ("POST", "/submissions/{submission_id}/override"): page_for(*GRADERS, ok=303),
    ("POST", "/submissions/{submission_id}/regrade"): page_for(*GRADERS, ok=303),
    ("POST", "/submissions/{submission_id}/release"): page_for(*GRADERS, ok=303),
    ("GET", "/scenarios"): page_for(*GRADERS),
    ("GET", "/scenarios/{scenario_id}"): page_for(*GRADERS),
    ("GET", "/scenarios/{scenario_id}/similarity"): page_for(*GRADERS),
    ("GET", "/invites"): page_for(*GRADERS),
    ("POST", "/invites"): page_for(*GRADERS),
    ("POST", "/invites/{invite_id}/revoke"): page_for(*GRADERS, ok=303),
    # hiring's pages
    ("GET", "/candidates"): page_for(*STAFF),
    ("GET", "/candidates/{name}"): page_for(*STAFF),
    ("GET", "/compare"): page_for(*STAFF),
    ("GET", "/export.csv"): page_for(*STAFF),
    ("GET", "/cohort"): page_for("admin", "hiring"),
    ("GET", "/items"): page_for(*GRADERS),
    ("GET", "/account"): page_for(*STAFF),
    ("POST", "/account/tokens"): page_for(*STAFF),
    # the token is admin's: anyone else's request for it is not found
    ("POST", "/account/tokens/{token_id}/revoke"): page_for(*STAFF, ok=404, admin=303),
    # admin
    ("GET", "/admin/users"): page_for("admin"),
    ("POST", "/admin/users"): page_for("admin", ok=303),
    ("POST", "/admin/users/{user_id}/{change}"): page_for("admin", ok=303),
    ("GET", "/admin/audit"): page_for("admin"),
    # API
    ("GET", "/api/v1/whoami"): api_for(*CANDIDATES, *STAFF, "workspace"),
    ("GET", "/api/v1/workspace"): api_for("workspace"),
    ("POST", "/api/v1/workspace/submit"): api_for("workspace"),
    ("GET", "/api/v1/submissions"): api_for(*GRADERS),
    ("GET", "/api/v1/submissions/{submission_id}"): api_for(*GRADERS),
    ("POST", "/api/v1/submissions/{submission_id}/overrides"): api_for(*GRADERS, ok=201),
    ("POST", "/api/v1/submissions/{submission_id}/regrade"): api_for(*GRADERS, ok=202),
    ("POST", "/api/v1/submissions/{submission_id}/release"): api_for(*GRADERS),
    ("GET", "/api/v1/candidates"): api_for(*STAFF),
    ("GET", "/api/v1/candidates/{name}"): api_for(*STAFF),
    ("GET", "/api/v1/compare"): api_for(*STAFF),
    ("GET", "/api/v1/cohort"): api_for("admin", "hiring"),
    ("GET", "/api/v1/scenarios"): api_for(*GRADERS),
    ("GET", "/api/v1/invites"): api_for(*GRADERS),
    ("POST", "/api/v1/invites"): api_for(*GRADERS, ok=201),
    ("POST", "/api/v1/invites/{invite_id}/revoke"): api_for(*GRADERS),
    ("GET", "/api/v1/audit"): api_for("admin"),
    ("GET", "/api/v1/users"): api_for("admin"),
    ("POST", "/api/v1/users"): api_for("admin", ok=201),
}


@dataclass
class World:
    server: Server
    clients: dict[str, TestClient]
    csrf: dict[str, str]
    ids: dict[str, str]
    headers: dict[str, dict[str, str]]


def _build(tmp_path: Path) -> World:
    server = make_server(tmp_path)
    store = server.store
    ada = server.candidate("ada")
    archive = download(ada)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        member = tar.extractfile(f"{SCENARIO}/.dsim-assignment.json")
        assert member is not None
        token = json.loads(member.read())["token"]
    submit_page(ada, "", "- src/invoicing/totals.py:1 [correctness] floats\n")
    sub = store.submissions(candidate="ada")[-1]
    fake_graded(store, sub)
    # bob has graded work of his own, so comparisons have two candidates
    bob_sub = Submission(
        candidate="bob",
        scenario_id=OTHER_SCENARIO,
        scenario_version=resolve(OTHER_SCENARIO).version,
        scenario_ref=OTHER_SCENARIO,
        seed=1,
        diff="",
        review="",
        content_hash="bob",
        source="patch",
        findings=[],
    )
    store.add(bob_sub)
    fake_graded(store, bob_sub, fixed=False)
    clients = {
        "anonymous": server.client(),
        "workspace": server.client(),
        "bob": server.candidate("bob"),
        "ada": ada,
        **{role: server.login(role) for role in STAFF},
    }
    csrf = {"anonymous": "", "workspace": ""}
    for name in CANDIDATES:
        csrf[name] = csrf_of(clients[name], "/me")
    for name in STAFF:
        csrf[name] = csrf_of(clients[name], "/account")
    token_row, _ = people.create_token(store, "admin", "matrix")
    throwaway = people.create_invite(store, "zed", [SCENARIO], by="x", expires=timedelta(days=1))
    victim = people.add_user(store, "victim", "hiring", "correct horse battery")
    ids = {
        "submission_id": sub.id,
        "scenario_id": SCENARIO,
        "invite_id": throwaway.invite.id,
        "token_id": token_row.id,
        "user_id": victim.id,
        "change": "disable",
        "name": "ada",
        "token": throwaway.token,
        "static": "htmx.min.js",
        "flaw": resolve(SCENARIO).manifest.flaws[0].id,
    }
    headers = {name: {"X-CSRF-Token": csrf[name]} for name in CALLERS}
    headers["workspace"] = {"Authorization": f"Bearer {token}"}
    return World(server=server, clients=clients, csrf=csrf, ids=ids, headers=headers)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    made = _build(tmp_path_factory.mktemp("matrix"))
    yield made
    made.server.store.close()


def _path(template: str, ids: dict[str, str]) -> str:
    values = {**ids, "name": ids["static"] if template.startswith("/static") else ids["name"]}
    return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], template)


def _body(method: str, template: str, world: World, caller: str) -> dict[str, Any]:
    if method != "POST":
        return {}
    ids = world.ids
    if template.startswith("/api/"):
        payloads: dict[str, Any] = {
            "/api/v1/workspace/submit": {"diff": "", "review": ""},
            "/api/v1/submissions/{submission_id}/overrides": {
                "item": ids["flaw"],
                "verdict": "not_fixed",
                "reason": "matrix",
            },
            "/api/v1/invites": {"candidate": f"new-{caller}", "scenarios": [SCENARIO]},
            "/api/v1/users": {
                "name": f"api-{caller}",
                "role": "hiring",
                "password": "correct horse battery",
            },
        }
        return {"json": payloads.get(template, {})}
    form: dict[str, Any] = {"csrf": world.csrf[caller]}
    form.update(
        {
            "/submissions/{submission_id}/override": {
                "item": ids["flaw"],
                "verdict": "not_fixed",
                "reason": "matrix",
            },
            "/me/{scenario_id}/check": {"diff": "", "review": ""},
            "/me/{scenario_id}/submit": {
                "diff": "",
                "review": "- src/invoicing/totals.py:1 [correctness] floats\n",
            },
            "/invites": {"candidate": f"inv-{caller}", "scenario": [SCENARIO], "expires": "7d"},
            "/account/tokens": {"name": f"t-{caller}"},
            "/admin/users": {
                "name": f"page-{caller}",
                "role": "hiring",
                "password": "correct horse battery",
            },
        }.get(template, {})
    )
    return {"data": form}


def _query(template: str) -> dict[str, Any]:
    if template in ("/compare", "/api/v1/compare"):
        return {"params": {"c": ["ada", "bob"]}}
    return {}


def app_routes(routes: list[Any]) -> set[tuple[str, str]]:
    """(method, path) of every route, through included routers (FastAPI keeps those as
    wrappers of the router they include)."""
    found = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found |= app_routes(included.routes)
        elif isinstance(route, APIRoute | Route):
            found |= {(m, route.path) for m in route.methods or () if m != "HEAD"}
    return found


def test_every_route_has_a_row(world: World) -> None:
    routes = app_routes(world.server.app.routes)  # type: ignore[attr-defined]
    assert len(routes) > 50
    assert routes - set(MATRIX) == set(), "routes without a row in the matrix"
    assert set(MATRIX) - routes == set(), "rows for routes that do not exist"


@pytest.mark.parametrize("route", list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
def test_route_answers_each_caller_as_the_matrix_says(world: World, route: tuple[str, str]) -> None:
    method, template = route
    got = {}
    for caller in CALLERS:
        client = world.clients[caller]
        if template == "/logout" and caller in STAFF + CANDIDATES:
            # signing out ends the shared session: use a session of its own
            client = (
                world.server.login(caller) if caller in STAFF else world.server.candidate(caller)
            )
            body = {"data": {"csrf": csrf_of(client, "/account" if caller in STAFF else "/me")}}
        else:
            body = _body(method, template, world, caller)
            # A copy of the caller's cookies: a response that sets one (opening an invite)
            # must not change who the caller is for the next row.
            original, client = client, world.server.client()
            client.cookies.update(original.cookies)
        answer = client.request(
            method,
            _path(template, world.ids),
            headers=world.headers[caller],
            **body,
            **_query(template),
        )
        got[caller] = answer.status_code
    assert got == MATRIX[route]
