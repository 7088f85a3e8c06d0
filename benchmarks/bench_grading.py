"""Grading overhead: ``dsim grade --jobs 2`` against the floor of plain pytest on the host.

A batch of submissions over several built-in scenarios (the reference fix, the AI change as is, the
shipped ``partial`` sample) is stored in a temporary store and graded with
:func:`harness.grading.pipeline.grade_batch` on the docker backend (reruns=0, force=True): every
submission in its own fresh hardened container. The floor runs the same hidden suites on the same
graded trees (``hidden/`` copied in) with ``python -m pytest`` in this venv, two at a time from a
process pool. Reported: median wall of each, their ratio (target <= 2.0x, stretch 1.5x) and where
dsim's time goes, summed over submissions. dsim runs twice per repetition, interleaved with the
floor: ``fresh`` (each run's container created when the run asks, the runner its only process: what
``dsim grade --jobs 2`` does on 2 CPUs) and ``warm`` (long-lived containers created and started
ahead by :meth:`harness.backends.base.Backend.warmed`, the runner exec'd into them: ``--warm on``),
so each is measured against the other in the same process. The target is judged on what ``dsim
grade`` does by default on this machine.

    /work/venv/bin/python benchmarks/bench_grading.py [--quick] [--repeats N] [--submissions N]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import _common

MODES = ("fresh", "warm")
PHASES = (
    "image",
    "render",
    "apply",
    "create",
    "copy_in",
    "start",
    "pytest",
    "parse",
    "remove",
    "store",
)


def floor_run(job: tuple[str, list[str]]) -> int:
    """Plain pytest on one graded tree: what running the hidden suites costs with no isolation."""
    directory, selectors = job
    env = {
        **os.environ,
        "PYTHONPATH": f"{directory}{os.pathsep}{directory}/src",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            directory,
            "--import-mode=importlib",
            *selectors,
        ],
        cwd=directory,
        env=env,
        capture_output=True,
        check=False,
    )
    return proc.returncode


def _selectors(ctx: Any) -> list[str]:
    """What grading hands pytest (the method on the context; a module function in older
    checkouts)."""
    if hasattr(ctx, "selectors_to_run"):
        return list(ctx.selectors_to_run())
    from graders.hidden_tests import run_selectors  # dsim 0.1.0

    return list(run_selectors(ctx))


def prepare_floor(
    store: Any, planned: list[_common.Planned], root: Path
) -> list[tuple[str, list[str]]]:
    """Write each submission's graded tree with hidden/ beside it; return (folder, selectors)."""
    from harness.backends import get_backend
    from harness.grading.pipeline import build_context
    from harness.scenarios.scenario import resolve

    local = get_backend("local")
    jobs = []
    for i, p in enumerate(planned):
        ctx, _ = build_context(resolve(p.scenario), store.submission(p.submission_id), local)
        folder = root / f"s{i:03d}"
        files = {**ctx.graded, **{f"hidden/{k}": v for k, v in ctx.hidden.items()}}
        for rel, data in files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        jobs.append((str(folder), _selectors(ctx)))
    return jobs


class PhaseClock:
    """Sums, over a batch, the phases grading records plus the ones it does not (image lookup,
    scenario rendering, submission patch apply, store write), measured by wrapping functions."""

    def __init__(self) -> None:
        self.sums: dict[str, float] = defaultdict(float)
        self.lock = threading.Lock()
        self.local = threading.local()
        self._undo: list[tuple[Any, str, Any]] = []

    def add(self, phase: str, seconds: float) -> None:
        with self.lock:
            self.sums[phase] += seconds

    def wrap(self, owner: Any, attr: str, phase: str, *, outer: bool = False) -> None:
        real = getattr(owner, attr)
        clock = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            if getattr(clock.local, "inside", False) and not outer:
                return real(*args, **kwargs)  # already counted by an enclosing phase
            started = time.perf_counter()
            previous = getattr(clock.local, "inside", False)
            clock.local.inside = previous or outer
            try:
                return real(*args, **kwargs)
            finally:
                clock.local.inside = previous
                clock.add(phase, time.perf_counter() - started)

        self._undo.append((owner, attr, real))
        setattr(owner, attr, timed)

    def install(self, store: Any) -> None:
        from harness.grading import pipeline as grading
        from harness.scenarios import materialize, patches

        self.wrap(grading, "image_for", "image")
        for name in ("start_tree", "reference_tree", "hidden_tree"):
            self.wrap(materialize, name, "render", outer=True)
        self.wrap(patches, "apply", "apply")
        for name in ("add", "add_results"):
            if hasattr(store, name):
                self.wrap(store, name, "store")

    def uninstall(self) -> None:
        for owner, attr, real in reversed(self._undo):
            setattr(owner, attr, real)
        self._undo.clear()


