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
(extra wall per submission and in %, target under 10 % at equal parallelism); CPU-seconds per
submission three ways (:class:`Meter`): dsim's processes and Redis, the engine (containers,
dockerd, containerd), and the whole machine (other people's work included).

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
def redis_server(folder: Path) -> Iterator[tuple[str, int]]:
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
        yield f"redis://127.0.0.1:{port}/0", proc.pid
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


def _proc_cpu(pid: int) -> float:
    """CPU-seconds (user + system, every thread) process ``pid`` has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _engine_pids() -> list[int]:
    found = []
    for name in ("dockerd", "containerd"):
        proc = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True, check=False)
        found += [int(x) for x in proc.stdout.split()]
    return found


DOCKER_CGROUP = Path("/sys/fs/cgroup/cpuacct/docker/cpuacct.usage")


class Meter:
    """CPU over a measured window, split three ways: ``dsim`` (this process, the workers and
    Redis: what the queue adds to), ``engine`` (every container, dockerd, containerd: the same
    in every mode), and ``machine`` (everything busy, other people's work included)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.engine = _engine_pids()
        self.start = self._read()

    def _read(self) -> tuple[float, float, float]:
        own = os.times()
        dsim = own.user + own.system + sum(_proc_cpu(p) for p in self.pids)
        containers = int(DOCKER_CGROUP.read_text()) / 1e9 if DOCKER_CGROUP.exists() else 0.0
        engine = containers + sum(_proc_cpu(p) for p in self.engine)
        return dsim, engine, _common.busy_cpu_seconds()

    def stop(self) -> dict[str, float]:
        end = self._read()
        return {
            k: b - a for k, a, b in zip(("dsim", "engine", "machine"), self.start, end, strict=True)
        }


def run_inproc(
    store: Any, ids: list[str], jobs: int, redis_pid: int
) -> tuple[float, dict[str, float], int]:
    from harness.backends import get_backend
    from harness.grading.pipeline import grade_batch

    _common.reset_process_caches()
    meter = Meter([redis_pid])
    started = time.perf_counter()
    graded = grade_batch(store, ids, get_backend("docker"), jobs=jobs, reruns=0, force=True)
    wall = time.perf_counter() - started
    return wall, meter.stop(), sum(g.status != "graded" for g in graded)


def run_queue(
    store: Any, ids: list[str], workers: int, db: str, broker: str, home: Path, redis_pid: int
) -> tuple[float, dict[str, float], int]:
    from sqlalchemy import func, select

    from harness.queue import enqueue
    from harness.store import Job

    procs = start_workers(workers, db, broker, home)
    try:
        meter = Meter([redis_pid, *(p.pid for p in procs)])
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
        cpu = meter.stop()
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
        with (
            redis_server(folder) as (broker, redis_pid),
            store_url(folder, sqlite=args.sqlite) as db,
        ):
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
            cpus: dict[str, list[dict[str, float]]] = {m: [] for m in MODES}
            bad = 0
            for rep in range(repeats):
                for mode in MODES:  # interleaved, so drift in machine load hits every mode
                    if mode.startswith("inproc"):
                        wall, cpu, failed = run_inproc(store, ids, int(mode[-1]), redis_pid)
                    else:
                        wall, cpu, failed = run_queue(
                            store, ids, int(mode[-2]), db, broker, folder, redis_pid
                        )
                    walls[mode].append(wall)
                    cpus[mode].append(cpu)
                    bad += failed
                    print(
                        f"rep {rep + 1} {mode}: {wall:.2f}s ({count / wall * 60:.0f}/min); "
                        f"CPU-s/submission dsim {cpu['dsim'] / count:.3f}, engine "
                        f"{cpu['engine'] / count:.3f}, machine {cpu['machine'] / count:.3f}",
                        flush=True,
                    )
            store.close()
    rate = {m: count / _common.median(w) * 60 for m, w in walls.items()}
    each = {
        m: {k: _common.median([c[k] for c in cs]) / count for k in ("dsim", "engine", "machine")}
        for m, cs in cpus.items()
    }
    for mode in MODES:
        print(
            f"{mode}: walls {_common.fmt(walls[mode])}, median {_common.median(walls[mode]):.2f}s, "
            f"{rate[mode]:.1f} submissions/min; CPU-s/submission dsim {each[mode]['dsim']:.3f}, "
            f"engine {each[mode]['engine']:.3f}, machine {each[mode]['machine']:.3f}"
        )
    overhead = {}
    for base, queued in PAIRS:
        extra = (_common.median(walls[queued]) - _common.median(walls[base])) / count
        share = _common.median(walls[queued]) / _common.median(walls[base]) - 1
        dsim_cpu = each[queued]["dsim"] - each[base]["dsim"]
        overhead[queued] = {"seconds_per_submission": extra, "share": share, "dsim_cpu": dsim_cpu}
        print(
            f"{queued} vs {base}: {extra * 1000:+.0f} ms wall per submission ({share:+.1%}), "
            f"dsim CPU {dsim_cpu * 1000:+.0f} ms per submission"
        )
    worst = max(o["share"] for o in overhead.values())
    verdict = "met" if worst < 0.10 else "NOT met"
    text = ", ".join(f"{m} {rate[m]:.1f}/min" for m in MODES)
    text += "; overhead " + ", ".join(
        f"{q} {o['share']:+.1%} ({o['seconds_per_submission'] * 1000:+.0f} ms wall, "
        f"{o['dsim_cpu'] * 1000:+.0f} ms dsim CPU per submission)"
        for q, o in overhead.items()
    )
    text += f" (target < 10% at equal parallelism: {verdict})"
    base = each["inproc-2"]
    text += f"; CPU per submission in-process {base['dsim'] + base['engine']:.2f} s"
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
            "cpu_seconds": cpus,
            "per_minute": rate,
            "cpu_per_submission": each,
            "overhead": overhead,
            "not_graded": bad,
            "busy_before": quiet,
            "load_at_end": _common.end_load(),
        },
    )
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
