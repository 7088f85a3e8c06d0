"""/api/v1: the JSON API (described by /api/v1/openapi.json).

Staff authenticate with an API token; a workspace's submit token (``dsim submit --to``) reaches
only /api/v1/workspace. A browser session works too, with the ``X-CSRF-Token`` header on every
change. Errors are ``{"error": {"status", "message", "problems"?, "hint"?}}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from harness.service import actions, candidates, people
from harness.service.web import (
    GRADERS,
    STAFF,
    Principal,
    check_csrf,
    client_ip,
    config_of,
    require,
    server_url,
)
from harness.workspace.review_notes import check_review

router = APIRouter(prefix="/api/v1")


def _changing(request: Request, *roles: str) -> Principal:
    who = require(request, *roles)
    check_csrf(request, who, None)
    return who


def _staff_only(who: Principal) -> None:
    if who.assignment is not None:
        raise HTTPException(403, "a workspace token reaches only /api/v1/workspace")


class WhoAmI(BaseModel):
    name: str
    role: str


@router.get("/whoami", response_model=WhoAmI)
def whoami(request: Request) -> WhoAmI:
    who = require(request, *STAFF, "candidate")
    return WhoAmI(name=who.name, role=who.role or "")


# ------------------------------------------------------------------ candidates' workspaces


class WorkspaceSubmission(BaseModel):
    diff: str = Field(description="the change against the workspace's last commit (git diff)")
    review: str = Field("", description="the text of REVIEW.md")
    dry_run: bool = Field(False, description="check only: lint the review, store nothing")


def _workspace(request: Request) -> tuple[Principal, str]:
    who = require(request, "candidate")
    if who.assignment is None:
        raise HTTPException(403, "use the workspace token from the workspace's marker")
    return who, who.assignment.scenario_id


@router.get("/workspace")
def workspace_status(request: Request) -> dict[str, Any]:
    """The workspace's scenario, budget and submissions (for the workspace token)."""
    from harness.queue import states

    who, scenario_id = _workspace(request)
    assert who.invite is not None
    store = config_of(request).store
    task = candidates.task_for(store, who.invite, scenario_id)
    state = states(store, [s.id for s in task.submissions])
    return {
        "scenario": scenario_id,
        "title": task.scenario.title,
        "time_budget_minutes": task.scenario.manifest.time_budget_minutes,
        "submissions": [
            {
                "id": s.id,
                "submitted_at": s.submitted_at.isoformat(),
                "received": True,
                "assessed": state.get(s.id) == "graded",
                "released": s.id in task.released,
            }
            for s in task.submissions
        ],
    }


@router.post("/workspace/submit")
def workspace_submit(request: Request, body: WorkspaceSubmission) -> dict[str, Any]:
    """Hand in the workspace's change (``dsim submit --to``)."""
    from harness.workspace.submit import check_limits, refuse_binaries, split_protected

    who, scenario_id = _workspace(request)
    assert who.invite is not None
    config = config_of(request)
    review = check_review(body.review)
    lint = {
        "findings": len(review.findings),
        "problems": [{"line": p.line, "text": p.text, "why": p.why} for p in review.problems],
        "warning": review.warning,
    }
    if body.dry_run:
        check_limits(body.diff, body.review)
        refuse_binaries(body.diff, source="the uploaded diff")
        task = candidates.task_for(config.store, who.invite, scenario_id)
        _, protected = split_protected(task.scenario, body.diff)
        return {"stored": False, "review": lint, "protected": [p.as_dict() for p in protected]}
    receipt = candidates.hand_in_for(
        config.store,
        who.invite,
        scenario_id,
        diff=body.diff,
        review_text=body.review,
        source="remote",
        broker=config.broker,
        ip=client_ip(request),
    )
    return {
        "stored": not receipt.duplicate,
        "submission": receipt.submission.id,
        "duplicate": receipt.duplicate,
        "review": lint,
        "protected": [f.as_dict() for f in receipt.findings],
    }


# ------------------------------------------------------------------ staff


