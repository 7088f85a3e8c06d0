"""What staff do, once for the pages and the API: list submissions with their grading state,
read a result, override, regrade, release, invite, revoke, compare. Each change is audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from harness.errors import InvalidInput, NotFound
from harness.evidence.cohort import Cohort, responses_of
from harness.evidence.summary import SECTIONS, CohortEvidence, gather
from harness.grading.overrides import add_override
from harness.reports.candidate import CandidateReport, build_report
from harness.reports.comparison import ComparisonReport, build_comparison
from harness.result import VERDICTS, ItemResult, ResultStatus
from harness.scoring.comparison import compare
from harness.scoring.posterior import CandidateScore
from harness.scoring.profile import Profile
from harness.service import candidates, people
from harness.service.cohort import CohortScores
from harness.service.web import Principal
from harness.store import Override, Result, Store, Submission

AUDITED = (
    "login",
    "login_failed",
    "login_throttled",
    "logout",
    "invite_created",
    "invite_revoked",
    "invite_opened",
    "workspace_download",
    "submission",
    "override",
    "regrade",
    "release",
    "export",
    "user_added",
    "user_disabled",
    "user_enabled",
    "token_created",
    "token_revoked",
)
"""Every action the audit log records (the admin page filters by them)."""

COMPARE_MAX = 50


def queue(
    store: Store, *, status: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[dict[str, Any]], bool]:
    """Submissions newest first with their grading state, result line and release; and whether
    there are more. Filtering by state reads states page by page."""
    from harness.queue import states

    found: list[dict[str, Any]] = []
    skipped = 0
    cursor = 0
    chunk = max(limit * 2, 100)
    while len(found) <= limit:
        with store.session() as s:
            subs = list(
                s.scalars(
                    select(Submission)
                    .order_by(Submission.submitted_at.desc(), Submission.id)
                    .offset(cursor)
                    .limit(chunk)
                )
            )
        if not subs:
            break
        cursor += len(subs)
        ids = [sub.id for sub in subs]
        state = states(store, ids)
        released = candidates.released(store, ids)
        lines = _summaries(store, [i for i in ids if state.get(i) in ("graded", "infra_error")])
        for sub in subs:
            st = state.get(sub.id, "not queued")
            if status and st != status:
                continue
            if skipped < offset:
                skipped += 1
                continue
            found.append(
                {
                    "sub": sub,
                    "state": st,
                    "summary": lines.get(sub.id, ""),
                    "released": sub.id in released,
                }
            )
            if len(found) > limit:
                break
    return found[:limit], len(found) > limit


def _summaries(store: Store, submission_ids: list[str]) -> dict[str, str]:
    """Each submission's latest result in one line, from stored summaries (one query for the
    page, not one per row; never the whole results)."""
    from harness.result import load_summary

    if not submission_ids:
        return {}
    with store.session() as s:
        rows = s.execute(
            select(Result.submission_id, Result.status, Result.summary, Result.data["error"])
            .where(Result.submission_id.in_(submission_ids))
            .order_by(Result.graded_at)
        ).all()
    latest = {row[0]: row[1:] for row in rows}  # later rows win
    out = {}
    for sub_id, (status, summary, error) in latest.items():
        if status == ResultStatus.INFRA_ERROR.value or summary is None:
            out[sub_id] = f"infrastructure error: {error}" if error else status
        else:
            out[sub_id] = load_summary(summary).text()
    return out


@dataclass(frozen=True)
class ResultView:
    sub: Submission
    state: str
    released: bool
    report: CandidateReport | None
    """The candidate's assessor report, once they have any graded work."""
    items: tuple[ItemResult, ...] = ()
    verdicts: tuple[str, ...] = ()
    error: str = ""


def result_view(
    store: Store, profile: Profile, cohort: CohortScores, submission_id: str
) -> ResultView:
    from harness.queue import states

    sub = store.submission(submission_id)
    state = states(store, [sub.id]).get(sub.id, "not queued")
    released = bool(candidates.released(store, [sub.id]))
    latest = store.latest_result(sub.id)
    error = ""
    items: tuple[ItemResult, ...] = ()
    if latest is not None:
        result = latest.result
        error = result.error or ""
        items = result.items if result.status is not ResultStatus.INFRA_ERROR else ()
    report = None
    if items:
        score = cohort.detailed(sub.candidate)
        if score is not None:
            report = build_report(store, score, profile)
    verdicts = tuple(sorted({v.value for kind in VERDICTS for v in VERDICTS[kind]}))
    return ResultView(
        sub=sub,
        state=state,
        released=released,
        report=report,
        items=items,
        verdicts=verdicts,
        error=error,
    )


