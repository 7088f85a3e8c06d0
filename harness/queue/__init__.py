"""Grading jobs: enqueue submissions, and workers that claim and grade them (``dsim worker``).

May import: grading, scenarios, store, backends, config, errors, result; never service or cli.

Embedded (no broker): workers poll the store's ``jobs`` table. With a broker (Dramatiq on Redis
or RabbitMQ), one message per job. Either way a job is graded only by the worker that claimed it,
and its result is stored in the transaction that ends the claim, so every (submission, key) gets
exactly one result whatever the delivery count. Jobs name their scenario by content hash; the
content travels in the store (:mod:`.archives`), so any worker can grade any scenario.

The seam the server calls: :func:`enqueue`, :func:`states`; ``dsim worker`` runs
:func:`run_worker`; ``dsim queue`` shows :func:`summary`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from harness.queue.jobs import STALE_AFTER, Summary, statuses, summary
from harness.queue.worker import Grader, Outcome, WorkerConfig, poll, worker_name
from harness.store import Store

if TYPE_CHECKING:
    import threading

    from harness.backends.base import Backend

__all__ = [
    "FINAL",
    "STALE_AFTER",
    "Outcome",
    "Summary",
    "WorkerConfig",
    "enqueue",
    "run_worker",
    "states",
    "summary",
    "wait",
    "worker_name",
]


def enqueue(
    store: Store,
    submission_ids: Sequence[str],
    *,
    force: bool = False,
    broker: str | Any | None = None,
    stale_after: float = STALE_AFTER,
) -> list[str]:
    """Queue each submission for grading; return one job id per distinct submission, in the
    order given.

    For each submission: resolve its scenario (this machine must have it), store the scenario's
    content-addressed archive if the store lacks it, and make its job ``queued`` — or leave the
    existing job alone: a queued or running job stays as it is, a done one stays done (one whose
    result already exists is made ``done`` at once), an ``infra_error`` one is queued again,
    and with ``force`` a done one is queued again to be graded anew. With ``broker`` (a
    ``redis://``/``amqp://`` URL, or a Dramatiq broker) one message goes out per job that was
    (re)queued, or that has waited longer than ``stale_after`` seconds (its message may be
    lost). Idempotent: a second call makes no second job, and no second result.

    Raises:
        NotFound: a submission or its scenario does not exist.
        InvalidInput: ``broker`` is not a broker URL.
    """
    from harness.queue.jobs import enqueue_rows

    target = None
    if broker is not None:
        from harness.queue import broker as via

        target = via.connect(broker) if isinstance(broker, str) else broker
    try:
        queued = enqueue_rows(store, submission_ids, force=force, stale_after=stale_after)
        if target is not None and queued.to_send:
            via.send(target, queued.to_send)
    finally:
        if isinstance(broker, str) and target is not None:
            target.close()
    return queued.job_ids


def states(
    store: Store, submission_ids: Sequence[str], *, stale_after: float = STALE_AFTER
) -> dict[str, str]:
    """Each submission's grading status, for display, keyed by submission id:

    - ``pending``: queued (or held by a worker that stopped beating), not graded yet;
    - ``grading``: claimed by a live worker;
    - ``graded``: a result exists for its current key (submission, scenario content, dsim
      version);
    - ``infra_error``: ended as an infrastructure error after its retries;
    - ``not queued``: no job and no result.

    Ids the store does not know are left out.
    """
    return statuses(store, submission_ids, stale_after=stale_after)


FINAL = frozenset({"graded", "infra_error", "not queued"})
"""States :func:`wait` stops at (``not queued``: the job is gone, nothing will change it)."""


def wait(
    store: Store,
    submission_ids: Sequence[str],
    *,
    on_change: Callable[[str, str], None] | None = None,
    interval: float = 1.0,
    stale_after: float = STALE_AFTER,
) -> dict[str, str]:
    """Poll :func:`states` until every submission is in :data:`FINAL`; call
    ``on_change(submission_id, state)`` for each change seen (the first look included).
    Returns the final states."""
    import time

    seen: dict[str, str] = {}
    while True:
        now = states(store, submission_ids, stale_after=stale_after)
        for sid, state in now.items():
            if seen.get(sid) != state:
                seen[sid] = state
                if on_change is not None:
                    on_change(sid, state)
        if all(state in FINAL for state in now.values()):
            return now
        time.sleep(interval)


def run_worker(
    store: Store,
    config: WorkerConfig,
    *,
    backend: Backend | str = "docker",
    broker: str | Any | None = None,
    on_done: Callable[[Outcome], None] | None = None,
    stopping: threading.Event | None = None,
) -> None:
    """Grade queued jobs until ``stopping`` is set, the process is interrupted (SIGTERM in
    ``dsim``), or, with ``config.idle_exit``, the queue stayed empty that long. First removes
    the containers of this host's workers that died. Without ``broker`` it polls the store;
    with one it consumes the broker's messages. On the way out every container is removed and
    jobs cut off are handed back.

    Raises:
        InfraError: the backend cannot run (Docker unreachable).
    """
    chosen = _backend(backend, config.name) if isinstance(backend, str) else backend
    chosen.check()
    tidy = getattr(chosen, "remove_dead_workers", None)
    if tidy is not None:
        tidy(config.name.rpartition(":")[0])
    grader = Grader(store, chosen, config, stopping=stopping)
    if broker is None:
        poll(grader, on_done)
        return
    from harness.queue import broker as via

    target = (
        via.connect(broker, heartbeat_timeout=config.stale_after)
        if isinstance(broker, str)
        else broker
    )
    via.consume(grader, target, on_done)


def _backend(name: str, worker: str) -> Backend:
    """A new backend called ``name``; Docker's containers carry the worker's label."""
    if name == "docker":
        from harness.backends.docker import WORKER_LABEL, DockerBackend, DockerRuntime

        return DockerBackend(DockerRuntime(labels={WORKER_LABEL: worker}))
    from harness.backends import get_backend

    return get_backend(name)
