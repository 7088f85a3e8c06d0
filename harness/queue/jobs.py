"""The ``jobs`` table as a queue: enqueue, claim, heartbeat, and end a claim in one transaction.

Invariants:

- One row per (submission, result key) (a unique constraint), so enqueueing twice, duplicate
  messages and retries all meet the same row.
- A worker grades only what it claimed with a conditional UPDATE (``queued`` → ``running``, or a
  ``running`` row whose heartbeat is older than ``stale_after``: its worker died). A claim's token
  is the row's ``attempts`` after the claim; every later write about the job is fenced by
  (worker, token, state ``running``), so a worker whose claim was taken over writes nothing.
- A result is stored in the same transaction that ends the claim (:func:`finish`): never a result
  without a finished job, never two results for one claim.

Times are the workers' clocks (UTC): hosts need NTP, and ``stale_after`` should be many heartbeats.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from harness.errors import DsimError
from harness.grading.pipeline import result_key
from harness.queue.archives import ensure_archive
from harness.scenarios.scenario import Scenario, resolve
from harness.store import Job, Result, Store, Submission, now

log = logging.getLogger(__name__)

STALE_AFTER = 60.0
"""Seconds without a heartbeat after which a running job's worker is taken for dead."""


@dataclass(frozen=True, kw_only=True)
class Claim:
    """A job this worker holds: what to grade, and the token that fences its writes."""

    job_id: str
    submission_id: str
    key: str
    scenario_hash: str
    force: bool
    worker: str
    token: int
    """The row's ``attempts`` when claimed: how many claims the job has had, this one included."""


@dataclass(frozen=True, kw_only=True)
class Queued:
    """What :func:`enqueue_rows` did."""

    job_ids: list[str]
    """One per distinct submission, in the order given."""
    to_send: list[str]
    """Jobs that need a message: made or put back in the queue now, or queued long enough ago
    that their message may have been lost."""


def _aware(moment: datetime | None) -> datetime | None:
    from datetime import UTC

    return None if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def enqueue_rows(
    store: Store, submission_ids: Sequence[str], *, force: bool = False, stale_after: float
) -> Queued:
    """Make or requeue one job per submission (see :func:`harness.queue.enqueue`).

    Raises:
        NotFound: a submission or its scenario does not exist (nothing is queued for it or any
            submission after it).
    """
    scenarios: dict[str, Scenario] = {}
    job_ids: list[str] = []
    to_send: list[str] = []
    for given in dict.fromkeys(submission_ids):
        sub = store.submission(given)
        scenario = scenarios.get(sub.scenario_ref)
        if scenario is None:
            scenario = scenarios[sub.scenario_ref] = resolve(sub.scenario_ref)
            ensure_archive(store, scenario)
        key = result_key(sub, scenario)
        job_id, send = _upsert(store, sub, key, scenario.content_hash, force, stale_after)
        job_ids.append(job_id)
        if send:
            to_send.append(job_id)
    return Queued(job_ids=job_ids, to_send=to_send)


def _upsert(
    store: Store, sub: Submission, key: str, scenario_hash: str, force: bool, stale_after: float
) -> tuple[str, bool]:
    for _ in range(2):  # a second pass only when another enqueue inserted the row meanwhile
        with store.session() as s:
            job = s.scalars(select(Job).filter_by(submission_id=sub.id, key=key)).first()
            if job is not None:
                if job.state == "infra_error" or (force and job.state == "done"):
                    job.state, job.force, job.attempts, job.error = "queued", force, 0, ""
                    job.worker, job.not_before, job.enqueued_at = None, None, now()
                    job.started_at = job.heartbeat_at = job.finished_at = None
                    return job.id, True
                if force and job.state == "queued":
                    job.force = True  # not graded yet: graded anew even if a result exists
                old = _aware(job.enqueued_at)
                lost = old is not None and now() - old > timedelta(seconds=stale_after)
                return job.id, job.state == "queued" and lost
            graded = not force and _has_result(s, sub.id, key)
        job = Job(
            submission_id=sub.id,
            key=key,
            scenario_hash=scenario_hash,
            state="done" if graded else "queued",
            force=force,
            attempts=0,
            error="",
            enqueued_at=now(),
            finished_at=now() if graded else None,
        )
        try:
            store.add(job)
        except IntegrityError:
            continue
        return job.id, not graded
    raise AssertionError("unreachable: the row exists after a failed insert")


def _has_result(s: object, submission_id: str, key: str) -> bool:
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    return (
        s.scalar(
            select(func.count(Result.id)).where(
                Result.submission_id == submission_id,
                Result.key == key,
                Result.status != "infra_error",
            )
        )
        or 0
    ) > 0


def _claim_where(stale_after: float, *, backoff: bool) -> object:
    moment = now()
    ready = Job.state == "queued"
    if backoff:
        ready = and_(ready, or_(Job.not_before.is_(None), Job.not_before <= moment))
    stale = and_(
        Job.state == "running",
        Job.heartbeat_at < moment - timedelta(seconds=stale_after),
    )
    return or_(ready, stale)