def run_dsim(
    store: Any, ids: list[str], jobs: int, *, warm: bool
) -> tuple[float, list[Any], dict[str, float]]:
    from harness.backends import get_backend
    from harness.grading.pipeline import grade_batch

    _common.reset_process_caches()
    clock = PhaseClock()
    clock.install(store)
    backend = get_backend("docker")
    try:
        cpu = _common.busy_cpu_seconds()
        started = time.perf_counter()
        # The outer block owns the pool grade_batch would make, so its counters can be read.
        with backend.warmed(spares=jobs) if warm else nullcontext({}) as pool:
            graded = grade_batch(
                store, ids, backend, jobs=jobs, reruns=0, force=True, **_common.warm_kwargs(warm)
            )
        wall = time.perf_counter() - started
        cpu = _common.busy_cpu_seconds() - cpu
    finally:
        clock.uninstall()
    phases = dict(clock.sums)
    phases["machine_cpu"] = cpu
    phases.update({f"pool_{k}": float(v) for k, v in pool.items()})
    for sid in ids:
        result = store.latest_result(sid)
        for key, value in (result.data.get("timings") or {}).items():
            if key in ("create", "copy_in", "start", "pytest", "parse", "remove"):
                phases[key] = phases.get(key, 0.0) + float(value)
    return wall, graded, phases


