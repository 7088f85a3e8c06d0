"""Interrupting a grading process (SIGTERM from a supervisor, SIGINT from Ctrl-C) while a container
is running must leave no container behind.

A child Python process does what ``dsim`` does: the CLI's own SIGTERM handler
(:func:`harness.cli._terminate`) turns the signal into KeyboardInterrupt, and the code catching it
calls ``remove_live()`` on the backend that made the sandbox. The sandbox runs either in the main
thread (its ``with`` block unwinds) or in a pool worker like
:func:`harness.grading.pipeline.grade_batch` (nothing unwinds in the worker, so only
``remove_live`` can remove it).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from harness.backends.docker import client

pytestmark = pytest.mark.docker

REPO = Path(__file__).resolve().parents[4]

SCRIPT = r"""
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from harness.backends import Limits, SandboxSpec, get_backend
from harness.cli import _terminate


def run(backend, image, label):
    spec = SandboxSpec(image=image, limits=Limits(timeout_seconds=120),
                       labels={"dsim.test": label})
    with backend.sandbox(spec) as box:
        box.exec(["sleep", "60"], timeout=120)


def main():
    mode, image, label = sys.argv[1:4]
    signal.signal(signal.SIGTERM, _terminate)  # what harness.cli.main() installs
    backend = get_backend("docker")
    try:
        if mode == "main-thread":
            run(backend, image, label)
        else:
            pool = ThreadPoolExecutor(max_workers=1)
            try:
                pool.submit(run, backend, image, label).result()
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    except KeyboardInterrupt:
        print("interrupted; removed", backend.remove_live(), flush=True)
        sys.exit(130)
    print("finished without interruption", flush=True)
    sys.exit(0)


main()
"""


def _containers(label: str) -> list[dict]:
    """Containers carrying our label, as the engine lists them (no per-container inspect, which
    would race with their removal)."""
    return client().api.containers(all=True, filters={"label": f"dsim.test={label}"})


def _processes(container_id: str) -> list[list[str]]:
    try:
        return client().api.top(container_id)["Processes"] or []
    except Exception:  # noqa: BLE001 - racing the container's start or end: poll again
        return []


def _wait_for_running_exec(label: str, proc: subprocess.Popen, deadline: float) -> None:
    """Until the sandbox's container is running the ``sleep 60`` exec (or fail)."""
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        for container in _containers(label):
            assert container["Labels"].get("dsim") == "1"
            if container["State"] == "running" and any(
                "sleep 60" in " ".join(map(str, row)) for row in _processes(container["Id"])
            ):
                return
        time.sleep(0.2)
    pytest.fail("the sandbox's container never ran `sleep 60` within 20 s")


@pytest.mark.parametrize("mode", ["main-thread", "worker-thread"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_interrupt_leaves_no_container(base_image: str, mode: str, signum: int) -> None:
    label = uuid.uuid4().hex
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, mode, base_image, label],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_running_exec(label, proc, time.monotonic() + 20)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, (out, err)
        assert out.startswith(b"interrupted; removed"), (out, err)
        if mode == "worker-thread":  # nothing else could have removed it
            assert out.strip() == b"interrupted; removed 1", (out, err)
        left = [(c["Id"][:12], c["State"]) for c in _containers(label)]
        assert left == [], f"orphaned containers after {signal.Signals(signum).name}: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        for container in _containers(label):  # never leave our own garbage behind
            client().api.remove_container(container["Id"], force=True, v=True)