@router.get("/submissions")
def submissions(
    request: Request,
    status: str | None = None,
    offset: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    who = require(request, *GRADERS)
    _staff_only(who)
    rows, more = actions.queue(config_of(request).store, status=status, offset=offset, limit=limit)
    return {
        "submissions": [
            {
                "id": r["sub"].id,
                "candidate": r["sub"].candidate,
                "scenario": r["sub"].scenario_id,
                "submitted_at": r["sub"].submitted_at.isoformat(),
                "state": r["state"],
                "summary": r["summary"],
                "released": r["released"],
            }
            for r in rows
        ],
        "more": more,
    }


@router.get("/submissions/{submission_id}")
def submission(request: Request, submission_id: str) -> dict[str, Any]:
    from harness.queue import states
    from harness.result import dump_result

    who = require(request, *GRADERS)
    _staff_only(who)
    store = config_of(request).store
    sub = store.submission(submission_id)
    latest = store.latest_result(sub.id)
    return {
        "id": sub.id,
        "candidate": sub.candidate,
        "scenario": sub.scenario_id,
        "submitted_at": sub.submitted_at.isoformat(),
        "state": states(store, [sub.id]).get(sub.id, "not queued"),
        "released": bool(candidates.released(store, [sub.id])),
        "diff": sub.diff,
        "review": sub.review,
        "result": dump_result(latest.result) if latest is not None else None,
        "overrides": [
            {"item": o.item, "verdict": o.verdict, "reason": o.reason, "by": o.by}
            for o in store.overrides([sub.id])
        ],
    }


class OverrideBody(BaseModel):
    item: str
    verdict: str
    reason: str


@router.post("/submissions/{submission_id}/overrides", status_code=201)
def override(request: Request, submission_id: str, body: OverrideBody) -> dict[str, Any]:
    who = _changing(request, *GRADERS)
    _staff_only(who)
    row = actions.override(
        config_of(request).store,
        submission_id,
        who=who.name,
        ip=client_ip(request),
        item=body.item,
        verdict=body.verdict,
        reason=body.reason,
    )
    request.app.state.cohort.invalidate()
    return {"id": row.id, "item": row.item, "verdict": row.verdict}


@router.post("/submissions/{submission_id}/regrade", status_code=202)
def regrade(request: Request, submission_id: str) -> dict[str, Any]:
    who = _changing(request, *GRADERS)
    _staff_only(who)
    config = config_of(request)
    sub_id = actions.regrade(
        config.store, submission_id, who=who.name, ip=client_ip(request), broker=config.broker
    )
    return {"submission": sub_id, "queued": True}


@router.post("/submissions/{submission_id}/release")
def release(request: Request, submission_id: str) -> dict[str, Any]:
    who = _changing(request, *GRADERS)
    _staff_only(who)
    sub_id = actions.release(
        config_of(request).store, submission_id, who=who.name, ip=client_ip(request)
    )
    return {"submission": sub_id, "released": True}


@router.get("/candidates")
def candidates_list(
    request: Request, offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=1000)
) -> dict[str, Any]:
    who = require(request, *STAFF)
    _staff_only(who)
    ordered = request.app.state.cohort.ranked()
    return {
        "total": len(ordered),
        "candidates": [_score(s) for s in ordered[offset : offset + limit]],
    }


def _score(s: Any) -> dict[str, Any]:
    data: dict[str, Any] = s.as_dict()
    # What hiring may read: no per-item verdicts (they name flaws).
    return {k: v for k, v in data.items() if k not in ("submissions", "graded", "items")}


@router.get("/candidates/{name}")
def candidate(request: Request, name: str) -> dict[str, Any]:
    from harness.store import normalise_candidate

    who = require(request, *STAFF)
    _staff_only(who)
    score = request.app.state.cohort.get().get(normalise_candidate(name))
    if score is None:
        raise HTTPException(404, f"no graded work or delivery records for {name!r}")
    return _score(score)


@router.get("/compare")
def compare(request: Request, c: list[str] = Query(default_factory=list)) -> dict[str, Any]:
    who = require(request, *STAFF)
    _staff_only(who)
    config = config_of(request)
    report = actions.comparison(request.app.state.cohort.get(), config.profile, c)
    return {
        "ranking_method": report.ranking_method,
        "caveat": report.caveat,
        "sentences": list(report.sentences),
        "ranking": [
            {
                "rank": row.rank,
                "candidate": row.candidate,
                "score": round(row.overall.mean * 100, 1),
                "interval": [round(row.overall.low * 100, 1), round(row.overall.high * 100, 1)],
                "basis": row.basis,
                "ties_with": list(row.ties_with),
            }
            for row in report.rows
        ],
    }


