"""The message flow on Dramatiq's StubBroker: one message per queued job, duplicates and
redeliveries grade nothing twice, infrastructure errors go through Dramatiq's retries."""

from __future__ import annotations

import threading

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import dq_name
from queue_helpers import make_submissions, results

from harness import queue
from harness.errors import InvalidInput
from harness.queue import broker as via
from harness.queue.worker import Ending
from harness.store import Job


@pytest.fixture
def stub():
    broker = StubBroker()
    broker.emit_after("process_boot")
    yield broker
    broker.flush_all()
    broker.close()


def _run(grader, broker, outcomes=None):
    """Process every message (retries included) with a Dramatiq worker, then stop it."""
    via.declare(grader, broker, outcomes.append if outcomes is not None else None)
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=50)
    worker.start()
    try:
        broker.join(via.QUEUE, timeout=20_000, fail_fast=True)
        worker.join()
    finally:
        worker.stop()


def test_one_message_per_queued_job_and_none_for_a_second_enqueue(stub, store, demo):
    ids = make_submissions(store, demo, 3)
    queue.enqueue(store, ids, broker=stub)
    queue.enqueue(store, ids, broker=stub)
    assert stub.queues[via.QUEUE].qsize() == 3


def test_duplicate_messages_store_one_result(stub, store, demo, make_grader, script):
    ids = make_submissions(store, demo, 4)
    job_ids = queue.enqueue(store, ids, broker=stub)
    via.send(stub, job_ids * 3)  # delivered again and again
    outcomes = []
    _run(make_grader(), stub, outcomes)
    assert sorted(script.calls) == sorted(ids)
    for sid in ids:
        assert len(results(store, sid)) == 1
    assert set(queue.states(store, ids).values()) == {"graded"}


def test_infrastructure_errors_are_retried_through_dramatiq_then_graded(
    stub, store, demo, make_grader, script
):
    script.fail = 2
    [sid] = make_submissions(store, demo, 1)
    queue.enqueue(store, [sid], broker=stub)
    outcomes = []
    _run(make_grader(), stub, outcomes)
    assert [o.ending for o in outcomes] == [Ending.RETRY, Ending.RETRY, Ending.DONE]
    assert [r.status for r in results(store, sid)] == ["graded"]


def test_infrastructure_errors_end_as_infra_error_through_dramatiq(
    stub, store, demo, make_grader, script
):
    script.always_fail = True
    [sid] = make_submissions(store, demo, 1)
    queue.enqueue(store, [sid], broker=stub)
    outcomes = []
    _run(make_grader(), stub, outcomes)
    assert [o.ending for o in outcomes][-1] is Ending.FAILED and len(script.calls) == 3
    assert [r.status for r in results(store, sid)] == ["infra_error"]


def test_a_message_for_a_job_a_live_worker_holds_comes_back_later(
    stub, store, demo, make_grader, script
):
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid], broker=stub)
    holder = make_grader("host:1")
    claimed = holder.claim(job)  # a live worker holds it (its heartbeat is fresh)
    stub.flush_all()
    grade = via.declare(make_grader("host:2"), stub)
    grade.fn(job)  # a duplicate delivered to another worker
    assert script.calls == []  # it did not grade it…
    assert stub.queues[dq_name(via.QUEUE)].qsize() == 1  # …but will look again: not lost
    assert holder.process(claimed).ending is Ending.DONE
    grade.fn(job)  # the look again: the job is done, the message is dropped
    assert stub.queues[dq_name(via.QUEUE)].qsize() == 1
    assert len(results(store, sid)) == 1


def test_a_bad_broker_url_is_refused_with_the_forms_that_work(store, demo):
    [sid] = make_submissions(store, demo, 1)
    with pytest.raises(InvalidInput, match="not a broker URL") as caught:
        queue.enqueue(store, [sid], broker="http://example.invalid")
    assert "redis://" in (caught.value.hint or "")
    assert queue.states(store, [sid]) == {sid: "not queued"}  # refused before anything queued


def test_a_worker_stopping_mid_grade_sends_the_job_back_through_redis(
    store, demo, make_grader, script, redis_url
):
    # On Redis, not the stub: what matters is that the message survives the worker's stop.
    script.gate = threading.Event()
    [sid] = make_submissions(store, demo, 1)
    [job] = queue.enqueue(store, [sid], broker=redis_url)
    stopping = make_grader("host:1")
    consuming = threading.Thread(target=via.consume, args=(stopping, via.connect(redis_url)))
    consuming.start()
    assert script.started.wait(10)
    stopping.stopping.set()  # what SIGTERM does in `dsim worker`
    consuming.join(30)
    assert not consuming.is_alive()
    with store.session() as s:
        row = s.get(Job, job)
    assert (row.state, row.attempts) == ("queued", 0)
    assert results(store, sid) == []
    script.gate.set()
    via.consume(make_grader("host:2"), via.connect(redis_url))  # idle_exit ends it
    assert [r.status for r in results(store, sid)] == ["graded"]
