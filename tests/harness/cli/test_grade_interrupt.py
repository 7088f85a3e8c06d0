"""An interrupted `dsim grade` leaves no containers behind, and re-running it resumes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from harness.backends.docker import client

pytestmark = pytest.mark.docker


def dsim(home, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "harness", "--home", str(home), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        **kwargs,
    )


class _Ref:
    def __init__(self, cid: str) -> None:
        self.id = cid


def dsim_containers() -> list:
    # The low-level listing: containers.list() inspects each one and can 404 on a container
    # being removed at that moment.
    raw = client().api.containers(all=True, filters={"label": "dsim"})  # warm ones too
    return [_Ref(c["Id"]) for c in raw]


def test_sigterm_mid_batch_then_resume(tmp_path, base_image):
    home = tmp_path / "home"
    made = dsim(home, "scenario", "new", "demo-one", "--dir", str(tmp_path / "demo"))
    assert made.returncode == 0
    (tmp_path / "empty.diff").write_text("")
    for i in range(8):
        proc = dsim(
            home,
            "submit",
            "--scenario",
            str(tmp_path / "demo"),
            "--candidate",
            f"c{i}",
            "--patch",
            str(tmp_path / "empty.diff"),
        )
        assert proc.returncode == 0, proc.stderr
    before = {c.id for c in dsim_containers()}
    grader = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness",
            "--home",
            str(home),
            "grade",
            "--pending",
            "--jobs",
            "2",
            "--reruns",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not ({c.id for c in dsim_containers()} - before):
        time.sleep(0.05)
    assert {c.id for c in dsim_containers()} - before, "grading never started a container"
    grader.send_signal(signal.SIGTERM)
    _, err = grader.communicate(timeout=60)
    assert grader.returncode == 130, err
    assert "re-run to resume" in err
    assert not ({c.id for c in dsim_containers()} - before)
    rows = json.loads(dsim(home, "results", "--json").stdout)
    # Runs cut off by the interrupt are either ungraded or stored as infra_error (never scored);
    # both must be graded again, and nothing else.
    pending = [r for r in rows if r["status"] in ("pending", "infra_error")]
    assert pending, "the batch finished before it was interrupted; nothing to resume"
    resumed = dsim(home, "grade", "--pending", "--json", "--reruns", "0")
    assert resumed.returncode == 0, resumed.stderr
    assert len(json.loads(resumed.stdout)) == len(pending)
    rows = json.loads(dsim(home, "results", "--json").stdout)
    assert all(r["status"] == "graded" for r in rows)
