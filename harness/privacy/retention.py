"""Retention: candidate data kept only as long as the profile's ``[retention]`` policy says.

Applied by ``dsim retention apply``: a graded submission's raw diff and REVIEW.md are blanked once
older than ``diffs_days`` / ``reviews_days`` (the verdicts, the result and the score stay: they
are what a hiring decision rests on); invites never opened are removed ``unused_invites_days``
after they expired; web sessions past their expiry are removed. Submissions not graded yet keep
their diff: grading needs it. Each application writes one audit entry with the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from harness.scoring.profile import Retention
from harness.store import AuditEntry, Invite, Result, Store, Submission, WebSession

#: What a blanked diff or review reads as: no diff at all, so it can never be graded as one.
REMOVED = ""


@dataclass(frozen=True, kw_only=True)
class Applied:
    """What a retention run removed (or, with ``dry_run``, would remove)."""

    diffs: int
    reviews: int
    invites: int
    sessions: int
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "raw diffs": self.diffs,
            "REVIEW.md texts": self.reviews,
            "unused invites": self.invites,
            "expired web sessions": self.sessions,
        }


def apply(
    store: Store,
    policy: Retention,
    *,
    actor: str,
    at: datetime | None = None,
    dry_run: bool = False,
) -> Applied:
    """Apply ``policy`` as of ``at`` (default now); see the module docstring."""
    at = at or datetime.now(UTC)
    graded = select(Result.submission_id)
    diff_before = at - timedelta(days=policy.diffs_days)
    review_before = at - timedelta(days=policy.reviews_days)
    invite_before = at - timedelta(days=policy.unused_invites_days)
    with store.session() as s:
        diffs = select(Submission.id).where(
            Submission.submitted_at < diff_before,
            Submission.diff != REMOVED,
            Submission.id.in_(graded),
        )
        reviews = select(Submission.id).where(
            Submission.submitted_at < review_before,
            Submission.review != REMOVED,
            Submission.id.in_(graded),
        )
        invites = select(Invite.id).where(
            Invite.opened_at.is_(None), Invite.expires_at < invite_before
        )
        sessions = select(WebSession.id_hash).where(
            (WebSession.expires_at < at) | WebSession.invite_id.in_(invites)
        )
        diff_ids = list(s.scalars(diffs))
        review_ids = list(s.scalars(reviews))
        invite_ids = list(s.scalars(invites))
        session_ids = list(s.scalars(sessions))
        done = Applied(
            diffs=len(diff_ids),
            reviews=len(review_ids),
            invites=len(invite_ids),
            sessions=len(session_ids),
            dry_run=dry_run,
        )
        if dry_run:
            return done
        s.execute(update(Submission).where(Submission.id.in_(diff_ids)).values(diff=REMOVED))
        s.execute(update(Submission).where(Submission.id.in_(review_ids)).values(review=REMOVED))
        s.execute(delete(WebSession).where(WebSession.id_hash.in_(session_ids)))
        s.execute(delete(Invite).where(Invite.id.in_(invite_ids)))
        s.add(
            AuditEntry(
                actor=actor,
                action="retention",
                subject="",
                detail={"removed": done.counts(), "policy": vars(policy)},
            )
        )
    return done
