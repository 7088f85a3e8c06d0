"""Jobs through a Dramatiq broker (Redis or RabbitMQ): one message per job, acknowledged only
after the job ended, redelivered when the worker holding it died.

A message carries only a job id; the job row says what to grade and the claim decides who grades
it (:mod:`harness.queue.jobs`), so a duplicate or redelivered message grades nothing twice. A
message for a job another live worker holds is sent again after ``stale_after`` (if that worker
dies meanwhile, the job is not lost); one for a finished job is dropped. Retries use Dramatiq's
own: an infrastructure error raises :class:`dramatiq.Retry` with the job's backoff.

Dramatiq is imported only here, and only when a broker is used.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlparse

from harness.errors import InfraError, InvalidInput
from harness.queue.worker import Ending, Grader, Outcome, running, wait_until_stopped

log = logging.getLogger(__name__)

QUEUE = "dsim-grading"
ACTOR = "dsim_grade"
SCHEMES = ("redis", "rediss", "amqp", "amqps")


def connect(url: str, *, heartbeat_timeout: float = 60.0) -> Any:
    """A Dramatiq broker for ``url`` (``redis://…`` or ``amqp://…``), with the grading queue
    declared. ``heartbeat_timeout``: seconds after which Redis hands a silent worker's unacked
    messages to others.

    Raises:
        InvalidInput: the URL names no supported broker.
        InfraError: the broker's client library is missing.
    """
    scheme = urlparse(url).scheme
    if scheme not in SCHEMES:
        raise InvalidInput(
            f"{shown(url)!r} is not a broker URL",
            hint="use redis://host:6379/0 or amqp://user:password@host:5672/ (--broker / "
            "DSIM_BROKER)",
        )
    if scheme.startswith("redis"):
        import redis
        from dramatiq.brokers.redis import RedisBroker

        broker: Any = RedisBroker(  # type: ignore[no-untyped-call]
            url=url,
            heartbeat_timeout=int(heartbeat_timeout * 1000),
            # Maintenance (requeueing a dead worker's messages) runs on this share of calls:
            # often enough that a kill is recovered within about a heartbeat timeout.
            maintenance_chance=50_000,
        )
        try:
            broker.client.ping()
        except redis.RedisError as exc:
            raise InfraError(
                f"cannot reach the broker at {shown(url)}: {exc}",
                hint="start it, or fix --broker / DSIM_BROKER (nothing was queued)",
            ) from exc
    else:
        try:
            from dramatiq.brokers.rabbitmq import RabbitmqBroker
        except ImportError as exc:
            raise InfraError(
                "the RabbitMQ client is not installed", hint="pip install 'dramatiq[rabbitmq]'"
            ) from exc
        broker = RabbitmqBroker(url=url)
    broker.declare_queue(QUEUE)
    return broker


def shown(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    parts = urlparse(url)
    if not parts.password:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def send(broker: Any, job_ids: Sequence[str], *, delay: float | None = None) -> None:
    """One message per job (after ``delay`` seconds)."""
    import dramatiq

    broker.declare_queue(QUEUE)
    for job_id in job_ids:
        message: Any = dramatiq.Message(
            queue_name=QUEUE, actor_name=ACTOR, args=(job_id,), kwargs={}, options={}
        )
        broker.enqueue(message, delay=None if delay is None else int(delay * 1000))


def declare(grader: Grader, broker: Any, on_done: Callable[[Outcome], None] | None = None) -> Any:
    """Register the grading actor on ``broker`` for ``grader``; return it."""
    import dramatiq

    config = grader.config

    def grade(job_id: str) -> None:
        if grader.stopping.is_set():  # a message fetched while stopping: back to the queue
            raise dramatiq.Retry(delay=0)
        claimed = grader.claim(job_id)
        if claimed is None:
            holder = _holder(grader, job_id)
            if holder is not None:  # look again when its heartbeat would be stale
                send(broker, [job_id], delay=config.stale_after)
            return
        outcome = grader.process(claimed)
        if on_done is not None:
            on_done(outcome)
        if outcome.ending is Ending.RETRY:
            raise dramatiq.Retry(delay=int(outcome.delay * 1000))
        if outcome.ending is Ending.HANDED_BACK:
            raise dramatiq.Retry(delay=0)

    return dramatiq.Actor(
        grade,
        broker=broker,
        actor_name=ACTOR,
        queue_name=QUEUE,
        priority=0,
        options={
            # Our attempts decide when a job fails; Dramatiq's cap only stops a message that
            # keeps failing for reasons outside the job (the store unreachable).
            "max_retries": config.attempts * 4 + 10,
            "min_backoff": int(config.backoff * 1000),
            "max_backoff": int(config.max_backoff * 1000),
            "time_limit": 6 * 3600 * 1000,  # grading has its own deadlines on every run
        },
    )


def _holder(grader: Grader, job_id: str) -> str | None:
    from harness.queue import jobs

    return jobs.holder(grader.store, job_id, stale_after=grader.config.stale_after)


def consume(grader: Grader, broker: Any, on_done: Callable[[Outcome], None] | None = None) -> None:
    """Grade messages from ``broker`` with ``jobs`` Dramatiq worker threads until
    ``grader.stopping`` is set (or idle for ``idle_exit``); jobs cut off are handed back and
    their messages sent again."""
    import dramatiq

    declare(grader, broker, on_done)
    # Polling every 50 ms when idle costs Redis next to nothing; the default 1 s would add up
    # to a second between jobs. Two messages per thread in hand: the next job is there when
    # one ends (a dead worker's are redelivered like the one it was grading).
    worker = dramatiq.Worker(broker, worker_threads=grader.config.jobs, worker_timeout=50)
    worker.queue_prefetch = 2 * grader.config.jobs
    worker.delay_prefetch = 1000
    with running(grader):
        worker.start()
        try:
            wait_until_stopped(grader)
        finally:
            grader.stopping.set()
            grader.backend.remove_live()
            worker.stop(timeout=60_000)