@router.get("/cohort")
def cohort(request: Request, cut: float | None = Query(None, ge=0, le=100)) -> dict[str, Any]:
    """The cohort report's numbers (docs/cohort-evidence.md); hiring gets items per scenario
    only, as on the page."""
    from dataclasses import asdict

    from harness.reports.cohort import scenario_items

    who = require(request, "admin", "hiring")
    _staff_only(who)
    evidence = actions.cohort_evidence(request.app.state.cohort, cut=actions.cut_for(who, cut))
    data = evidence.as_dict()
    if who.role != "admin":
        data["items"] = {"scenarios": [asdict(g) for g in scenario_items(evidence)]}
    return data


@router.get("/scenarios")
def scenarios(request: Request) -> list[dict[str, Any]]:
    from harness.scenarios.scenario import library

    who = require(request, *GRADERS)
    _staff_only(who)
    return [
        {
            "id": s.id,
            "version": s.version,
            "title": s.title,
            "difficulty": s.manifest.difficulty,
            "time_budget_minutes": s.manifest.time_budget_minutes,
            "flaws": [
                {"id": f.id, "title": f.title, "severity": f.severity, "locations": f.locations}
                for f in s.manifest.flaws
            ],
            "keeps": [{"id": k.id, "title": k.title} for k in s.manifest.keeps],
        }
        for s in library()
    ]


class InviteBody(BaseModel):
    candidate: str
    scenarios: list[str]
    expires: str = "7d"


@router.get("/invites")
def invites(request: Request) -> list[dict[str, Any]]:
    who = require(request, *GRADERS)
    _staff_only(who)
    return [_invite(i) for i in people.invites(config_of(request).store)]


def _invite(i: Any) -> dict[str, Any]:
    return {
        "id": i.id,
        "candidate": i.candidate,
        "scenarios": list(i.scenarios),
        "created_by": i.created_by,
        "created_at": i.created_at.isoformat(),
        "expires_at": i.expires_at.isoformat(),
        "state": people.invite_state(i),
    }


@router.post("/invites", status_code=201)
def create_invite(request: Request, body: InviteBody) -> dict[str, Any]:
    who = _changing(request, *GRADERS)
    _staff_only(who)
    made = actions.invite(
        config_of(request).store,
        body.candidate,
        body.scenarios,
        expires=body.expires,
        who=who.name,
        ip=client_ip(request),
    )
    return {**_invite(made.invite), "link": made.link(server_url(request))}


@router.post("/invites/{invite_id}/revoke")
def revoke_invite(request: Request, invite_id: str) -> dict[str, Any]:
    who = _changing(request, *GRADERS)
    _staff_only(who)
    actions.revoke(config_of(request).store, invite_id, who=who.name, ip=client_ip(request))
    return {"id": invite_id, "state": "revoked"}


@router.get("/audit")
def audit(
    request: Request, action: str | None = None, before: int | None = None
) -> list[dict[str, Any]]:
    who = require(request, "admin")
    _staff_only(who)
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "subject": e.subject,
            "ip": e.ip,
            "detail": e.detail,
        }
        for e in people.audit_log(config_of(request).store, action=action, before=before)
    ]


@router.get("/users")
def users(request: Request) -> list[dict[str, Any]]:
    who = require(request, "admin")
    _staff_only(who)
    return [
        {"name": u.name, "role": u.role, "disabled": u.disabled_at is not None}
        for u in people.users(config_of(request).store)
    ]


class UserBody(BaseModel):
    name: str
    role: str
    password: str


@router.post("/users", status_code=201)
def add_user(request: Request, body: UserBody) -> dict[str, Any]:
    who = _changing(request, "admin")
    _staff_only(who)
    store = config_of(request).store
    row = people.add_user(store, body.name, body.role, body.password)
    people.audit(store, who.actor, "user_added", row.name, ip=client_ip(request), role=row.role)
    return {"name": row.name, "role": row.role}
