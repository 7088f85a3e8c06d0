"""Comparison report of a whole cohort: score it, compare everyone, render one HTML page.

Fills a throwaway SQLite store with synthetic Submission/Result rows shaped like real gradings
(items with titles, categories and tests; regression; hidden-test outcomes with messages; review
and scope sections), 200 candidates × 5 scenarios by default, then times

  1. score_all over the whole store, and
  2. compare() + build_comparison() + render_comparison() over every candidate,

five times each, and prints the medians with a description of the machine. (The 10,000-result
targets for ``dsim score``, ``dsim compare`` of 50 and their report are in bench_scoring.py.)

    /work/venv/bin/python benchmarks/bench_reports.py [--quick] [--repeats N]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import _common

CATEGORIES = ("correctness", "security", "reliability", "performance", "test-quality")
MESSAGE = (
    "hidden/test_{s}.py:{n}: in test_flaw_{f}\n    assert total(rows) == expected\n"
    "E   AssertionError: assert Decimal('10.19') == Decimal('10.20')\n"
    "E    +  where Decimal('10.19') = total([...])"
)


def _result_data(rng: random.Random, skill: float, scenario: int) -> dict[str, Any]:
    items, tests = [], {}
    for f in range(3):
        test = f"hidden/test_s{scenario}.py::test_flaw_{f}"
        fixed = rng.random() < skill
        items.append(
            {
                "id": f"flaw-{f}",
                "kind": "flaw",
                "title": f"Seeded flaw {f}",
                "category": CATEGORIES[(scenario + f) % len(CATEGORIES)],
                "severity": 1 + f % 3,
                "verdict": "fixed" if fixed else "not_fixed",
                "tests": [test],
            }
        )
        tests[test] = {
            "outcome": "passed" if fixed else "failed",
            "flaky": False,
            "message": "" if fixed else MESSAGE.format(s=scenario, n=10 + f, f=f),
        }
    for k in range(2):
        test = f"hidden/test_s{scenario}.py::test_keep_{k}"
        kept = rng.random() < 0.5 + skill / 2
        items.append(
            {
                "id": f"keep-{k}",
                "kind": "keep",
                "title": f"Good AI work {k}",
                "verdict": "kept" if kept else "lost",
                "tests": [test],
            }
        )
        tests[test] = {"outcome": "passed" if kept else "failed", "message": "", "flaky": False}
    passed = sum(rng.random() < 0.6 + skill / 3 for _ in range(12))
    recall = round(rng.random() * skill, 3)
    return {
        "status": "graded",
        "void": False,
        "items": items,
        "regression": {"total": 12, "passed": passed, "failed": [], "flaky": []},
        "integrity": [],
        "notes": [],
        "runs": 1,
        "sections": {
            "hidden-tests": {"status": "completed", "void": False, "tests": tests},
            "review": {
                "findings": 3,
                "named": {f"flaw-{f}": f < 2 for f in range(3)},
                "recall": recall,
                "precision": recall,
                "matched": 2,
                "false_alarms": [],
                "notes": [],
            },
            "scope": {
                "in_scope": 2,
                "out_of_scope": int(rng.random() < 0.2),
                "files_touched": ["src/a.py", "src/b.py"],
                "outside_needed": [],
                "protected_attempts": 0,
                "lines_changed": 12,
                "reference_lines": 10,
            },
        },
        "timings": {"pytest": 1.2, "total": 2.0},
    }


def _as_stored(data: dict[str, Any]) -> dict[str, Any]:
    """The data in the schema this checkout stores (typed results since schema 2)."""
    try:
        from harness.result import dump_result, load_result
    except ImportError:  # an older checkout stores the untyped shape as it is
        return data
    return dump_result(load_result(data))


def fill(store: Any, candidates: int, scenarios: int, seed: int = 7) -> None:
    from harness.store import Result, Submission

    rng = random.Random(seed)
    now = datetime.now(UTC)
    rows: list[Any] = []
    for c in range(candidates):
        skill = rng.random()
        for s in range(scenarios):
            sub = Submission(
                id=f"sub-{c}-{s}",
                candidate=f"candidate-{c:03d}",
                scenario_id=f"scenario-{s}",
                scenario_version="1.0.0",
                scenario_ref=f"scenario-{s}",
                seed=c,
                diff="",
                review="",
                content_hash=f"{c}-{s}",
                source="patch",
                elapsed_seconds=rng.uniform(600, 3000),
                findings=[],
                submitted_at=now - timedelta(days=rng.uniform(0, 120)),
            )
            rows += [
                sub,
                Result(
                    submission_id=sub.id,
                    key=f"k-{c}-{s}",
                    status="graded",
                    backend="docker",
                    isolated=True,
                    data=_as_stored(_result_data(rng, skill, s)),
                ),
            ]
    store.add(*rows)


def median_seconds(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return times, value


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--candidates", type=int, help="[200; quick: 40]")
    p.add_argument("--scenarios", type=int, default=5)
    args = p.parse_args()
    candidates = args.candidates or (40 if args.quick else 200)
    runs = args.repeats or (1 if args.quick else 5)
    settings = {
        "candidates": candidates,
        "scenarios": args.scenarios,
        "results": candidates * args.scenarios,
        "repeats": runs,
        "store": "SQLite (temporary file)",
    }
    facts = _common.header("bench_reports", settings, with_docker=False)

    from harness.reports.comparison import build_comparison, render_comparison
    from harness.scoring.comparison import compare
    from harness.scoring.posterior import score_all
    from harness.scoring.profile import load_profile
    from harness.store import Store

    profile = load_profile()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        fill(store, candidates, args.scenarios)
        quiet = _common.wait_quiet(args.wait_quiet, args.quiet_busy)
        scoring, scores = median_seconds(lambda: score_all(store, profile), runs)
        names = sorted(scores)

        def report() -> str:
            result = compare(scores, names, profile)
            return str(render_comparison(build_comparison(scores, result, profile)))

        rendering, html = median_seconds(report, runs)
        store.close()
    s, r = _common.median(scoring), _common.median(rendering)
    print(f"{'score_all':<36}{_common.fmt(scoring)}  median {s:.3f} s")
    print(
        f"{'compare + comparison report render':<36}{_common.fmt(rendering)}  median {r:.3f} s "
        f"({len(html) / 1e6:.1f} MB of HTML)"
    )
    _common.result_line(
        "bench_reports",
        f"{candidates} candidates x {args.scenarios} scenarios, "
        f"all in one comparison report: score {s:.2f}s + compare and render "
        f"{r:.2f}s = {s + r:.2f}s",
        quick=args.quick,
    )
    _common.write_json(
        args.json_path,
        {
            "benchmark": "bench_reports",
            "machine": facts,
            "settings": settings,
            "score_all": scoring,
            "compare_render": rendering,
            "busy_before": quiet,
            "load_at_end": _common.end_load(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
