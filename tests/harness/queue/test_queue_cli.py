"""``dsim grade --broker/--wait``, ``dsim worker`` and ``dsim queue`` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner
from queue_helpers import make_submissions, results

from harness.cli import cli
from harness.errors import ExitCode
from harness.store import Store


def _dsim(store: Store, home, *args: str, env: dict[str, str | None] | None = None):
    full: dict[str, str | None] = {
        "DSIM_HOME": str(home),
        "DSIM_DB": store.url,
        "DSIM_BROKER": None,
    }
    full.update(env or {})
    return CliRunner().invoke(cli, list(args), env=full, catch_exceptions=False)


def test_wait_without_a_broker_is_a_usage_error(store, tmp_path):
    done = _dsim(store, tmp_path, "grade", "--pending", "--wait")
    assert done.exit_code == ExitCode.USAGE and "--wait needs --broker" in done.output


def test_a_broker_url_of_another_kind_is_refused_before_anything_is_queued(store, demo, tmp_path):
    [sid] = make_submissions(store, demo, 1)
    done = _dsim(store, tmp_path, "grade", sid, "--broker", "http://queue:80")
    assert done.exit_code == ExitCode.INVALID_INPUT and "not a broker URL" in done.output
    queued = json.loads(_dsim(store, tmp_path, "queue", "--json").output)
    assert queued["queued"] == 0


def test_a_stale_after_shorter_than_two_heartbeats_is_refused(store, tmp_path):
    done = _dsim(store, tmp_path, "worker", "--heartbeat", "10", "--stale-after", "15")
    assert done.exit_code == ExitCode.USAGE and "--stale-after" in done.output


def test_an_embedded_worker_grades_what_was_queued_and_the_queue_says_so(store, demo, tmp_path):
    ids = make_submissions(store, demo, 3)
    from harness import queue

    queue.enqueue(store, ids)
    shown = _dsim(store, tmp_path, "queue")
    assert shown.exit_code == 0 and "queued 3" in shown.output
    worked = _dsim(
        store, tmp_path, "worker", "--backend", "local", "--jobs", "2", "--reruns", "0",
        "--poll", "0.1", "--idle-exit", "0.5",
    )  # fmt: skip
    assert worked.exit_code == 0, worked.output
    assert worked.output.count(" graded ") == 3
    seen = json.loads(_dsim(store, tmp_path, "queue", "--json").output)
    assert (seen["queued"], seen["running"], seen["done"], seen["failed"]) == (0, 0, 3, 0)
    [worker] = seen["workers"]
    assert worker["done"] == 3 and worker["worker"].endswith(f":{os.getpid()}")
    assert all(len(results(store, sid)) == 1 for sid in ids)


def test_grade_through_redis_waits_for_a_worker_and_shows_progress(
    store, demo, tmp_path, redis_url
):
    ids = make_submissions(store, demo, 3)
    worker = subprocess.Popen(
        [sys.executable, "-m", "harness", "--home", str(tmp_path / "w"), "--db", store.url,
         "worker", "--broker", redis_url, "--backend", "local", "--reruns", "0",
         "--idle-exit", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        done = _dsim(
            store,
            tmp_path,
            "grade",
            "--pending",
            "--wait",
            "--json",
            env={"DSIM_BROKER": redis_url},
        )
        assert done.exit_code == 0, done.output
        rows = json.loads(done.output)
        assert sorted(r["submission_id"] for r in rows) == sorted(ids)
        assert {r["status"] for r in rows} == {"graded"}
        again = _dsim(store, tmp_path, "grade", "--pending", "--broker", redis_url)
        assert "Nothing to grade." in again.output
    finally:
        _, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert all(len(results(store, sid)) == 1 for sid in ids)


def test_an_unreachable_broker_is_an_infra_error_that_hides_the_password(store, demo, tmp_path):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    [sid] = make_submissions(store, demo, 1)
    url = f"redis://:hunter2@127.0.0.1:{port}/0"
    done = _dsim(store, tmp_path, "grade", sid, "--broker", url)
    assert done.exit_code == ExitCode.INFRA and "cannot reach the broker" in done.output
    assert "hunter2" not in done.output and ":***@" in done.output
    assert json.loads(_dsim(store, tmp_path, "queue", "--json").output)["queued"] == 0
