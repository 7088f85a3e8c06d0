"""Grading what a worker claimed, and the worker process that polls the store for it.

:class:`Grader` turns one :class:`~harness.queue.jobs.Claim` into an ending — the result stored
and the job done in one transaction, a retry after an infrastructure error, a final
``infra_error``, or the job handed back because the worker is stopping. The same ``Grader`` serves
both ways jobs arrive: :func:`poll` (no broker: claim the oldest claimable row) and the Dramatiq
actor in :mod:`harness.queue.broker` (claim the row a message names).

Invariants: a stopping worker makes no new container (:class:`_Stoppable` refuses) and removes
the ones it has, so SIGTERM leaves none; a candidate's timeout is a result, never retried; an
infrastructure error is retried ``attempts`` times with a doubling backoff, then stored as an
``infra_error`` result with the reason.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from harness.backends.base import Backend, Image, ImageRecipe, Sandbox, SandboxSpec
from harness.errors import DsimError, InfraError
from harness.grading.pipeline import grade_one, result_key, warm_by_default
from harness.queue import jobs
from harness.queue.archives import fetch
from harness.queue.jobs import STALE_AFTER, Claim
from harness.result import GradingResult, ResultStatus, dump_result
from harness.scenarios.scenario import Scenario
from harness.store import Job, Result, Store, Submission

log = logging.getLogger(__name__)

GradeFn = Callable[[Scenario, Submission, Backend], GradingResult]
"""Grades one submission against one scenario (``grade_one`` with the worker's reruns)."""


def worker_name() -> str:
    """``<host>:<pid>``: names this worker in the jobs table and on its containers."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, kw_only=True)
class WorkerConfig:
    """How a worker grades, retries and shows it is alive."""

    cache: Path
    """Where scenarios unpacked from the store are kept, one folder per content hash."""
    jobs: int = 1
    """Gradings at once (threads)."""
    reruns: int = 1
    """Re-runs of failing tests to spot flaky ones (``dsim grade --reruns``)."""
    heartbeat: float = 10.0
    """Seconds between heartbeats of the jobs this worker holds."""
    stale_after: float = STALE_AFTER
    """Seconds without a heartbeat after which a job's worker is taken for dead."""
    attempts: int = 3
    """Claims a job gets before it ends as ``infra_error`` (infrastructure errors and workers
    that died holding it both count)."""
    backoff: float = 10.0
    """Seconds before the first retry; doubles each time, up to :attr:`max_backoff`."""
    max_backoff: float = 300.0
    poll: float = 1.0
    """Seconds between looks at the store when it had nothing to claim (no broker)."""
    idle_exit: float | None = None
    """Stop after this many seconds with nothing to do (tests, batch hosts); None: never."""
    warm: bool | None = None
    """Make each run's container ahead of need (``dsim grade --warm``); None: when ``jobs`` is
    below the number of CPUs (:func:`~harness.grading.pipeline.warm_by_default`)."""
    name: str = field(default_factory=worker_name)

    def delay(self, token: int) -> float:
        """The backoff before the claim after attempt ``token``."""
        return float(min(self.max_backoff, self.backoff * 2 ** max(0, token - 1)))


class Ending(Enum):
    DONE = "done"
    RETRY = "retry"
    FAILED = "infra_error"
    HANDED_BACK = "handed_back"
    LOST = "lost"


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """How one claim ended."""

    ending: Ending
    job_id: str
    submission_id: str
    status: str = ""
    """The stored result's status, when one was stored."""
    delay: float = 0.0
    """For RETRY: seconds before the job may be claimed again."""
    detail: str = ""
    seconds: float = 0.0

    def line(self) -> str:
        """One line for the worker's log."""
        what = self.status or self.ending.value
        extra = f": {self.detail}" if self.detail else ""
        if self.ending is Ending.RETRY:
            extra += f" (retry in {self.delay:.0f}s)"
        return f"{self.submission_id} {what} {self.seconds:.1f}s{extra}"


class _Refused(InfraError):
    """An infrastructure error no retry can mend (content missing, another dsim version)."""


class _Stoppable(Backend):
    """The worker's backend, which makes no sandbox once the worker is stopping."""

    def __init__(self, inner: Backend, stopping: threading.Event) -> None:
        self.inner, self.stopping = inner, stopping
        self.name, self.isolated, self.python = inner.name, inner.isolated, inner.python

    def sandbox(self, spec: SandboxSpec) -> Sandbox:
        if self.stopping.is_set():
            raise InfraError("the worker is stopping")
        return self.inner.sandbox(spec)

    def image_for(self, recipe: ImageRecipe) -> Image:
        return self.inner.image_for(recipe)

    def remove_live(self) -> int:
        return self.inner.remove_live()

    def remove_leftovers(self) -> int:
        return self.inner.remove_leftovers()

    def check(self) -> None:
        self.inner.check()

    @contextmanager
    def warmed(self, spares: int) -> Iterator[dict[str, int]]:
        with self.inner.warmed(spares) as counters:
            yield counters


class Grader:
    """Grades claims for one worker: everything it holds is on the instance."""

    def __init__(
        self,
        store: Store,
        backend: Backend,
        config: WorkerConfig,
        *,
        grade: GradeFn | None = None,
        stopping: threading.Event | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.stopping = stopping or threading.Event()
        self.backend = _Stoppable(backend, self.stopping)
        self._grade = grade or (lambda sc, sub, be: grade_one(sc, sub, be, reruns=config.reruns))
        self._scenarios: dict[str, Scenario] = {}
        self._lock = threading.Lock()
        self._held: set[str] = set()
        self.busy = 0
        """Claims being graded right now."""
        self.last_busy = time.monotonic()

    def claim_next(self) -> Claim | None:
        claimed = jobs.claim_next(self.store, self.config.name, stale_after=self.config.stale_after)
        return self._hold(claimed)

    def claim(self, job_id: str) -> Claim | None:
        claimed = jobs.claim(
            self.store, job_id, self.config.name, stale_after=self.config.stale_after
        )
        return self._hold(claimed)

    def _hold(self, claimed: Claim | None) -> Claim | None:
        if claimed is not None:
            with self._lock:
                self._held.add(claimed.job_id)
        return claimed

    def held(self) -> list[str]:
        """Jobs this worker holds now: the only ones its heartbeat keeps alive, so a claim
        abandoned by a crash in its thread goes stale and another worker takes it over."""
        with self._lock:
            return sorted(self._held)

    def process(self, claim: Claim) -> Outcome:
        """Grade a claimed job and end the claim (see the module docstring)."""
        with self._lock:
            self.busy += 1
        started = time.monotonic()
        try:
            outcome = self._process(claim)
        finally:
            with self._lock:
                self.busy -= 1
                self.last_busy = time.monotonic()
                self._held.discard(claim.job_id)
        outcome = Outcome(**{**outcome.__dict__, "seconds": time.monotonic() - started})
        log.info("%s", outcome.line())
        return outcome

    def _process(self, claim: Claim) -> Outcome:
        if claim.token > self.config.attempts:
            with self.store.session() as s:
                job = s.get(Job, claim.job_id)
                last = job.error if job is not None and job.error else ""
            reason = f"gave up after {self.config.attempts} attempts" + (
                f"; the last: {last}" if last else "; the workers holding it stopped"
            )
            return self._fail(claim, reason)
        try:
            submission = self.store.submission(claim.submission_id)
            scenario = self._scenario(claim.scenario_hash)
            key = result_key(submission, scenario)
            if key != claim.key:
                raise _Refused(
                    f"job {claim.job_id} was queued by another dsim version (result key differs)",
                    hint="run the same dsim version on the server and every worker",
                )
            if not claim.force:
                existing = self.store.result_for(submission.id, key)
                if existing is not None and existing.isolated == self.backend.isolated:
                    return self._end(claim, None, "done", "", status=existing.status)
            result = self._grade(scenario, submission, self.backend)
        except _Refused as exc:
            return self._fail(claim, exc.message)
        except InfraError as exc:
            return self._retry(claim, exc.message)
        except DsimError as exc:  # the submission is gone, or its content cannot be read
            return self._fail(claim, exc.message)
        except Exception as exc:  # a bug or a store hiccup: retried like the engine failing
            log.exception("job %s: unexpected error", claim.job_id)
            return self._retry(claim, f"the worker failed: {exc!r}")
        row = Result(
            submission_id=submission.id,
            key=key,
            status=result.status.value,
            backend=self.backend.name,
            isolated=self.backend.isolated,
            data=dump_result(result),
        )
        return self._end(claim, row, "done", "", status=result.status.value)

    def _retry(self, claim: Claim, message: str) -> Outcome:
        """After an infrastructure error: hand the job back when stopping (the error is most
        likely the stop removing containers), else retry after a backoff, or fail it for good
        once it had its attempts."""
        if self.stopping.is_set():
            jobs.hand_back(self.store, claim)
            self.backend.remove_live()
            return Outcome(
                ending=Ending.HANDED_BACK, job_id=claim.job_id, submission_id=claim.submission_id
            )
        if claim.token >= self.config.attempts:
            return self._fail(claim, message)
        delay = self.config.delay(claim.token)
        if not jobs.retry_later(self.store, claim, error=message, delay=delay):
            return self._lost(claim)
        return Outcome(
            ending=Ending.RETRY,
            job_id=claim.job_id,
            submission_id=claim.submission_id,
            delay=delay,
            detail=message,
        )

    def _scenario(self, content_hash: str) -> Scenario:
        with self._lock:
            known = self._scenarios.get(content_hash)
        if known is not None:
            return known
        try:
            scenario = fetch(self.store, content_hash, self.config.cache)
        except InfraError as exc:
            raise _Refused(exc.message, hint=exc.hint) from exc
        with self._lock:
            self._scenarios[content_hash] = scenario
        return scenario

    def _fail(self, claim: Claim, reason: str) -> Outcome:
        result = GradingResult(status=ResultStatus.INFRA_ERROR, error=reason)
        row = Result(
            submission_id=claim.submission_id,
            key=claim.key,
            status=result.status.value,
            backend=self.backend.name,
            isolated=self.backend.isolated,
            data=dump_result(result),
        )
        return self._end(claim, row, "infra_error", reason, status="infra_error")

    def _end(
        self, claim: Claim, row: Result | None, state: str, error: str, *, status: str
    ) -> Outcome:
        if not jobs.finish(self.store, claim, row, state=state, error=error):
            return self._lost(claim)
        ending = Ending.DONE if state == "done" else Ending.FAILED
        return Outcome(
            ending=ending,
            job_id=claim.job_id,
            submission_id=claim.submission_id,
            status=status,
            detail=error,
        )

    def _lost(self, claim: Claim) -> Outcome:
        return Outcome(
            ending=Ending.LOST,
            job_id=claim.job_id,
            submission_id=claim.submission_id,
            detail="another worker took the job over; nothing stored",
        )


@contextmanager
def heartbeats(grader: Grader) -> Iterator[None]:
    """Keep the jobs this worker holds alive while inside (a thread beating every
    ``heartbeat`` seconds)."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(grader.config.heartbeat):
            try:
                jobs.heartbeat(grader.store, grader.config.name, grader.held())
            except Exception:
                log.exception("heartbeat failed")

    thread = threading.Thread(target=beat, name="dsim-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


def poll(grader: Grader, on_done: Callable[[Outcome], None] | None = None) -> None:
    """Claim and grade jobs from the store in ``jobs`` threads until ``grader.stopping`` is set
    (or, with ``idle_exit``, until nothing was claimable for that long). Returns once every
    thread has stopped; jobs cut off are handed back."""
    config = grader.config

    def loop() -> None:
        while not grader.stopping.is_set():
            try:
                claimed = grader.claim_next()
            except Exception:
                log.exception("claiming a job failed")
                claimed = None
            if claimed is None:
                grader.stopping.wait(config.poll)
                continue
            try:
                outcome = grader.process(claimed)
            except Exception:
                log.exception("job %s failed in the worker", claimed.job_id)
                continue
            if on_done is not None:
                on_done(outcome)

    threads = [
        threading.Thread(target=loop, name=f"dsim-worker-{i}", daemon=True)
        for i in range(config.jobs)
    ]
    with running(grader):
        for thread in threads:
            thread.start()
        try:
            wait_until_stopped(grader)
        finally:
            stop(grader, threads)


@contextmanager
def running(grader: Grader) -> Iterator[None]:
    """Heartbeats and (by :attr:`WorkerConfig.warm`) containers made ahead while inside; on the
    way out, however it is left, every container this worker made is removed."""
    config = grader.config
    warm = warm_by_default(config.jobs) if config.warm is None else config.warm
    try:
        with heartbeats(grader), grader.backend.warmed(spares=config.jobs) if warm else _none():
            yield
    finally:
        grader.stopping.set()
        grader.backend.remove_live()


@contextmanager
def _none() -> Iterator[None]:
    yield


def wait_until_stopped(grader: Grader) -> None:
    """Block until ``grader.stopping`` is set or the worker was idle for ``idle_exit``."""
    idle = grader.config.idle_exit
    while not grader.stopping.wait(0.2):
        if idle is not None and grader.busy == 0 and time.monotonic() - grader.last_busy > idle:
            with grader.store.session() as s:
                waiting = s.query(Job).filter(Job.state.in_(("queued", "running"))).count()
            if waiting == 0:
                grader.stopping.set()


def stop(grader: Grader, threads: list[threading.Thread], timeout: float = 60) -> None:
    """Stop taking jobs, remove every container (gradings cut off hand their jobs back), and
    wait for the threads."""
    grader.stopping.set()
    grader.backend.remove_live()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    grader.backend.remove_live()
