"""The jobs table as a queue: one job per (submission, key), one claim at a time, one result."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from queue_helpers import make_submissions, results
from sqlalchemy import update

from harness import queue
from harness.queue import jobs
from harness.queue.worker import Ending
from harness.result import GradingResult, ResultStatus
from harness.store import Job, ScenarioArchive, now


def _job(store, job_id) -> Job:
    with store.session() as s:
        return s.get(Job, job_id)


def _next(grader, within=2.0):
    """The next claim, once a backoff of a few milliseconds has passed."""
    deadline = time.monotonic() + within
    while (claimed := grader.claim_next()) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return claimed


def _age_heartbeat(store, job_id, seconds=3600):
    with store.session() as s:
        s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(heartbeat_at=now() - timedelta(seconds=seconds))
        )


def test_enqueueing_twice_makes_one_job_per_submission_and_one_archive(store, demo):
    ids = make_submissions(store, demo, 3)
    first = queue.enqueue(store, ids)
    again = queue.enqueue(store, ids + ids[:1])
    assert again == first  # one per distinct submission, in the order given
    with store.session() as s:
        assert s.query(Job).count() == 3
        assert s.query(ScenarioArchive).count() == 1
    assert set(queue.states(store, ids).values()) == {"pending"}


def test_a_submission_already_graded_is_queued_as_done_and_never_graded_again(
    store, demo, make_grader, script
):
    [sid] = make_submissions(store, demo, 1)
    queue.enqueue(store, [sid])
    jobs_run = make_grader()
    jobs_run.process(jobs_run.claim_next())
    [job] = queue.enqueue(store, [sid])
    assert _job(store, job).state == "done"
    assert make_grader().claim_next() is None
    assert len(results(store, sid)) == 1 and len(script.calls) == 1


def test_force_requeues_a_done_job_on_the_same_row(store, demo, make_grader, script):
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid])
    grader = make_grader()
    grader.process(grader.claim_next())
    assert queue.enqueue(store, [sid], force=True) == [job]
    row = _job(store, job)
    assert (row.state, row.force, row.attempts) == ("queued", True, 0)
    grader.process(grader.claim_next())
    assert len(results(store, sid)) == 2  # forced: graded anew, deliberately
    assert len(script.calls) == 2


def test_two_workers_racing_for_one_job_grade_it_once(store, demo, make_grader, script):
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid])
    graders = [make_grader(f"host:{i}") for i in range(8)]
    barrier = threading.Barrier(len(graders))
    claims = []

    def race(grader):
        barrier.wait()
        claims.append(grader.claim(job))

    threads = [threading.Thread(target=race, args=(g,)) for g in graders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [c for c in claims if c is not None]
    assert len(won) == 1
    winner = next(g for g in graders if g.config.name == won[0].worker)
    assert winner.process(won[0]).ending is Ending.DONE
    assert len(results(store, sid)) == 1 and len(script.calls) == 1


def test_a_dead_workers_job_is_taken_over_and_the_dead_claim_stores_nothing(
    store, demo, make_grader, script
):
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid])
    dead, alive = make_grader("host:1"), make_grader("host:2")
    old = dead.claim_next()
    assert alive.claim_next() is None  # held by a live worker
    _age_heartbeat(store, job)
    taken = alive.claim_next()
    assert taken is not None and taken.token == old.token + 1
    # the "dead" worker was only slow: its late result must not land
    assert dead.process(old).ending is Ending.LOST
    assert results(store, sid) == []
    assert alive.process(taken).ending is Ending.DONE
    assert len(results(store, sid)) == 1


def test_a_live_workers_heartbeat_keeps_its_job(store, demo, make_grader):
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid])
    holder = make_grader("host:1")
    assert holder.claim_next() is not None
    _age_heartbeat(store, job)
    assert jobs.heartbeat(store, "host:1") == 1
    assert make_grader("host:2").claim_next() is None
    assert queue.states(store, [sid]) == {sid: "grading"}


def test_infrastructure_errors_are_retried_with_backoff_then_graded(
    store, demo, make_grader, script
):
    script.fail = 2
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid])
    grader = make_grader()
    first = grader.process(grader.claim_next())
    assert first.ending is Ending.RETRY and "engine down" in first.detail
    row = _job(store, job)
    assert row.state == "queued" and row.not_before is not None and "engine down" in row.error
    with store.session() as s:  # the backoff is respected by pollers
        s.execute(update(Job).values(not_before=now() + timedelta(hours=1)))
    assert grader.claim_next() is None
    with store.session() as s:
        s.execute(update(Job).values(not_before=None))
    assert grader.process(_next(grader)).ending is Ending.RETRY
    assert grader.process(_next(grader)).ending is Ending.DONE
    assert [r.status for r in results(store, sid)] == ["graded"]
    assert _job(store, job).attempts == 3


def test_infrastructure_errors_end_as_infra_error_with_the_reason(store, demo, make_grader, script):
    script.always_fail = True
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid])
    grader = make_grader()
    endings = []
    while (claimed := _next(grader, within=0.5)) is not None:
        endings.append(grader.process(claimed).ending)
    assert endings == [Ending.RETRY, Ending.RETRY, Ending.FAILED]
    row = _job(store, job)
    assert row.state == "infra_error" and "engine down (call 3)" in row.error
    [stored] = results(store, sid)
    assert stored.status == "infra_error" and "engine down" in stored.result.error
    assert queue.states(store, [sid]) == {sid: "infra_error"}
    summary = queue.summary(store)
    assert summary.failed == 1 and "engine down" in summary.failures[0].error
    # queued again later (the cause fixed), it is graded: infra errors never stick
    script.always_fail = False
    queue.enqueue(store, [sid])
    grader.process(grader.claim_next())
    assert queue.states(store, [sid]) == {sid: "graded"}


def test_a_candidate_timeout_is_a_result_and_never_retried(store, demo, make_grader, script):
    script.status = ResultStatus.TIMED_OUT
    [sid] = make_submissions(store, demo, 1)
    queue.enqueue(store, [sid])
    grader = make_grader()
    assert grader.process(grader.claim_next()).ending is Ending.DONE
    assert grader.claim_next() is None
    assert [r.status for r in results(store, sid)] == ["timed_out"] and len(script.calls) == 1


def test_a_job_whose_workers_keep_dying_ends_as_infra_error(store, demo, make_grader, script):
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid])
    for i in range(3):  # three workers die holding it
        assert make_grader(f"host:{i}").claim_next() is not None
        _age_heartbeat(store, job)
    outcome = make_grader("host:9").process(make_grader("host:9").claim_next())
    assert outcome.ending is Ending.FAILED and "gave up after 3 attempts" in outcome.detail
    assert script.calls == []
    assert [r.status for r in results(store, sid)] == ["infra_error"]


def test_states_name_every_stage(store, demo, make_grader):
    pending, running, graded, failed, untouched = make_submissions(store, demo, 5)
    queue.enqueue(store, [pending, running, graded, failed])
    grader = make_grader()
    with store.session() as s:  # claim in a known order
        order = {j.submission_id: j.id for j in s.query(Job)}
    grader.process(grader.claim(order[graded]))
    assert grader.claim(order[running]) is not None
    c = grader.claim(order[failed])
    jobs.finish(store, c, None, state="infra_error", error="engine down")
    assert queue.states(store, [pending, running, graded, failed, untouched, "nope"]) == {
        pending: "pending",
        running: "grading",
        graded: "graded",
        failed: "infra_error",
        untouched: "not queued",
    }
    _age_heartbeat(store, order[running])  # its worker died: waiting for another one
    assert queue.states(store, [running]) == {running: "pending"}


def test_the_summary_counts_by_state_and_by_worker(store, demo, make_grader):
    ids = make_submissions(store, demo, 4)
    queue.enqueue(store, ids)
    a, b = make_grader("host-a:1"), make_grader("host-b:2")
    a.process(a.claim_next())
    a.process(a.claim_next())
    b.claim_next()
    seen = queue.summary(store)
    assert (seen.queued, seen.running, seen.done, seen.failed) == (1, 1, 2, 0)
    per = {w.worker: (w.running, w.done) for w in seen.workers}
    assert per == {"host-a:1": (0, 2), "host-b:2": (1, 0)}


def test_a_worker_stopping_mid_grade_hands_the_job_back_uncounted(store, demo, make_grader, script):
    script.gate = threading.Event()
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid])
    grader = make_grader()
    claimed = grader.claim_next()
    outcome = []
    t = threading.Thread(target=lambda: outcome.append(grader.process(claimed)))
    t.start()
    assert script.started.wait(5)
    grader.stopping.set()
    t.join(5)
    assert outcome[0].ending is Ending.HANDED_BACK
    row = _job(store, job)
    assert (row.state, row.attempts, row.worker) == ("queued", 0, None)
    assert results(store, sid) == []


def test_an_unexpected_error_in_the_worker_is_retried_not_left_running(store, demo, make_grader):
    calls = []

    def flaky(scenario, submission, backend):
        calls.append(submission.id)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return GradingResult(status=ResultStatus.GRADED)

    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid])
    grader = make_grader(grade=flaky)
    first = grader.process(grader.claim_next())
    assert first.ending is Ending.RETRY and "RuntimeError('a bug')" in first.detail
    assert _job(store, job).state == "queued"
    assert grader.process(_next(grader)).ending is Ending.DONE
    assert [r.status for r in results(store, sid)] == ["graded"]


def test_the_heartbeat_keeps_alive_only_the_claims_in_hand(store, demo, make_grader):
    ids = make_submissions(store, demo, 2)
    queue.enqueue(store, ids)
    grader = make_grader()
    kept, dropped = grader.claim_next(), grader.claim_next()
    grader._held.discard(dropped.job_id)  # its thread died without ending the claim
    assert grader.held() == [kept.job_id]
    _age_heartbeat(store, kept.job_id)
    _age_heartbeat(store, dropped.job_id)
    assert jobs.heartbeat(store, grader.config.name, grader.held()) == 1
    taken = make_grader("host:2").claim_next()
    assert taken is not None and taken.job_id == dropped.job_id  # not stuck "running" forever
