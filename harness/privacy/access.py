"""The right of access (GDPR Art. 15): everything stored about one person, as readable JSON.

Invariant: nothing in the export belongs to someone else or reveals the assessment: no hidden
test ids, names or output, no flaw ids, titles or locations, no other candidate's name or data,
no staff names (an override says that a verdict was changed, when and why, not by whom).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from harness.errors import NotFound
from harness.result import ItemKind
from harness.store import (
    Assignment,
    AuditEntry,
    GroupMembership,
    Invite,
    Override,
    Record,
    Release,
    Result,
    Store,
    Submission,
    normalise_candidate,
)

#: The export's format version (bump when a field changes meaning).
SCHEMA = 1


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _result(row: Result) -> dict[str, Any]:
    summary = row.result.summary()
    verdicts: Counter[str] = Counter()
    for item in summary.items:
        verdicts[f"{item.kind.value}:{item.verdict.value}"] += 1
    flaws = [i for i in summary.items if i.kind == ItemKind.FLAW]
    keeps = [i for i in summary.items if i.kind == ItemKind.KEEP]
    review = summary.sections.review
    return {
        "graded_at": _iso(row.graded_at),
        "status": row.status,
        "summary": summary.text(),
        "flaws_fixed": sum(i.verdict.success for i in flaws),
        "flaws": len(flaws),
        "keeps_kept": sum(i.verdict.success for i in keeps),
        "keeps": len(keeps),
        "regression_passed": summary.regression.passed,
        "regression_total": summary.regression.total,
        "review_recall": None if review is None else review.recall,
        "review_precision": None if review is None else review.precision,
    }


def _signals(store: Store, cid: str) -> list[dict[str, Any]]:
    """Flags raised about them, for a human (never part of a score): similarity without the
    other person's name or text, timing with the cohort's aggregate numbers only."""
    from harness.integrity import about

    found = about(store, cid)
    out: list[dict[str, Any]] = [
        {
            "kind": "similarity",
            "scenario": p.scenario_id,
            "compared_on": [m.kind for m in p.matches],
            "score": round(p.score, 3),
            "note": "your own work was similar to another candidate's; an assessor looks at it",
        }
        for p in found.pairs
    ]
    out += [
        {
            "kind": "timing",
            "scenario": t.attempt.scenario_id,
            "flag": t.flag.value,
            "minutes": round(t.attempt.minutes, 1),
            "budget_minutes": t.attempt.budget_minutes,
        }
        for t in found.timing
    ]
    return out


def export(store: Store, candidate: str) -> dict[str, Any]:
    """Everything stored about ``candidate`` (a name or id), in the shape docs/privacy.md shows.

    Raises:
        NotFound: the store holds nothing about them.
    """
    cid = normalise_candidate(candidate)
    with store.session() as s:
        assignments = list(s.scalars(select(Assignment).where(Assignment.candidate == cid)))
        subs = list(
            s.scalars(
                select(Submission)
                .where(Submission.candidate == cid)
                .order_by(Submission.submitted_at)
            )
        )
        invites = list(s.scalars(select(Invite).where(Invite.candidate == cid)))
        records = list(s.scalars(select(Record).where(Record.engineer == cid)))
        groups = list(
            s.scalars(
                select(GroupMembership)
                .where(GroupMembership.candidate == cid)
                .order_by(GroupMembership.attribute)
            )
        )
        if not (assignments or subs or invites or records or groups):
            raise NotFound(
                f"the store holds nothing about {cid!r}",
                hint="check the spelling; `dsim results` lists the names the store knows",
            )
        sub_ids = [r.id for r in subs]
        results = list(
            s.scalars(
                select(Result).where(Result.submission_id.in_(sub_ids)).order_by(Result.graded_at)
            )
        )
        overrides = list(s.scalars(select(Override).where(Override.submission_id.in_(sub_ids))))
        releases = list(s.scalars(select(Release).where(Release.submission_id.in_(sub_ids))))
        own_actors = {f"candidate:{r.id}" for r in invites}
        audit = [
            e
            for e in s.scalars(select(AuditEntry).order_by(AuditEntry.at))
            if e.actor in own_actors or e.subject in {*sub_ids, *own_actors}
        ]
    typed = [r.candidate_name for r in assignments] + [r.candidate_name for r in subs]
    names = sorted({n for n in typed + [r.candidate_name for r in invites] if n})
    return {
        "schema": SCHEMA,
        "candidate": cid,
        "names_as_typed": names,
        "exported_at": _iso(datetime.now(UTC)),
        "assignments": [
            {
                "id": r.id,
                "scenario": r.scenario_id,
                "scenario_version": r.scenario_version,
                "variant": dict(r.variables),
                "started_at": _iso(r.started_at),
                "workspace": r.workspace,
            }
            for r in assignments
        ],
        "submissions": [
            {
                "id": r.id,
                "scenario": r.scenario_id,
                "submitted_at": _iso(r.submitted_at),
                "source": r.source,
                "elapsed_seconds": r.elapsed_seconds,
                "diff": r.diff,
                "review": r.review,
                "results": [_result(x) for x in results if x.submission_id == r.id],
                "verdict_changes": [
                    {"at": _iso(o.at), "verdict": o.verdict, "reason": o.reason}
                    for o in overrides
                    if o.submission_id == r.id
                ],
                "released_to_you_at": next(
                    (_iso(x.at) for x in releases if x.submission_id == r.id), None
                ),
            }
            for r in subs
        ],
        "invites": [
            {
                "id": r.id,
                "scenarios": list(r.scenarios),
                "created_at": _iso(r.created_at),
                "expires_at": _iso(r.expires_at),
                "opened_at": _iso(r.opened_at),
                "revoked_at": _iso(r.revoked_at),
            }
            for r in invites
        ],
        "delivery_records": [
            {
                "date": _iso(r.date),
                "source": r.source,
                "dimension": r.dimension,
                "outcome": r.outcome,
                "weight": r.weight,
                "note": r.note,
                "deleted_at": _iso(r.deleted_at),
            }
            for r in records
        ],
        # Their own self-reported groups: theirs to see, shown nowhere else per person.
        "group_memberships": [
            {"attribute": r.attribute, "group": r.value, "imported_at": _iso(r.imported_at)}
            for r in groups
        ],
        "integrity_signals": _signals(store, cid),
        "activity": [
            {"at": _iso(e.at), "action": e.action, "ip": e.ip if e.actor in own_actors else ""}
            for e in audit
        ],
    }