def override(
    store: Store,
    submission_id: str,
    *,
    who: str,
    ip: str,
    item: str,
    verdict: str,
    reason: str,
) -> Override:
    row = add_override(store, submission_id, item=item, verdict=verdict, reason=reason, by=who)
    people.audit(store, who, "override", row.submission_id, ip=ip, item=item, verdict=verdict)
    return row


def regrade(store: Store, submission_id: str, *, who: str, ip: str, broker: str | None) -> str:
    from harness.queue import enqueue

    sub = store.submission(submission_id)
    enqueue(store, [sub.id], force=True, broker=broker)
    people.audit(store, who, "regrade", sub.id, ip=ip)
    return sub.id


def release(store: Store, submission_id: str, *, who: str, ip: str) -> str:
    sub = store.submission(submission_id)
    with store.session() as s:
        graded = s.scalar(
            select(func.count(Result.id)).where(
                Result.submission_id == sub.id, Result.status != ResultStatus.INFRA_ERROR.value
            )
        )
    if not graded:
        raise InvalidInput(
            f"submission {sub.id} has no graded result to release",
            hint="wait until it is graded",
        )
    if candidates.release(store, sub.id, by=who):
        people.audit(store, who, "release", sub.id, ip=ip)
    return sub.id


def invite(
    store: Store,
    candidate: str,
    scenarios: Sequence[str],
    *,
    expires: str,
    who: str,
    ip: str,
) -> people.NewInvite:
    from harness.scenarios.scenario import builtin_ids

    known = set(builtin_ids())
    unknown = [s for s in scenarios if s not in known]
    if unknown:
        raise NotFound(f"no scenario {', '.join(map(repr, unknown))}")
    made = people.create_invite(
        store, candidate, scenarios, by=who, expires=people.parse_duration(expires)
    )
    people.audit(
        store,
        who,
        "invite_created",
        made.invite.id,
        ip=ip,
        scenarios=list(made.invite.scenarios),
    )
    return made


def revoke(store: Store, invite_id: str, *, who: str, ip: str) -> None:
    people.revoke_invite(store, invite_id)
    people.audit(store, who, "invite_revoked", invite_id, ip=ip)


def cut_for(who: Principal, cut: float | None) -> float | None:
    """The cut score a caller may ask the cohort report for: admin any, hiring only the
    profile's. Stepping a cut through scores hiring can read, one request at a time, would tell
    which group each person reported (a group's selected count drops exactly when one of its
    members falls below the cut); at one fixed cut the counts say nothing about who."""
    from fastapi import HTTPException

    if cut is not None and who.role != "admin":
        raise HTTPException(
            403, "only an admin chooses the cut score; the report uses the profile's cut_score"
        )
    return None if cut is None else round(cut, 1)


def cohort_evidence(
    cohort: CohortScores, *, cut: float | None = None, sections: Sequence[str] = SECTIONS
) -> CohortEvidence:
    """The analyses of ``sections`` on the server's scores and the store's current verdicts (and
    group memberships, when fairness is among them), computed once per change of either, per
    cut."""
    from harness.store.groups import memberships_fingerprint

    store, profile = cohort.store, cohort.profile
    groups = memberships_fingerprint(store) if "fairness" in sections else ""

    def make(scores: Mapping[str, CandidateScore]) -> CohortEvidence:
        now = datetime.now(UTC)
        loaded = Cohort(
            scores=dict(scores), responses=tuple(responses_of(scores)), profile=profile, now=now
        )
        return gather(store, profile, cut=cut, now=now, cohort=loaded, sections=sections)

    return cohort.derived(("cohort evidence", cut, tuple(sections), groups), make)


def comparison(
    scores: Mapping[str, CandidateScore], profile: Profile, names: Sequence[str]
) -> ComparisonReport:
    from harness.store import normalise_candidate

    chosen = list(dict.fromkeys(normalise_candidate(n) for n in names if n.strip()))
    if len(chosen) < 2:
        raise InvalidInput("tick at least two candidates to compare")
    if len(chosen) > COMPARE_MAX:
        raise InvalidInput(f"compare at most {COMPARE_MAX} candidates at once")
    missing = [n for n in chosen if n not in scores]
    if missing:
        raise NotFound(f"no graded work or delivery records for {', '.join(missing)}")
    result = compare(dict(scores), chosen, profile)
    return build_comparison(scores, result, profile)
