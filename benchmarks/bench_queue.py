"""Grading through the queue: submissions per minute in-process vs Redis + ``dsim worker``s.

The batch is the one bench_grading.py uses (several built-in scenarios; reference fix, AI change as
is, partial sample). Each repetition grades it four ways, interleaved so drift in machine load hits
all of them, at equal parallelism pairwise:

- ``inproc-1`` / ``inproc-2``: :func:`harness.grading.pipeline.grade_batch` with jobs 1 / 2 (what
  ``dsim grade`` does without a broker);
- ``queue-1w`` / ``queue-2w``: ``dsim grade --broker`` (library :func:`harness.queue.enqueue`,
  force) to one / two ``dsim worker --jobs 1`` processes started beforehand, through a throwaway
  ``redis-server`` on loopback; timed from the enqueue to the last job ended in the store.

The store is a throwaway PostgreSQL cluster when this runs as root with PostgreSQL 15 installed
(as a deployment would), else SQLite in a temp folder (``--sqlite`` forces it). reruns=0.
Reported: median wall and submissions/minute of each; the queue's overhead per submission
(extra wall per submission and in %, target under 10 % at equal parallelism); the machine's busy
CPU-seconds per submission (every process, dockerd and Redis included).

    /work/venv/bin/python benchmarks/bench_queue.py [--quick] [--repeats N] [--submissions N]
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _common

MODES = ("inproc-1", "queue-1w", "inproc-2", "queue-2w")
PAIRS = (("inproc-1", "queue-1w"), ("inproc-2", "queue-2w"))
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def _as_postgres(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *argv],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@contextmanager
def store_url(folder: Path, *, sqlite: bool) -> Iterator[str]:
    if sqlite or os.geteuid() != 0 or not (PG_BIN / "initdb").exists():
        yield f"sqlite:///{folder / 'dsim.db'}"
        return
    root = Path(tempfile.mkdtemp(prefix="dsim-bench-pg-"))
    shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    made = _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "dsim")
    assert made.returncode == 0, made.stderr
    started = _as_postgres(
        str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"),
        "-o", f"-k {root} -c listen_addresses=''", "start",
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    try:
        yield f"postgresql+psycopg://dsim@/postgres?host={root}"
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(root, ignore_errors=True)


def make_batch(store: Any, count: int, scenario_ids: tuple[str, ...]) -> list[str]:
    """:func:`_common.make_batch`'s batch, with seeds below 2**31: PostgreSQL's ``integer``
    seed column refuses about half of the default seeds (a store bug, reported)."""
    from harness.scenarios import materialize
    from harness.scenarios.scenario import resolve
    from harness.scenarios.variants import default_seed, draw
    from harness.workspace.submit import submit

    scenarios = [resolve(s) for s in scenario_ids]
    ids = []
    for i in range(count):
        scenario = scenarios[i % len(scenarios)]
        kind = _common.KINDS[(i // len(scenarios)) % len(_common.KINDS)]
        candidate = f"bench-{i:03d}"
        seed = default_seed(candidate, scenario.id) % 2**31
        values = draw(scenario, seed).values
        review = ""
        if kind == "reference":
            diff = materialize.reference_patch(scenario, values)
        elif kind == "partial" and "partial" in scenario.sample_names():
            diff, review = materialize.sample_patch(scenario, "partial", values)
        else:
            diff = ""
        row, _ = submit(
            store,
            scenario,
            candidate=candidate,
            diff=diff,
            review_text=review,
            source="patch",
            seed=seed,
        )
        ids.append(row.id)
    return ids


def start_workers(n: int, db: str, broker: str, home: Path) -> list[subprocess.Popen[str]]:
    """``n`` ``dsim worker --jobs 1`` processes, returned once each says it is grading. They
    make containers ahead as ``dsim grade --jobs n`` would (``--warm auto`` judges the
    machine by one worker's jobs, not by all of them)."""
    from harness.grading.pipeline import warm_by_default

    warm = "on" if warm_by_default(n) else "off"
    procs = []
    for i in range(n):
        log = (home / f"worker-{i}.log").open("w")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "harness",
                    "--home",
                    str(home),
                    "--db",
                    db,
                    "worker",
                    "--broker",
                    broker,
                    "--jobs",
                    "1",
                    "--reruns",
                    "0",
                    "--warm",
                    warm,
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                text=True,
            )
        )
        log.close()
    deadline = time.monotonic() + 60
    for i in range(n):
        path = home / f"worker-{i}.log"
        while "grading messages" not in path.read_text():
            if time.monotonic() > deadline:
                raise SystemExit(f"worker {i} did not start: {path.read_text()}")
            time.sleep(0.05)
    time.sleep(1.0)  # past the backend check and the broker connection: ready to consume
    return procs


