"""The staff pages: submissions and results (assessor, admin), candidates, comparisons and
exports (hiring too), users and the audit log (admin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from harness.errors import DsimError
from harness.service import actions, people
from harness.service.web import (
    GRADERS,
    STAFF,
    check_csrf,
    client_ip,
    config_of,
    page,
    require,
    server_url,
)
from harness.store import ROLES, ApiToken, Submission

router = APIRouter(include_in_schema=False)
PAGE = 50


@dataclass(frozen=True)
class QueueRow:
    sub: Submission
    state: str
    summary: str
    released: bool


def _queue_rows(request: Request, status: str, page_no: int) -> tuple[list[QueueRow], bool]:
    store = config_of(request).store
    rows, more = actions.queue(
        store, status=status or None, offset=(page_no - 1) * PAGE, limit=PAGE
    )
    return [QueueRow(**r) for r in rows], more


@router.get("/queue")
def queue(
    request: Request, status: str = "", page_no: int = Query(1, alias="page", ge=1)
) -> Response:
    require(request, *GRADERS)
    rows, more = _queue_rows(request, status, page_no)
    return page(request, "queue.html.j2", rows=rows, more=more, status=status, page_no=page_no)


@router.get("/queue/rows")
def queue_rows(
    request: Request, status: str = "", page_no: int = Query(1, alias="page", ge=1)
) -> Response:
    require(request, *GRADERS)
    rows, _ = _queue_rows(request, status, page_no)
    return page(request, "_queue_rows.html.j2", rows=rows, status=status)


@router.get("/submissions/{submission_id}")
def submission(request: Request, submission_id: str) -> Response:
    require(request, *GRADERS)
    config = config_of(request)
    view = actions.result_view(
        config.store, config.profile, request.app.state.cohort, submission_id
    )
    if view.report is None:
        from harness.reports.diffview import highlight_diff

        return page(
            request,
            "submission_pending.html.j2",
            sub=view.sub,
            state=view.state,
            error=view.error,
            diff_html=highlight_diff(view.sub.diff),
        )
    return page(
        request,
        "submission.html.j2",
        r=view.report,
        sub=view.sub,
        state=view.state,
        released=view.released,
        items=view.items,
        verdicts=view.verdicts,
        flash=request.query_params.get("done", ""),
        flash_kind="good",
    )


@router.get("/submissions/{submission_id}/state")
def submission_state(request: Request, submission_id: str) -> Response:
    from harness.queue import states

    require(request, *GRADERS)
    store = config_of(request).store
    sub = store.submission(submission_id)
    return Response(states(store, [sub.id]).get(sub.id, "not queued"), media_type="text/plain")


def _back(submission_id: str, message: str) -> Response:
    from urllib.parse import quote

    return RedirectResponse(f"/submissions/{submission_id}?done={quote(message)}", status_code=303)


@router.post("/submissions/{submission_id}/override")
def override(
    request: Request,
    submission_id: str,
    csrf: str = Form(""),
    item: str = Form(...),
    verdict: str = Form(...),
    reason: str = Form(...),
) -> Response:
    who = require(request, *GRADERS)
    check_csrf(request, who, csrf)
    row = actions.override(
        config_of(request).store,
        submission_id,
        who=who.name,
        ip=client_ip(request),
        item=item,
        verdict=verdict,
        reason=reason,
    )
    request.app.state.cohort.invalidate()
    return _back(row.submission_id, f"Override recorded: {item} is now {verdict}.")


@router.post("/submissions/{submission_id}/regrade")
def regrade(request: Request, submission_id: str, csrf: str = Form("")) -> Response:
    who = require(request, *GRADERS)
    check_csrf(request, who, csrf)
    config = config_of(request)
    sub_id = actions.regrade(
        config.store, submission_id, who=who.name, ip=client_ip(request), broker=config.broker
    )
    return _back(sub_id, "Queued for grading again.")


@router.post("/submissions/{submission_id}/release")
def release(request: Request, submission_id: str, csrf: str = Form("")) -> Response:
    who = require(request, *GRADERS)
    check_csrf(request, who, csrf)
    sub_id = actions.release(
        config_of(request).store, submission_id, who=who.name, ip=client_ip(request)
    )
    return _back(sub_id, "Released: the candidate can read their feedback.")


@router.get("/scenarios")
def scenarios(request: Request) -> Response:
    from harness.scenarios.scenario import library

    require(request, *GRADERS)
    return page(request, "scenarios.html.j2", scenarios=library())


@router.get("/scenarios/{scenario_id}")
def scenario(request: Request, scenario_id: str) -> Response:
    from harness.reports.diffview import highlight_diff
    from harness.scenarios.scenario import BRIEF, builtin_ids, resolve
    from harness.scenarios.variants import draw, render_file

    require(request, *GRADERS)
    # Only library ids: a path in the URL is never resolved as a folder.
    if scenario_id not in builtin_ids():
        raise HTTPException(404, f"no scenario {scenario_id!r}")
    s = resolve(scenario_id)
    reference = (s.path / "reference" / "fix.patch").read_text(encoding="utf-8")
    return page(
        request,
        "scenario.html.j2",
        s=s,
        brief=render_file(s, BRIEF, draw(s, 0).values),
        reference_html=highlight_diff(reference),
    )


@router.get("/scenarios/{scenario_id}/similarity")
def scenario_similarity(request: Request, scenario_id: str) -> Response:
    """Assessors only: candidates whose own work on the scenario is alike (docs/privacy.md)."""
    from harness.integrity import Settings, similarity

    require(request, *GRADERS)
    store = config_of(request).store
    done, missing = (
        ([], [])
        if not store.submissions(scenario=scenario_id)
        else similarity(store, scenario=scenario_id)
    )
    return page(
        request,
        "similarity.html.j2",
        scenario_id=scenario_id,
        threshold=Settings().threshold,
        results=done,
        missing=missing,
    )


@router.get("/invites")
def invites(request: Request) -> Response:
    return _invites_page(request)


def _invites_page(request: Request, **extra: Any) -> Response:
    from harness.scenarios.scenario import library

    require(request, *GRADERS)
    store = config_of(request).store
    rows = [{"row": i, "state": people.invite_state(i)} for i in people.invites(store)[:200]]
    context = {"link": None, "created": None, **extra}
    return page(request, "invites.html.j2", invites=rows, scenarios=library(), **context)


@router.post("/invites")
def create_invite(
    request: Request,
    csrf: str = Form(""),
    candidate: str = Form(""),
    scenario: list[str] = Form(default_factory=list),
    expires: str = Form("7d"),
) -> Response:
    who = require(request, *GRADERS)
    check_csrf(request, who, csrf)
    made = actions.invite(
        config_of(request).store,
        candidate,
        scenario,
        expires=expires,
        who=who.name,
        ip=client_ip(request),
    )
    return _invites_page(
        request, link=made.link(server_url(request)), created=made.invite, flash=None
    )


@router.post("/invites/{invite_id}/revoke")
def revoke_invite(request: Request, invite_id: str, csrf: str = Form("")) -> Response:
    who = require(request, *GRADERS)
    check_csrf(request, who, csrf)
    actions.revoke(config_of(request).store, invite_id, who=who.name, ip=client_ip(request))
    return RedirectResponse("/invites", status_code=303)


@router.get("/candidates")
def candidates_page(request: Request, page_no: int = Query(1, alias="page", ge=1)) -> Response:
    require(request, *STAFF)
    ordered = request.app.state.cohort.ranked()
    start = (page_no - 1) * 100
    return page(
        request,
        "candidates.html.j2",
        scores=ordered[start : start + 100],
        total=len(ordered),
        page_no=page_no,
        more=start + 100 < len(ordered),
    )


@router.get("/candidates/{name}")
def candidate_page(request: Request, name: str) -> Response:
    from harness.store import normalise_candidate

    who = require(request, *STAFF)
    scores = request.app.state.cohort.get()
    score = scores.get(normalise_candidate(name))
    if score is None:
        raise HTTPException(404, f"no graded work or delivery records for {name!r}")
    link = None
    if who.role in GRADERS and score.graded:
        latest = max(score.graded, key=lambda g: g.submitted_at)
        link = f"/submissions/{latest.submission_id}"
    return page(request, "candidate.html.j2", s=score, report_link=link)


@router.get("/compare")
def compare(request: Request, c: list[str] = Query(default_factory=list)) -> Response:
    require(request, *STAFF)
    config = config_of(request)
    report = actions.comparison(request.app.state.cohort.get(), config.profile, c)
    return page(request, "comparison_page.html.j2", c=report)


@router.get("/cohort")
def cohort_page(request: Request, cut: float | None = Query(None, ge=0, le=100)) -> Response:
    """The cohort report (items, reliability, fairness, validity): admin and hiring."""
    from harness.reports.cohort import cohort_context

    who = require(request, "admin", "hiring")
    evidence = actions.cohort_evidence(request.app.state.cohort, cut=actions.cut_for(who, cut))
    context = cohort_context(evidence, item_detail=who.role == "admin")
    return page(request, "cohort_page.html.j2", **context)


@router.get("/items")
def items_page(request: Request) -> Response:
    """Item analysis and reliability, what a scenario author acts on: admin and assessors."""
    from harness.reports.cohort import cohort_context

    require(request, *GRADERS)
    sections = ("items", "reliability")  # nothing that reads group data
    evidence = actions.cohort_evidence(request.app.state.cohort, sections=sections)
    return page(request, "cohort_page.html.j2", **cohort_context(evidence, sections))


@router.get("/export.csv")
def export_csv(request: Request) -> Response:
    from harness.reports.export import export_csv as to_csv

    who = require(request, *STAFF)
    scores = request.app.state.cohort.get()
    people.audit(config_of(request).store, who.actor, "export", "csv", ip=client_ip(request))
    return Response(
        to_csv(scores.values()),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="dsim-scores.csv"'},
    )


@router.get("/account")
def account(request: Request, secret: str | None = None) -> Response:
    who = require(request, *STAFF)
    assert who.user is not None
    with config_of(request).store.session() as s:
        tokens = list(
            s.scalars(
                select(ApiToken)
                .where(ApiToken.user_id == who.user.id)
                .order_by(ApiToken.created_at.desc())
            )
        )
    return page(request, "account.html.j2", tokens=tokens, secret=secret)


@router.post("/account/tokens")
def create_token(request: Request, csrf: str = Form(""), name: str = Form("")) -> Response:
    who = require(request, *STAFF)
    check_csrf(request, who, csrf)
    store = config_of(request).store
    row, secret = people.create_token(store, who.name, name.strip()[:100])
    people.audit(store, who.actor, "token_created", row.id, ip=client_ip(request))
    return account(request, secret=secret)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: str, csrf: str = Form("")) -> Response:
    who = require(request, *STAFF)
    check_csrf(request, who, csrf)
    assert who.user is not None
    store = config_of(request).store
    with store.session() as s:
        row = s.get(ApiToken, token_id)
        # Someone else's token is not found, not forbidden: ids are not confirmed to exist.
        if row is None or row.user_id != who.user.id:
            raise HTTPException(404, "no such token")
    people.revoke_token(store, token_id)
    people.audit(store, who.actor, "token_revoked", token_id, ip=client_ip(request))
    return RedirectResponse("/account", status_code=303)


@router.get("/admin/users")
def users_page(request: Request) -> Response:
    require(request, "admin")
    return page(request, "users.html.j2", users=people.users(config_of(request).store), roles=ROLES)


@router.post("/admin/users")
def add_user(
    request: Request,
    csrf: str = Form(""),
    name: str = Form(""),
    role: str = Form(""),
    password: str = Form(""),
) -> Response:
    who = require(request, "admin")
    check_csrf(request, who, csrf)
    store = config_of(request).store
    try:
        people.add_user(store, name.strip(), role, password)
    except DsimError as exc:
        return page(
            request,
            "users.html.j2",
            status_code=400,
            users=people.users(store),
            roles=ROLES,
            flash="; ".join([exc.summary, *getattr(exc, "problems", [])]),
            flash_kind="bad",
        )
    people.audit(store, who.actor, "user_added", name, ip=client_ip(request), role=role)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/{change}")
def change_user(request: Request, user_id: str, change: str, csrf: str = Form("")) -> Response:
    from harness.store import User

    who = require(request, "admin")
    check_csrf(request, who, csrf)
    if change not in ("disable", "enable"):
        raise HTTPException(404, "no such change")
    store = config_of(request).store
    with store.session() as s:
        user = s.get(User, user_id)
    if user is None:
        raise HTTPException(404, "no such user")
    if user.name == who.name:
        raise HTTPException(400, "you cannot disable yourself")
    people.set_disabled(store, user.name, change == "disable")
    people.audit(store, who.actor, f"user_{change}d", user.name, ip=client_ip(request))
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/audit")
def audit_page(request: Request, action: str = "", before: int | None = None) -> Response:
    require(request, "admin")
    limit = 200
    entries = people.audit_log(
        config_of(request).store, limit=limit, action=action or None, before=before
    )
    return page(
        request,
        "audit.html.j2",
        entries=entries,
        action=action,
        actions=actions.AUDITED,
        limit=limit,
    )
