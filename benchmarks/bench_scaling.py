"""Grading throughput: submissions per minute at jobs 1, 2 and 4 on the same batch.

The batch is the one bench_grading.py uses (several built-in scenarios; reference fix, AI change as
is, partial sample), graded with :func:`harness.grading.pipeline.grade_batch` on the docker backend
(reruns=0, force=True). On a 2-core machine, jobs=2 should reach at least 1.7x the throughput of
jobs=1; the script says whether it does.

    /work/venv/bin/python benchmarks/bench_scaling.py [--quick] [--repeats N] [--submissions N]
"""

from __future__ import annotations

import sys
import tempfile
import time

import _common


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--submissions", type=int, help="batch size [40; quick: 4]")
    p.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument(
        "--warm",
        choices=["auto", "on", "off"],
        default="auto",
        help="containers made ahead, as `dsim grade --warm` [auto]",
    )
    args = p.parse_args()
    count = args.submissions or (4 if args.quick else 40)
    repeats = args.repeats or (1 if args.quick else 3)
    scenario_ids = _common.QUICK_SCENARIOS if args.quick else _common.SCENARIOS
    settings = {
        "submissions": count,
        "jobs": " ".join(map(str, args.jobs)),
        "repeats": repeats,
        "reruns": 0,
        "force": True,
        "scenarios": ",".join(scenario_ids),
        "warm": args.warm,
    }
    facts = _common.header("bench_scaling", settings)
    _common.ensure_images(scenario_ids)
    from harness.backends import get_backend
    from harness.grading.pipeline import grade_batch
    from harness.store import Store

    walls: dict[int, list[float]] = {j: [] for j in args.jobs}
    bad = 0
    with tempfile.TemporaryDirectory(prefix="dsim-bench-") as tmp:
        store = Store(f"sqlite:///{tmp}/dsim.db")
        ids = [x.submission_id for x in _common.make_batch(store, count, scenario_ids)]
        quiet = _common.wait_quiet(args.wait_quiet, args.quiet_busy)
        for rep in range(repeats):
            for jobs in args.jobs:  # interleaved, so drift in machine load hits every setting
                _common.reset_process_caches()
                started = time.perf_counter()
                graded = grade_batch(
                    store,
                    ids,
                    get_backend("docker"),
                    jobs=jobs,
                    reruns=0,
                    force=True,
                    **_common.warm_kwargs({"auto": None, "on": True, "off": False}[args.warm]),
                )
                walls[jobs].append(time.perf_counter() - started)
                bad += sum(g.status != "graded" for g in graded)
                print(
                    f"rep {rep + 1} jobs {jobs}: {walls[jobs][-1]:.2f}s "
                    f"({count / walls[jobs][-1] * 60:.0f}/min)",
                    flush=True,
                )
    rate = {j: count / _common.median(w) * 60 for j, w in walls.items()}
    for jobs in args.jobs:
        print(
            f"jobs {jobs}: walls {_common.fmt(walls[jobs])}, median "
            f"{_common.median(walls[jobs]):.2f}s, {rate[jobs]:.1f} submissions/min, "
            f"{rate[jobs] / rate[args.jobs[0]]:.2f}x jobs {args.jobs[0]}"
        )
    text = ", ".join(f"jobs {j} {rate[j]:.1f}/min" for j in args.jobs)
    if 1 in rate and 2 in rate:
        speedup = rate[2] / rate[1]
        verdict = "met" if speedup >= 1.7 else "NOT met"
        text += f"; jobs 2 = {speedup:.2f}x jobs 1 (target >= 1.7x on 2 cores: {verdict})"
    _common.result_line("bench_scaling", text, quick=args.quick)
    _common.write_json(
        args.json_path,
        {
            "benchmark": "bench_scaling",
            "machine": facts,
            "settings": settings,
            "walls": {str(k): v for k, v in walls.items()},
            "per_minute": {str(k): v for k, v in rate.items()},
            "not_graded": bad,
            "busy_before": quiet,
            "load_at_end": _common.end_load(),
        },
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
