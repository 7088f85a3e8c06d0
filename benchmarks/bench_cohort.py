"""The cohort report at scale: how long each analysis takes over 2,000 candidates and 10,000
graded submissions, and what the server saves by keeping the report until the evidence changes.

The store is the one benchmarks/bench_scoring.py builds (real result shapes of the built-in
scenarios, overrides, delivery records) plus a self-reported attribute for everyone. Per
repetition: load the cohort (score everyone and read every verdict), then item analysis,
reliability (with a cut), fairness, predictive validity and rendering the page; the median of the
repetitions is printed, with the share each step takes. No Docker needed.

    .venv/bin/python benchmarks/bench_cohort.py [--candidates 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

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
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--candidates", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    profile = load_profile()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        counts = populate(store, args.candidates, 5)
        names = sorted({s.candidate for s in store.submissions()})
        replace_memberships(
            store, [(n, "site", ("north", "south", "east")[i % 3]) for i, n in enumerate(names)]
        )
        print(f"store: {counts}")
        steps: dict[str, list[float]] = {}

        def timed(name: str, fn):  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            value = fn()
            steps.setdefault(name, []).append(time.perf_counter() - began)
            return value

        for _ in range(args.repeats):
            cohort = timed(
                "load cohort (score everyone, read verdicts)", lambda: load_cohort(store, profile)
            )
            timed("item analysis", lambda c=cohort: analyse_items(c))
            timed("reliability (cut 50)", lambda c=cohort: reliability(c, cut=50.0))
            timed("fairness", lambda c=cohort: fairness(store, c))
            timed("predictive validity", lambda: validity(store, profile))
            evidence = gather(store, profile, cohort=cohort)
            timed("render the page", lambda e=evidence: render_cohort_report(e))
        total = sum(statistics.median(v) for v in steps.values())
        print(f"{args.candidates} candidates, median of {args.repeats} runs:")
        for name, values in steps.items():
            m = statistics.median(values)
            print(f"  {name:45} {m:6.2f} s  ({m / total:4.0%})")
        print(f"  {'whole report':45} {total:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
