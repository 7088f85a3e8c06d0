"""The candidate's pages: open the invite, read the ticket, download, submit, read feedback.

Every page starts from the invite of the session; a scenario id outside that invite is 404,
whatever it names, so a candidate cannot reach anything of another candidate by guessing ids.
"""

from __future__ import annotations

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from harness.reports.diffview import changed_files
from harness.service import candidates, people
from harness.service.web import (
    Principal,
    check_csrf,
    client_ip,
    config_of,
    page,
    require,
    server_url,
    set_session,
)
from harness.store import now
from harness.workspace.review_notes import TEMPLATE, check_review
from harness.workspace.submit import check_limits, refuse_binaries, split_protected

router = APIRouter(include_in_schema=False)


def _candidate(request: Request) -> Principal:
    who = require(request, "candidate")
    if who.invite is None or who.assignment is not None:
        # A workspace token acts only on /api/v1/workspace.
        raise HTTPException(403, "use the invite link to open these pages")
    return who


@router.get("/join/{token}")
def join(request: Request, token: str) -> Response:
    config = config_of(request)
    invite = people.invite_for_token(config.store, token)
    if invite is None:
        raise HTTPException(
            404,
            "this invite link is not valid; check that it was copied whole, or ask the person "
            "who invited you for a new one",
        )
    state = people.invite_state(invite)
    if state != "open":
        raise HTTPException(
            410, f"this invite is {state}; ask the person who invited you for a new one"
        )
    secret, _ = people.open_session(config.store, invite_row=invite)
    if invite.opened_at is None:
        with config.store.session() as s:
            live = s.get(type(invite), invite.id)
            assert live is not None
            live.opened_at = now()
    people.audit(
        config.store, f"candidate:{invite.id}", "invite_opened", invite.id, ip=client_ip(request)
    )
    response = RedirectResponse("/me", status_code=303)
    set_session(request, response, secret)
    return response


@router.get("/me")
def me(request: Request) -> Response:
    who = _candidate(request)
    assert who.invite is not None
    store = config_of(request).store
    return page(request, "me.html.j2", invite=who.invite, tasks=candidates.tasks(store, who.invite))


def _states(request: Request, task: candidates.Task) -> dict[str, str]:
    from harness.queue import states

    return states(config_of(request).store, [s.id for s in task.submissions])


@router.get("/me/feedback")
def feedback(request: Request) -> Response:
    """The candidate view of their report, once every graded submission of theirs has been
    released (an unreleased grade never shows through the aggregate)."""
    from harness.reports.feedback import build_feedback

    who = _candidate(request)
    assert who.invite is not None
    config = config_of(request)
    mine = [s.latest for s in candidates.tasks(config.store, who.invite) if s.latest]
    released = candidates.released(config.store, [s.id for s in mine])
    if not mine or any(s.id not in released for s in mine):
        raise HTTPException(404, "your feedback has not been released yet")
    score = request.app.state.cohort.detailed(who.invite.candidate)
    if score is None:
        raise HTTPException(404, "your feedback has not been released yet")
    report = build_feedback(config.store, score, config.profile)
    return page(request, "feedback_page.html.j2", f=report)


@router.get("/me/{scenario_id}")
def task_page(request: Request, scenario_id: str) -> Response:
    who = _candidate(request)
    assert who.invite is not None
    store = config_of(request).store
    task = candidates.task_for(store, who.invite, scenario_id)
    brief, transcript = candidates.brief(who.invite, task.scenario)
    return page(
        request,
        "task.html.j2",
        t=task,
        brief=brief,
        transcript=transcript,
        server_url=server_url(request),
        review_template=TEMPLATE,
        states=_states(request, task),
    )


@router.get("/me/{scenario_id}/status")
def task_status(request: Request, scenario_id: str) -> Response:
    who = _candidate(request)
    assert who.invite is not None
    task = candidates.task_for(config_of(request).store, who.invite, scenario_id)
    return page(request, "_task_status.html.j2", t=task, states=_states(request, task))


@router.post("/me/{scenario_id}/workspace")
def workspace(request: Request, scenario_id: str, csrf: str = Form("")) -> Response:
    who = _candidate(request)
    check_csrf(request, who, csrf)
    assert who.invite is not None
    config = config_of(request)
    assignment, archive, first = candidates.download(
        config.store, who.invite, scenario_id, key=config.key, server_url=server_url(request)
    )
    people.audit(
        config.store,
        who.actor,
        "workspace_download",
        assignment.id,
        ip=client_ip(request),
        scenario=scenario_id,
        first=first,
    )
    return Response(
        archive,
        media_type="application/gzip",
        headers={"Content-Disposition": f'attachment; filename="{scenario_id}-workspace.tar.gz"'},
    )


async def _diff_of(diff: str, upload: UploadFile | None) -> str:
    """The pasted diff, else the uploaded file's text (read with a cap: a huge upload is refused
    before it is all in memory)."""
    from harness.config import SubmissionLimits

    if diff.strip() or upload is None or not upload.filename:
        return diff
    cap = SubmissionLimits.from_env().diff_kb * 1024
    data = await upload.read(cap + 1)
    if len(data) > cap:
        raise HTTPException(413, f"the uploaded diff is over {cap // 1024} KB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the uploaded diff is not UTF-8 text") from None


@router.post("/me/{scenario_id}/check")
async def check(
    request: Request,
    scenario_id: str,
    csrf: str = Form(""),
    diff: str = Form(""),
    review: str = Form(""),
    diff_file: UploadFile | None = File(None),
) -> Response:
    who = _candidate(request)
    check_csrf(request, who, csrf)
    assert who.invite is not None
    task = candidates.task_for(config_of(request).store, who.invite, scenario_id)
    text = (await _diff_of(diff, diff_file)).replace("\r\n", "\n")
    review = review.replace("\r\n", "\n")
    check_limits(text, review)
    refuse_binaries(text, source="the uploaded diff")
    _, protected = split_protected(task.scenario, text)
    return page(
        request,
        "preview.html.j2",
        t=task,
        files=changed_files(text),
        protected=protected,
        review=check_review(review),
        diff=text,
        review_text=review,
    )


@router.post("/me/{scenario_id}/submit")
def submit(
    request: Request,
    scenario_id: str,
    csrf: str = Form(""),
    diff: str = Form(""),
    review: str = Form(""),
) -> Response:

    who = _candidate(request)
    check_csrf(request, who, csrf)
    assert who.invite is not None
    config = config_of(request)
    candidates.hand_in_for(
        config.store,
        who.invite,
        scenario_id,
        diff=diff.replace("\r\n", "\n"),
        review_text=review.replace("\r\n", "\n"),
        source="upload",
        broker=config.broker,
        ip=client_ip(request),
    )
    return RedirectResponse(f"/me/{scenario_id}", status_code=303)