def _take(store: Store, job: Job, worker: str, seen: int, where: object) -> Claim | None:
    moment = now()
    with store.session() as s:
        taken = s.execute(
            update(Job)
            .where(Job.id == job.id, Job.attempts == seen, where)  # type: ignore[arg-type]
            .values(
                state="running",
                worker=worker,
                attempts=seen + 1,
                started_at=moment,
                heartbeat_at=moment,
                not_before=None,
            )
        )
        if getattr(taken, "rowcount", 0) != 1:
            return None
    return Claim(
        job_id=job.id,
        submission_id=job.submission_id,
        key=job.key,
        scenario_hash=job.scenario_hash,
        force=job.force,
        worker=worker,
        token=seen + 1,
    )


def claim_next(store: Store, worker: str, *, stale_after: float = STALE_AFTER) -> Claim | None:
    """Claim the oldest claimable job (queued and past its backoff, or running with a dead
    worker), or return None when there is none. Racing workers each get a different job."""
    where = _claim_where(stale_after, backoff=True)
    with store.session() as s:
        rows = list(
            s.scalars(select(Job).where(where).order_by(Job.enqueued_at).limit(8))  # type: ignore[arg-type]
        )
    for job in rows:
        claimed = _take(store, job, worker, job.attempts, where)
        if claimed is not None:
            return claimed
    return None


def claim(
    store: Store, job_id: str, worker: str, *, stale_after: float = STALE_AFTER
) -> Claim | None:
    """Claim one job by id (a broker delivered its message; the message's delay was the
    backoff), or return None when it is done, failed, gone or held by a live worker."""
    where = _claim_where(stale_after, backoff=False)
    with store.session() as s:
        job = s.get(Job, job_id)
    if job is None:
        return None
    return _take(store, job, worker, job.attempts, where)


def heartbeat(store: Store, worker: str, job_ids: Sequence[str] | None = None) -> int:
    """Mark the jobs ``worker`` holds (only ``job_ids`` of them, when given) as alive; return
    how many were marked."""
    if job_ids is not None and not job_ids:
        return 0
    where = and_(Job.worker == worker, Job.state == "running")
    if job_ids is not None:
        where = and_(where, Job.id.in_(list(job_ids)))
    with store.session() as s:
        done = s.execute(update(Job).where(where).values(heartbeat_at=now()))
        return int(getattr(done, "rowcount", 0) or 0)


def _fenced(claim: Claim) -> object:
    return and_(
        Job.id == claim.job_id,
        Job.state == "running",
        Job.worker == claim.worker,
        Job.attempts == claim.token,
    )


class _Lost(Exception):
    """The claim was taken over: roll the transaction back."""


def finish(store: Store, claim: Claim, result: Result | None, *, state: str, error: str) -> bool:
    """End the claim as ``done`` or ``infra_error``, storing ``result`` in the same transaction;
    return False (and store nothing) when the claim was lost to another worker."""
    try:
        with store.session() as s:
            ended = s.execute(
                update(Job)
                .where(_fenced(claim))  # type: ignore[arg-type]
                .values(state=state, finished_at=now(), heartbeat_at=now(), error=error)
            )
            if getattr(ended, "rowcount", 0) != 1:
                raise _Lost
            if result is not None:
                s.add(result)
    except _Lost:
        log.warning("job %s: claim lost to another worker; its result is dropped", claim.job_id)
        return False
    return True


def retry_later(store: Store, claim: Claim, *, error: str, delay: float) -> bool:
    """Put the job back in the queue after an infrastructure error, not claimable for ``delay``
    seconds; False when the claim was lost."""
    with store.session() as s:
        back = s.execute(
            update(Job)
            .where(_fenced(claim))  # type: ignore[arg-type]
            .values(
                state="queued",
                worker=None,
                error=error,
                heartbeat_at=None,
                not_before=now() + timedelta(seconds=delay),
            )
        )
        return getattr(back, "rowcount", 0) == 1


def hand_back(store: Store, claim: Claim) -> bool:
    """Return a job this worker is stopping without grading: queued again, at once, the claim
    not counted as an attempt."""
    with store.session() as s:
        back = s.execute(
            update(Job)
            .where(_fenced(claim))  # type: ignore[arg-type]
            .values(state="queued", worker=None, heartbeat_at=None, attempts=claim.token - 1)
        )
        return getattr(back, "rowcount", 0) == 1


def holder(store: Store, job_id: str, *, stale_after: float = STALE_AFTER) -> str | None:
    """The live worker holding ``job_id``, if one does (its heartbeat is fresh)."""
    with store.session() as s:
        job = s.get(Job, job_id)
    if job is None or job.state != "running":
        return None
    beat = _aware(job.heartbeat_at)
    if beat is None or now() - beat > timedelta(seconds=stale_after):
        return None
    return job.worker


