"""The audit log records who did what through the pages and the API; the OpenAPI document
describes every /api/v1 route; pages load nothing from another site."""

from __future__ import annotations

import re

from servicekit import (  # type: ignore[import-not-found]
    SCENARIO,
    Server,
    csrf_of,
    download,
    fake_graded,
    submit_page,
)
from test_authorization_matrix import MATRIX  # type: ignore[import-not-found]

from harness.scenarios.scenario import resolve
from harness.service import people


def test_a_whole_flow_leaves_an_audit_trail_the_admin_can_read(server: Server) -> None:
    assessor = server.login("assessor")
    csrf = csrf_of(assessor, "/invites")
    made = assessor.post(
        "/invites", data={"csrf": csrf, "candidate": "carol", "scenario": [SCENARIO]}
    )
    link = re.search(r'id="invite-link">([^<]+)<', made.text)
    assert link is not None
    carol = server.client()
    assert carol.get(link.group(1).replace("http://testserver", "")).status_code == 303
    download(carol)
    submit_page(carol, "", "")
    sub = server.store.submissions(candidate="carol")[-1]
    fake_graded(server.store, sub)
    flaw = resolve(SCENARIO).manifest.flaws[0].id
    assert (
        assessor.post(
            f"/submissions/{sub.id}/override",
            data={"csrf": csrf, "item": flaw, "verdict": "fixed", "reason": "by hand"},
        ).status_code
        == 303
    )
    assert assessor.post(f"/submissions/{sub.id}/regrade", data={"csrf": csrf}).status_code == 303
    assert assessor.post(f"/submissions/{sub.id}/release", data={"csrf": csrf}).status_code == 303
    assert assessor.get("/export.csv").status_code == 200
    actions = [e.action for e in reversed(people.audit_log(server.store))]
    assert actions == [
        "login",
        "invite_created",
        "invite_opened",
        "workspace_download",
        "submission",
        "override",
        "regrade",
        "release",
        "export",
    ]
    entries = {e.action: e for e in people.audit_log(server.store)}
    assert entries["override"].actor == "assessor" and entries["override"].subject == sub.id
    assert entries["submission"].actor.startswith("candidate:")
    admin = server.login("admin")
    page = admin.get("/admin/audit?action=override")
    assert page.status_code == 200 and sub.id in page.text and "by hand" not in page.text
    api = admin.get("/api/v1/audit", headers={"X-CSRF-Token": ""})
    assert api.status_code == 200 and {e["action"] for e in api.json()} >= set(actions)


def test_the_openapi_document_describes_every_api_route(server: Server) -> None:
    document = server.client().get("/api/v1/openapi.json").json()
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    api_routes = {
        route for route in MATRIX if route[1].startswith("/api/v1/") and "openapi" not in route[1]
    }
    assert documented == api_routes


def test_pages_load_nothing_from_another_site(server: Server) -> None:
    client = server.login("admin")
    for path in ("/login", "/queue", "/invites", "/scenarios", "/candidates", "/admin/users"):
        text = client.get(path).text
        external = re.findall(r'(?:src|href|action)="(https?:)?//', text)
        assert external == [], path
        assert '<script src="/static/htmx.min.js"' in text
    htmx = client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:200]
