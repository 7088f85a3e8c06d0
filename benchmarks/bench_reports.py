"""Benchmark: score a cohort and render its comparison report.

Fills a throwaway SQLite store with synthetic Submission/Result rows shaped like real gradings
(items with titles, categories and tests; regression; hidden-test outcomes with messages; review
and scope sections), 200 candidates × 5 scenarios by default, then times

  1. score_all over the whole store, and
  2. compare() + build_comparison() + render_comparison() over every candidate,

five times each, and prints the medians with a description of the machine.

    python benchmarks/bench_reports.py            # 200 candidates × 5 scenarios
    python benchmarks/bench_reports.py --quick    # 40 candidates × 5 scenarios
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CATEGORIES = ("correctness", "security", "reliability", "performance", "test-quality")
MESSAGE = ("hidden/test_{s}.py:{n}: in test_flaw_{f}\n    assert total(rows) == expected\n"
           "E   AssertionError: assert Decimal('10.19') == Decimal('10.20')\n"
           "E    +  where Decimal('10.19') = total([...])")


def _result_data(rng: random.Random, skill: float, scenario: int) -> dict[str, Any]:
    items, tests = [], {}
    for f in range(3):
        test = f"hidden/test_s{scenario}.py::test_flaw_{f}"
        fixed = rng.random() < skill
        items.append({"id": f"flaw-{f}", "kind": "flaw", "title": f"Seeded flaw {f}",
                      "category": CATEGORIES[(scenario + f) % len(CATEGORIES)],
                      "severity": 1 + f % 3, "verdict": "fixed" if fixed else "not_fixed",
                      "tests": [test]})
        tests[test] = {"outcome": "passed" if fixed else "failed", "flaky": False,
                       "message": "" if fixed else MESSAGE.format(s=scenario, n=10 + f, f=f)}
    for k in range(2):
        test = f"hidden/test_s{scenario}.py::test_keep_{k}"
        kept = rng.random() < 0.5 + skill / 2
        items.append({"id": f"keep-{k}", "kind": "keep", "title": f"Good AI work {k}",
                      "verdict": "kept" if kept else "lost", "tests": [test]})
        tests[test] = {"outcome": "passed" if kept else "failed", "message": "", "flaky": False}
    passed = sum(rng.random() < 0.6 + skill / 3 for _ in range(12))
    recall = round(rng.random() * skill, 3)
    return {"status": "graded", "void": False, "items": items,
            "regression": {"total": 12, "passed": passed, "failed": [], "flaky": []},
            "integrity": [], "notes": [], "runs": 1,
            "sections": {"hidden-tests": {"status": "completed", "tests": tests},
                         "review": {"findings": 3, "named": {f"flaw-{f}": f < 2 for f in
                                                             range(3)},
                                    "recall": recall, "precision": recall, "matched": 2,
                                    "false_alarms": [], "notes": []},
                         "scope": {"in_scope": 2, "out_of_scope": rng.random() < 0.2,
                                   "files_touched": ["src/a.py", "src/b.py"],
                                   "outside_needed": [], "protected_attempts": 0}},
            "timings": {"pytest": 1.2, "total": 2.0}}


def fill(store: Any, candidates: int, scenarios: int, seed: int = 7) -> None:
    from harness.store import Result, Submission

    rng = random.Random(seed)
    now = datetime.now(UTC)
    rows: list[Any] = []
    for c in range(candidates):
        skill = rng.random()
        for s in range(scenarios):
            sub = Submission(id=f"sub-{c}-{s}", candidate=f"candidate-{c:03d}",
                             scenario_id=f"scenario-{s}", scenario_version="1.0.0",
                             scenario_ref=f"scenario-{s}", seed=c, diff="", review="",
                             content_hash=f"{c}-{s}", source="patch",
                             elapsed_seconds=rng.uniform(600, 3000), findings=[],
                             submitted_at=now - timedelta(days=rng.uniform(0, 120)))
            rows += [sub, Result(submission_id=sub.id, key=f"k-{c}-{s}", status="graded",
                                 backend="docker", isolated=True,
                                 data=_result_data(rng, skill, s))]
    store.add(*rows)


def median_seconds(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def machine() -> str:
    import numpy

    mem = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    cpu = platform.processor() or platform.machine()
    model = Path("/proc/cpuinfo")
    if model.exists():
        names = [line.split(":", 1)[1].strip() for line in model.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, numpy {numpy.__version__}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 candidates instead of 200")
    parser.add_argument("--candidates", type=int)
    parser.add_argument("--scenarios", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    candidates = args.candidates or (40 if args.quick else 200)

    from harness.comparison import compare
    from harness.comparison_report import build_comparison, render_comparison
    from harness.profile import load_profile
    from harness.scoring import score_all
    from harness.store import Store

    profile = load_profile()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        fill(store, candidates, args.scenarios)
        scoring, scores = median_seconds(lambda: score_all(store, profile), args.runs)
        names = sorted(scores)

        def report() -> str:
            result = compare(scores, names, profile)
            return render_comparison(build_comparison(scores, result, profile))

        rendering, html = median_seconds(report, args.runs)
        store.engine.dispose()
    print(f"machine: {machine()}")
    print(f"cohort: {candidates} candidates × {args.scenarios} scenarios "
          f"({candidates * args.scenarios} stored results); median of {args.runs} runs")
    print(f"{'score_all':<36}{scoring:8.3f} s")
    print(f"{'compare + comparison report render':<36}{rendering:8.3f} s "
          f"({len(html) / 1e6:.1f} MB of HTML)")
    print(f"{'total':<36}{scoring + rendering:8.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
