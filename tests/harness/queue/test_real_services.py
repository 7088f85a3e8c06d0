"""The queue against real services: Redis, PostgreSQL, Docker and ``dsim worker`` processes.

Two workers grade 30 submissions through Redis into PostgreSQL; one is killed with SIGKILL
mid-grade. Every submission must end with exactly one result, the killed worker's job graded by
another, its containers removed by the next worker started on this host, and no container left.
A worker stopped with SIGTERM hands its job back and leaves no container.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from queue_helpers import make_submissions, results
from sqlalchemy import create_engine, make_url, select

from harness import queue
from harness.backends.docker import WORKER_LABEL, client
from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import load
from harness.store import Job, Store

pytestmark = pytest.mark.docker

HOST = socket.gethostname()


def _database(pg_url: str, name: str) -> str:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def _worker(home: Path, db: str, *args: str) -> subprocess.Popen[str]:
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "harness", "--home", str(home), "--db", db, "worker", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "DSIM_BROKER"},
    )


def _containers(worker_pid: int | None = None) -> list[str]:
    label = WORKER_LABEL if worker_pid is None else f"{WORKER_LABEL}={HOST}:{worker_pid}"
    return [c["Id"] for c in client().api.containers(all=True, filters={"label": label})]


def _until(what, timeout: float, message: str, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(every)
    pytest.fail(message)


def _holding(store: Store, pid: int) -> bool:
    with store.session() as s:
        return bool(
            s.scalar(select(Job.id).where(Job.worker == f"{HOST}:{pid}", Job.state == "running"))
        )


def _done(store: Store) -> int:
    with store.session() as s:
        return s.query(Job).filter(Job.state == "done").count()


def test_two_workers_grade_30_through_redis_into_postgresql_once_each_despite_a_kill(
    tmp_path, base_image, pg_url, redis_url
):
    db = _database(pg_url, "queue_kill")
    store = Store(db)
    scenario = load(scaffold("greet-queue", tmp_path / "greet-queue"))
    ids = make_submissions(store, scenario, 30)
    # Queued through the CLI as an assessor would; the workers have never seen the scenario.
    queued = subprocess.run(
        [sys.executable, "-m", "harness", "--home", str(tmp_path / "server"), "--db", db,
         "grade", "--pending", "--broker", redis_url],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    assert "queued 30 submissions" in queued.stdout
    tuning = ["--broker", redis_url, "--jobs", "2", "--reruns", "0", "--heartbeat", "0.5",
              "--stale-after", "3", "--backoff", "1", "--idle-exit", "4"]  # fmt: skip
    before = set(_containers())
    doomed = _worker(tmp_path / "a", db, *tuning)
    survivor = _worker(tmp_path / "b", db, *tuning)
    late = None
    try:
        # Kill one worker mid-grade: it holds a job and has a container running for it.
        _until(lambda: _done(store) >= 4, 120, "the workers graded nothing")
        _until(
            lambda: _holding(store, doomed.pid) and _containers(doomed.pid),
            60,
            "the doomed worker never held a job with a container",
            every=0.01,
        )
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=10)
        assert _containers(doomed.pid), "the kill left no container: nothing to recover"
        # The next worker started on this host removes the dead one's containers.
        late = _worker(tmp_path / "c", db, *tuning)
        _until(lambda: not _containers(doomed.pid), 60, "the dead worker's containers stayed")
        _, err = survivor.communicate(timeout=240)
        assert survivor.returncode == 0, err
        _, late_err = late.communicate(timeout=120)
        assert late.returncode == 0, late_err
    finally:
        for proc in (doomed, survivor, late):
            if proc is not None and proc.poll() is None:
                proc.kill()
            if proc is not None:
                proc.communicate(timeout=10)
    states = queue.states(store, ids)
    assert set(states.values()) == {"graded"}, states
    for sid in ids:
        assert [r.status for r in results(store, sid)] == ["graded"], sid
    with store.session() as s:
        taken_over = s.query(Job).filter(Job.attempts > 1).count()
    assert taken_over >= 1, "no job was delivered again after the kill"
    assert set(_containers()) <= before, "containers were left behind"
    store.close()


def test_sigterm_hands_the_job_back_and_leaves_no_container(tmp_path, base_image, store, demo):
    db = store.url
    [sid] = make_submissions(store, demo, 1)
    queue.enqueue(store, [sid])  # no broker: the embedded worker polls the store
    worker = _worker(tmp_path / "w", db, "--jobs", "1", "--poll", "0.2")  # as `dsim serve` does
    try:
        _until(lambda: _containers(worker.pid), 120, "the worker never started a container", 0.01)
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate(timeout=10)
    assert worker.returncode == 0, err
    assert "handed back" in err
    assert _containers(worker.pid) == []
    with store.session() as s:
        job = s.scalars(select(Job)).one()
    assert (job.state, job.attempts) == ("queued", 0) or job.state == "done"
    finisher = _worker(tmp_path / "w2", db, "--idle-exit", "1", "--poll", "0.2", "--reruns", "0")
    _, err = finisher.communicate(timeout=180)
    assert finisher.returncode == 0, err
    assert [r.status for r in results(store, sid)] == ["graded"]


def test_without_a_broker_a_killed_workers_job_is_taken_over_once_its_heartbeat_is_stale(
    tmp_path, base_image, store, demo
):
    db = store.url
    ids = make_submissions(store, demo, 3)
    queue.enqueue(store, ids)
    tuning = ["--jobs", "1", "--reruns", "0", "--poll", "0.1", "--heartbeat", "0.5",
              "--stale-after", "2", "--idle-exit", "2"]  # fmt: skip
    doomed = _worker(tmp_path / "a", db, *tuning)
    try:
        _until(
            lambda: _holding(store, doomed.pid) and _containers(doomed.pid),
            120,
            "the worker never held a job with a container",
            every=0.01,
        )
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
            doomed.communicate(timeout=10)
    assert _containers(doomed.pid)
    heir = _worker(tmp_path / "b", db, *tuning)
    _, err = heir.communicate(timeout=180)
    assert heir.returncode == 0, err
    assert not _containers(doomed.pid)
    assert set(queue.states(store, ids).values()) == {"graded"}
    for sid in ids:
        assert [r.status for r in results(store, sid)] == ["graded"]
    with store.session() as s:
        assert s.query(Job).filter(Job.attempts == 2).count() == 1  # the one taken over