def stop_workers(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        proc.wait(60)


def run_inproc(store: Any, ids: list[str], jobs: int) -> tuple[float, float, int]:
    from harness.backends import get_backend
    from harness.grading.pipeline import grade_batch

    _common.reset_process_caches()
    cpu = _common.busy_cpu_seconds()
    started = time.perf_counter()
    graded = grade_batch(store, ids, get_backend("docker"), jobs=jobs, reruns=0, force=True)
    wall = time.perf_counter() - started
    return wall, _common.busy_cpu_seconds() - cpu, sum(g.status != "graded" for g in graded)


def run_queue(
    store: Any, ids: list[str], workers: int, db: str, broker: str, home: Path
) -> tuple[float, float, int]:
    from sqlalchemy import func, select

    from harness.queue import enqueue
    from harness.store import Job

    procs = start_workers(workers, db, broker, home)
    try:
        cpu = _common.busy_cpu_seconds()
        started = time.perf_counter()
        job_ids = enqueue(store, ids, force=True, broker=broker)
        while True:
            with store.session() as s:
                ended = s.scalar(
                    select(func.count(Job.id)).where(
                        Job.id.in_(job_ids), Job.state.in_(("done", "infra_error"))
                    )
                )
            if ended == len(job_ids):
                break
            time.sleep(0.1)
        wall = time.perf_counter() - started
        cpu = _common.busy_cpu_seconds() - cpu
    finally:
        stop_workers(procs)
    with store.session() as s:
        failed = s.scalar(
            select(func.count(Job.id)).where(Job.id.in_(job_ids), Job.state != "done")
        )
    return wall, cpu, int(failed or 0)


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--submissions", type=int, help="batch size [40; quick: 4]")
    p.add_argument(
        "--sqlite", action="store_true", help="a SQLite store even when PostgreSQL is here"
    )
    args = p.parse_args()
    count = args.submissions or (4 if args.quick else 40)
    repeats = args.repeats or (1 if args.quick else 3)
    scenario_ids = _common.QUICK_SCENARIOS if args.quick else _common.SCENARIOS
    with tempfile.TemporaryDirectory(prefix="dsim-bench-") as tmp:
        folder = Path(tmp)
        with redis_server(folder) as broker, store_url(folder, sqlite=args.sqlite) as db:
            settings = {
                "submissions": count,
                "repeats": repeats,
                "reruns": 0,
                "force": True,
                "scenarios": ",".join(scenario_ids),
                "store": db.split(":", 1)[0],
                "broker": "redis (loopback)",
                "modes": " ".join(MODES),
            }
            facts = _common.header("bench_queue", settings)
            _common.ensure_images(scenario_ids)
            from harness.store import Store

            store = Store(db)
            ids = make_batch(store, count, scenario_ids)
            quiet = _common.wait_quiet(args.wait_quiet, args.quiet_busy)
            walls: dict[str, list[float]] = {m: [] for m in MODES}
            cpus: dict[str, list[float]] = {m: [] for m in MODES}
            bad = 0
            for rep in range(repeats):
                for mode in MODES:
                    if mode.startswith("inproc"):
                        wall, cpu, failed = run_inproc(store, ids, int(mode[-1]))
                    else:
                        wall, cpu, failed = run_queue(store, ids, int(mode[-2]), db, broker, folder)
                    walls[mode].append(wall)
                    cpus[mode].append(cpu)
                    bad += failed
                    print(
                        f"rep {rep + 1} {mode}: {wall:.2f}s ({count / wall * 60:.0f}/min, "
                        f"{cpu / count:.2f} CPU-s/submission)",
                        flush=True,
                    )
            store.close()
    rate = {m: count / _common.median(w) * 60 for m, w in walls.items()}
    cpu_each = {m: _common.median(c) / count for m, c in cpus.items()}
    for mode in MODES:
        print(
            f"{mode}: walls {_common.fmt(walls[mode])}, median {_common.median(walls[mode]):.2f}s, "
            f"{rate[mode]:.1f} submissions/min, {cpu_each[mode]:.3f} busy CPU-s/submission"
        )
    overhead = {}
    for base, queued in PAIRS:
        extra = (_common.median(walls[queued]) - _common.median(walls[base])) / count
        share = _common.median(walls[queued]) / _common.median(walls[base]) - 1
        overhead[queued] = {"seconds_per_submission": extra, "share": share}
        print(
            f"{queued} vs {base}: {extra * 1000:+.0f} ms wall per submission ({share:+.1%}), "
            f"CPU {(cpu_each[queued] - cpu_each[base]) * 1000:+.0f} ms per submission"
        )
    worst = max(o["share"] for o in overhead.values())
    verdict = "met" if worst < 0.10 else "NOT met"
    text = ", ".join(f"{m} {rate[m]:.1f}/min" for m in MODES)
    text += "; overhead " + ", ".join(
        f"{q} {o['share']:+.1%} ({o['seconds_per_submission'] * 1000:+.0f} ms/submission)"
        for q, o in overhead.items()
    )
    text += f" (target < 10% at equal parallelism: {verdict})"
    text += f"; CPU {cpu_each['inproc-2']:.2f} s/submission in-process"
    if bad:
        text += f"; {bad} NOT graded"
    _common.result_line("bench_queue", text, quick=args.quick)
    _common.write_json(
        args.json_path,
        {
            "benchmark": "bench_queue",
            "machine": facts,
            "settings": settings,
            "walls": walls,
            "busy_cpu_seconds": cpus,
            "per_minute": rate,
            "cpu_per_submission": cpu_each,
            "overhead": overhead,
            "not_graded": bad,
            "busy_before": quiet,
            "load_at_end": _common.end_load(),
        },
    )
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
