"""The cohort report at scale: how long each analysis takes over 2,000 candidates and 10,000
graded submissions, and so what the server saves by keeping the report until the evidence
changes.

The store is the one benchmarks/bench_scoring.py builds (real result shapes of the built-in
scenarios, overrides, delivery records) plus a self-reported attribute for everyone. Per
repetition: load the cohort (score everyone and read every verdict), then item analysis,
reliability (with a cut), fairness, predictive validity and rendering the page; the median of the
repetitions is printed, with the share each step takes. No Docker needed.

    .venv/bin/python benchmarks/bench_cohort.py [--quick] [--candidates 2000] [--repeats 3]
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common
from bench_scoring import populate

from harness.evidence.cohort import load_cohort
from harness.evidence.fairness import fairness
from harness.evidence.items import analyse_items
from harness.evidence.reliability import reliability
from harness.evidence.summary import gather
from harness.evidence.validity import validity
from harness.reports.cohort import render_cohort_report
from harness.scoring.profile import load_profile
from harness.store import Store
from harness.store.groups import replace_memberships


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--candidates", type=int, help="[2000; quick: 100]")
    args = p.parse_args()
    candidates = args.candidates or (100 if args.quick else 2000)
    repeats = args.repeats or (1 if args.quick else 3)
    settings = {"candidates": candidates, "submissions_each": 5, "repeats": repeats}
    facts = _common.header("bench_cohort", settings, with_docker=False)
    profile = load_profile()
    steps: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        value = fn()
        steps.setdefault(name, []).append(time.perf_counter() - began)
        return value

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        counts = populate(store, candidates, 5)
        names = sorted({s.candidate for s in store.submissions()})
        sites = ("north", "south", "east")
        replace_memberships(store, [(n, "site", sites[i % 3]) for i, n in enumerate(names)])
        print(f"store: {counts}", flush=True)
        _common.wait_quiet(args.wait_quiet, args.quiet_busy)
        for _ in range(repeats):
            cohort = timed("load the cohort", lambda: load_cohort(store, profile))
            timed("item analysis", lambda c=cohort: analyse_items(c))
            timed("reliability (cut 50)", lambda c=cohort: reliability(c, cut=50.0))
            timed("fairness", lambda c=cohort: fairness(store, c))
            timed("predictive validity", lambda: validity(store, profile))
            evidence = gather(store, profile, cohort=cohort)
            timed("render the page", lambda e=evidence: render_cohort_report(e))
    medians = {name: statistics.median(values) for name, values in steps.items()}
    total = sum(medians.values())
    for name, values in steps.items():
        share = medians[name] / total if total else 0.0
        print(f"  {name:25} {_common.fmt(values)}  median {medians[name]:.2f} s ({share:.0%})")
    _common.result_line(
        "bench_cohort",
        f"{candidates} candidates: the whole cohort report in {total:.2f} s (median of "
        f"{repeats}), loading the cohort {medians['load the cohort']:.2f} s",
        quick=args.quick,
    )
    _common.write_json(args.json_path, {"machine": facts, "settings": settings, "steps": steps})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