def run_floor(
    pool: ProcessPoolExecutor, jobs: list[tuple[str, list[str]]]
) -> tuple[float, list[int], float]:
    cpu = _common.busy_cpu_seconds()
    started = time.perf_counter()
    codes = list(pool.map(floor_run, jobs))
    return time.perf_counter() - started, codes, _common.busy_cpu_seconds() - cpu


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--submissions", type=int, help="batch size [40; quick: 6]")
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    count = args.submissions or (6 if args.quick else 40)
    repeats = args.repeats or (1 if args.quick else 3)
    scenario_ids = _common.QUICK_SCENARIOS if args.quick else _common.SCENARIOS
    settings = {
        "submissions": count,
        "jobs": args.jobs,
        "repeats": repeats,
        "reruns": 0,
        "force": True,
        "scenarios": ",".join(scenario_ids),
        "floor": "python -m pytest -q -p no:cacheprovider --import-mode=importlib, "
        f"{args.jobs} at a time (process pool)",
    }
    facts = _common.header("bench_grading", settings)
    _common.ensure_images(scenario_ids)
    from harness.store import Store

    with tempfile.TemporaryDirectory(prefix="dsim-bench-") as tmp:
        store = Store(f"sqlite:///{tmp}/dsim.db")
        planned = _common.make_batch(store, count, scenario_ids)
        kinds: dict[str, int] = defaultdict(int)
        for item in planned:
            kinds[item.kind] += 1
        print("batch: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())), flush=True)
        floor_jobs = prepare_floor(store, planned, Path(tmp) / "floor")
        ids = [x.submission_id for x in planned]
        quiet = _common.wait_quiet(args.wait_quiet, args.quiet_busy)
        modes = MODES if _common.supports_warm() else ("fresh",)
        walls: dict[str, list[float]] = {mode: [] for mode in modes}
        floor_walls: list[float] = []
        floor_cpu: list[float] = []
        phase_runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
        statuses: dict[str, int] = defaultdict(int)
        floor_codes: set[int] = set()
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            list(pool.map(abs, range(args.jobs)))  # start the workers before timing
            for rep in range(repeats):
                wall, codes, cpu = run_floor(pool, floor_jobs)
                floor_walls.append(wall)
                floor_cpu.append(cpu)
                floor_codes.update(codes)
                order = modes if rep % 2 == 0 else modes[::-1]  # drift hits both modes
                for mode in order:
                    wall, graded, phases = run_dsim(store, ids, args.jobs, warm=mode == "warm")
                    walls[mode].append(wall)
                    phase_runs[mode].append(phases)
                    for g in graded:
                        statuses[g.status] += 1
                print(
                    f"rep {rep + 1}: floor {floor_walls[-1]:.2f}s, "
                    + ", ".join(
                        f"dsim {mode} {walls[mode][-1]:.2f}s "
                        f"({walls[mode][-1] / floor_walls[-1]:.2f}x)"
                        for mode in modes
                    ),
                    flush=True,
                )
    floor = _common.median(floor_walls)
    floor_cpu_s = _common.median(floor_cpu)
    dsim = {mode: _common.median(w) for mode, w in walls.items()}
    ratio = {mode: dsim[mode] / floor for mode in modes}
    cores = os.cpu_count() or 1
    print(
        f"floor walls {_common.fmt(floor_walls)}; floor pytest exit codes: "
        f"{sorted(floor_codes)} (0/1 = tests ran)"
    )
    print(f"statuses over all repetitions: {dict(statuses)}")
    report: dict[str, Any] = {}
    for mode in modes:
        runs = phase_runs[mode]
        phases = {k: _common.median([r.get(k, 0.0) for r in runs]) for k in PHASES}
        summed = sum(phases.values())
        dsim_cpu = _common.median([r["machine_cpu"] for r in runs])
        print(
            f"-- dsim {mode}: walls {_common.fmt(walls[mode])}, median {dsim[mode]:.2f}s, "
            f"{ratio[mode]:.2f}x the floor"
        )
        if mode == "warm":
            pool_stats = {
                k: _common.median([r.get(f"pool_{k}", 0.0) for r in runs])
                for k in ("hits", "misses", "unused", "failed")
            }
            print(
                "   warm pool (median per batch): "
                + ", ".join(f"{k} {v:.0f}" for k, v in pool_stats.items())
                + " (a hit's create and start happened before the run asked: not in its phases)"
            )
        print(
            f"   machine CPU per submission (every process, kernel and engine included): "
            f"dsim {dsim_cpu / count * 1000:.0f} ms, floor {floor_cpu_s / count * 1000:.0f} ms; "
            f"CPUs busy during dsim {dsim_cpu / dsim[mode] / cores:.0%}, during the floor "
            f"{floor_cpu_s / floor / cores:.0%}"
        )
        print(f"   per-phase split (median over repetitions of the sum over {count} submissions):")
        for name in PHASES:
            print(
                f"     {name:<8} {phases[name]:8.3f} s  {phases[name] / count * 1000:7.1f} "
                f"ms/sub  {phases[name] / summed:6.1%}"
            )
        report[mode] = {
            "walls": walls[mode],
            "median": dsim[mode],
            "ratio": ratio[mode],
            "phases": phases,
            "machine_cpu_per_submission": dsim_cpu / count,
            "runs": runs,
        }
    default, other = "fresh", ""
    if len(modes) > 1:
        from harness.grading.pipeline import warm_by_default

        default, other = ("warm", "fresh") if warm_by_default(args.jobs) else ("fresh", "warm")
    met = "met" if ratio[default] <= 2.0 else "NOT met"
    stretch = "met" if ratio[default] <= 1.5 else "not met"
    _common.result_line(
        "bench_grading",
        (
            f"dsim {dsim[default]:.2f}s floor {floor:.2f}s ratio {ratio[default]:.2f}x over "
            f"{count} submissions, jobs {args.jobs}, {default} as dsim grade does here "
            f"(target <= 2.0x: {met}; stretch 1.5x: {stretch})"
            + (f"; {other}: {dsim[other]:.2f}s, {ratio[other]:.2f}x" if other else "")
        ),
        quick=args.quick,
    )
    _common.write_json(
        args.json_path,
        {
            "benchmark": "bench_grading",
            "machine": facts,
            "settings": settings,
            "floor_walls": floor_walls,
            "floor": floor,
            "dsim": report,
            "statuses": dict(statuses),
            "floor_machine_cpu_per_submission": floor_cpu_s / count,
            "busy_before": quiet,
            "load_at_end": _common.end_load(),
        },
    )
    bad = set(statuses) - {"graded"}
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