def job_ids(store: Store, states: Sequence[str]) -> list[str]:
    """Jobs in ``states``, oldest first."""
    with store.session() as s:
        return list(
            s.scalars(select(Job.id).where(Job.state.in_(list(states))).order_by(Job.enqueued_at))
        )


def statuses(
    store: Store, submission_ids: Sequence[str], *, stale_after: float = STALE_AFTER
) -> dict[str, str]:
    """See :func:`harness.queue.states`."""
    ids = list(dict.fromkeys(submission_ids))
    keys: dict[str, str | None] = {}
    refs: dict[str, Scenario | None] = {}
    with store.session() as s:
        subs = {r.id: r for r in s.scalars(select(Submission).where(Submission.id.in_(ids)))}
        jobs = list(s.scalars(select(Job).where(Job.submission_id.in_(ids))))
        results = list(
            s.execute(
                select(Result.submission_id, Result.key, Result.status, Result.graded_at).where(
                    Result.submission_id.in_(ids)
                )
            )
        )
    for sid, sub in subs.items():
        if sub.scenario_ref not in refs:
            try:
                refs[sub.scenario_ref] = resolve(sub.scenario_ref)
            except DsimError:
                refs[sub.scenario_ref] = None
        scenario = refs[sub.scenario_ref]
        keys[sid] = result_key(sub, scenario) if scenario is not None else None
    cutoff = now() - timedelta(seconds=stale_after)
    out: dict[str, str] = {}
    for sid in (i for i in ids if i in subs):
        key = keys.get(sid)
        mine = [j for j in jobs if j.submission_id == sid and (key is None or j.key == key)]
        job = max(mine, key=lambda j: _aware(j.enqueued_at) or cutoff, default=None)
        if job is not None and job.state == "queued":
            out[sid] = "pending"
        elif job is not None and job.state == "running":
            beat = _aware(job.heartbeat_at)
            out[sid] = "grading" if beat is not None and beat >= cutoff else "pending"
        elif job is not None and job.state == "done":
            out[sid] = "graded"
        elif job is not None:
            out[sid] = "infra_error"
        else:
            rows = sorted(
                (r for r in results if r[0] == sid and (key is None or r[1] == key)),
                key=lambda r: _aware(r[3]) or cutoff,
            )
            if any(r[2] != "infra_error" for r in rows):
                out[sid] = "graded"
            elif rows:
                out[sid] = "infra_error"
            else:
                out[sid] = "not queued"
    return out


@dataclass(frozen=True, kw_only=True)
class WorkerCounts:
    """One worker's share of the queue, by the ``worker`` column of the jobs it last held."""

    worker: str
    running: int
    done: int
    failed: int
    last_heartbeat: datetime | None


@dataclass(frozen=True, kw_only=True)
class Failure:
    job_id: str
    submission_id: str
    error: str


@dataclass(frozen=True, kw_only=True)
class Summary:
    """What ``dsim queue`` shows."""

    queued: int
    """Waiting for a worker (backoff included)."""
    running: int
    """Held by a worker with a fresh heartbeat."""
    stalled: int
    """Held by a worker whose heartbeat stopped: the next free worker takes them over."""
    done: int
    failed: int
    """Ended as ``infra_error`` after their retries."""
    workers: tuple[WorkerCounts, ...]
    failures: tuple[Failure, ...]
    """The latest failed jobs and why (at most 20)."""


def summary(store: Store, *, stale_after: float = STALE_AFTER) -> Summary:
    """Counts by state and by worker, and the latest failures."""
    cutoff = now() - timedelta(seconds=stale_after)
    with store.session() as s:
        rows = list(s.execute(select(Job.state, Job.worker, Job.heartbeat_at)))
        failed = list(
            s.execute(
                select(Job.id, Job.submission_id, Job.error)
                .where(Job.state == "infra_error")
                .order_by(Job.finished_at.desc())
                .limit(20)
            )
        )
    counts = {"queued": 0, "running": 0, "stalled": 0, "done": 0, "failed": 0}
    per: dict[str, dict[str, int]] = {}
    beats: dict[str, datetime] = {}
    for state, worker, beat in rows:
        beat = _aware(beat)
        kind = {"infra_error": "failed"}.get(state, state)
        if state == "running" and (beat is None or beat < cutoff):
            kind = "stalled"
        counts[kind] = counts.get(kind, 0) + 1
        if worker:
            mine = per.setdefault(worker, {"running": 0, "done": 0, "failed": 0})
            if kind in mine:
                mine[kind] += 1
            if beat is not None and (worker not in beats or beat > beats[worker]):
                beats[worker] = beat
    return Summary(
        **counts,
        workers=tuple(
            WorkerCounts(worker=w, **c, last_heartbeat=beats.get(w)) for w, c in sorted(per.items())
        ),
        failures=tuple(Failure(job_id=i, submission_id=sid, error=e) for i, sid, e in failed),
    )
