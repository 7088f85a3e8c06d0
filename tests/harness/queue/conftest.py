"""Fixtures for the queue: submissions to queue, scripted grading, and real Redis and PostgreSQL.

``redis_url`` starts a throwaway Redis on loopback in a temp folder; ``pg_url``
(tests/harness/conftest.py) a PostgreSQL cluster on a Unix socket.
A missing ``redis-server`` or PostgreSQL fails the tests that need them, everywhere: the queue's
guarantees are only shown against the real services, so CI must never skip them.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.backends.base import Backend
from harness.errors import InfraError
from harness.queue import WorkerConfig
from harness.queue.worker import Grader
from harness.result import GradingResult, ResultStatus
from harness.scenarios.scenario import Scenario
from harness.store import Store, Submission


@dataclass
class Script:
    """A grading that needs no containers: counts its calls, can fail, block or time out."""

    fail: int = 0
    """Raise InfraError on the first ``fail`` calls."""
    always_fail: bool = False
    status: ResultStatus = ResultStatus.GRADED
    gate: threading.Event | None = None
    """Block each call until set (to stop a worker mid-grade)."""
    started: threading.Event = field(default_factory=threading.Event)
    calls: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(
        self, scenario: Scenario, submission: Submission, backend: Backend
    ) -> GradingResult:
        with self.lock:
            self.calls.append(submission.id)
            n = len(self.calls)
        self.started.set()
        if self.gate is not None:
            while not self.gate.wait(0.05):
                if getattr(backend, "stopping", threading.Event()).is_set():
                    raise InfraError("the container was removed (worker stopping)")
        if self.always_fail or n <= self.fail:
            raise InfraError(f"engine down (call {n})")
        return GradingResult(status=self.status)


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def config(tmp_path: Path) -> WorkerConfig:
    return WorkerConfig(
        cache=tmp_path / "cache",
        heartbeat=0.2,
        stale_after=1.0,
        backoff=0.01,
        max_backoff=0.05,
        poll=0.05,
        idle_exit=0.3,
        name="testhost:1",
    )


@pytest.fixture
def make_grader(store: Store, config: WorkerConfig, script: Script) -> Callable[..., Grader]:
    from harness.backends import get_backend

    def make(name: str = "testhost:1", grade: Callable[..., GradingResult] | None = None) -> Grader:
        from dataclasses import replace

        return Grader(
            store, get_backend("local"), replace(config, name=name), grade=grade or script
        )

    return make


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail(
            "redis-server is not installed (apt-get install redis-server): the queue's "
            "tests run against a real Redis and are never skipped"
        )
    port = _free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "yes",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
