"""Scoring at cohort scale: ``dsim score``, ``dsim compare`` of 50 and the comparison report over
10,000 graded submissions.

2,000 candidates each submit 5 of the built-in scenarios (10,000 submissions). Every submission
gets a result row shaped like a real one: the scenario's items with their locked test ids, the
hidden-tests section with one entry per test and a few KB of pytest output, the review, scope and
test-strength sections, timings. Rows are inserted in bulk into a temporary SQLite store, a few
percent as infrastructure errors or unisolated, plus delivery records and overrides. Then, per
repetition: the library calls (:func:`harness.scoring.posterior.score_all` over everyone, for one
candidate, for 50 with :func:`harness.scoring.comparison.compare`, and the comparison report
rendered) and the three commands the target names, as a user runs them (subprocesses, Python
start-up included): ``dsim score NAME``, ``dsim compare NAMES…`` and ``dsim compare NAMES… --html
FILE``. Target: < 5 s each. No Docker needed. The subprocesses import ``harness`` as this process
does, so ``PYTHONPATH=/path/to/older/checkout`` measures older code with the same script.

    /work/venv/bin/python benchmarks/bench_scoring.py [--quick] [--repeats N]
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import _common

OUTPUT_LINE = (
    "hidden/test_module.py::test_case_with_a_descriptive_name PASSED                    [ 42%]\n"
)


def scenario_facts() -> list[dict[str, Any]]:
    """Per built-in scenario: id, version, items with their locked test ids, regression ids."""
    try:
        from harness.grading.context import expand
        from harness.grading.pipeline import read_lock
        from harness.scenarios.scenario import library
    except ImportError:  # dsim 0.1.0: one flat package
        from harness.scenario import library  # type: ignore[import-not-found,no-redef]

        from graders.hidden_tests import expand
        from harness.grading import read_lock  # type: ignore[attr-defined,no-redef]

    facts = []
    for scenario in library():
        lock = read_lock(scenario)
        tests = () if lock is None else lock["tests"] if isinstance(lock, dict) else lock.tests
        known = sorted(tests)
        m = scenario.manifest
        items = [
            {
                "id": f.id,
                "kind": "flaw",
                "title": f.title,
                "category": f.category.value,
                "severity": f.severity,
                "tests": expand(f.tests, known) or list(f.tests),
                "grader": f.grader,
            }
            for f in m.flaws
        ]
        items += [
            {
                "id": k.id,
                "kind": "keep",
                "title": k.title,
                "tests": expand(k.tests, known) or list(k.tests),
            }
            for k in m.keeps
        ]
        facts.append(
            {
                "id": scenario.id,
                "version": scenario.version,
                "ref": scenario.ref,
                "items": items,
                "regression": expand(m.regression.tests, known),
                "known": known,
                "flaws": [f.id for f in m.flaws],
            }
        )
    return facts


def synth_result(facts: dict[str, Any], skill: float, rng: random.Random) -> dict[str, Any]:
    """One result's data, as grading stores it, for a candidate of the given skill."""
    outcomes = {t: "passed" if rng.random() < 0.5 + skill / 2 else "failed" for t in facts["known"]}
    items = []
    for spec in facts["items"]:
        ok = all(outcomes.get(t) == "passed" for t in spec["tests"])
        item = {k: v for k, v in spec.items() if k != "grader"}
        if spec["kind"] == "flaw":
            item["verdict"] = "fixed" if ok else rng.choice(["not_fixed"] * 9 + ["removed"])
            if spec["grader"] == "test-strength":
                item["detail"] = {"mutants": {"mutants/m1.patch": ok}, "passes_on_reference": ok}
        else:
            item["verdict"] = "kept" if ok or rng.random() < 0.6 else "lost"
        items.append(item)
    if rng.random() < 0.01 and items:
        items[0]["verdict"] = "flaky"
    reg = facts["regression"]
    failed = sorted(t for t in reg if outcomes.get(t) != "passed" and rng.random() < 0.3)
    regression = {
        "total": len(reg),
        "passed": len(reg) - len(failed),
        "failed": failed,
        "flaky": [],
    }
    tests = {
        t: {
            "outcome": o,
            "message": "" if o == "passed" else "AssertionError: assert 1 == 2",
            "flaky": False,
        }
        for t, o in outcomes.items()
    }
    named = {f: rng.random() < skill for f in facts["flaws"]}
    findings = sum(named.values()) + rng.randint(0, 2)
    matched = sum(named.values())
    timings = {
        "create": 0.015,
        "copy_in": 0.05,
        "start": 0.19,
        "pytest": 0.32,
        "remove": 0.06,
        "parse": 0.001,
        "total": 0.65,
    }
    hidden = {
        "status": "completed",
        "void": False,
        "items": items,
        "regression": regression,
        "tests": tests,
        "findings": [],
        "runs": 1,
        "timings": timings,
        "output": OUTPUT_LINE * rng.randint(20, 60),
    }
    touched = rng.randint(1, 4)
    outside = rng.randint(0, 1)
    return {
        "status": "graded",
        "void": False,
        "items": items,
        "regression": regression,
        "integrity": [],
        "notes": [],
        "runs": 1,
        "timings": timings,
        "sections": {
            "hidden-tests": hidden,
            "test-strength": {"items": [i for i in items if "detail" in i], "findings": []},
            "review": {
                "findings": findings,
                "named": named,
                "recall": matched / len(named) if named else 0.0,
                "precision": matched / findings if findings else 0.0,
                "matched": matched,
                "false_alarms": [],
                "notes": [],
            },
            "scope": {
                "files_touched": [f"src/pkg/mod{i}.py" for i in range(touched)],
                "outside_needed": [],
                "lines_changed": rng.randint(4, 80),
                "reference_lines": 30,
                "protected_attempts": 0,
                "in_scope": touched - outside,
                "out_of_scope": outside,
            },
        },
    }


def populate(store: Any, candidates: int, per_candidate: int, seed: int = 7) -> dict[str, int]:
    """Bulk-insert submissions, results, overrides and delivery records; return row counts."""
    from sqlalchemy import insert

    from harness import store as store_module
    from harness.store import Override, Record, Result, Submission, new_id

    summarize = getattr(store_module, "result_summary", None)
    try:  # a dsim with typed results stores them in its current schema
        from harness.result import dump_result, load_result

        def current(data: dict[str, Any]) -> dict[str, Any]:
            return dump_result(load_result(data))
    except ImportError:  # an older checkout stores the untyped shape as it is

        def current(data: dict[str, Any]) -> dict[str, Any]:
            return data

    rng = random.Random(seed)
    facts = scenario_facts()
    now = datetime.now(UTC)
    diff = "--- a/src/pkg/mod.py\n+++ b/src/pkg/mod.py\n@@ -1,3 +1,3 @@\n-x = 1\n+x = 2\n" * 40
    review = "- src/pkg/mod.py:10-20 [correctness] The total is summed as a float.\n" * 4
    subs, results, overrides, records = [], [], [], []
    for c in range(candidates):
        name = f"candidate-{c:05d}"
        skill = rng.random()
        for facts_one in rng.sample(facts, per_candidate):
            sid = new_id()
            at = now - timedelta(days=rng.uniform(0, 180))
            subs.append(
                {
                    "id": sid,
                    "assignment_id": None,
                    "candidate": name,
                    "scenario_id": facts_one["id"],
                    "scenario_version": facts_one["version"],
                    "scenario_ref": facts_one["ref"],
                    "seed": rng.randrange(2**31),
                    "diff": diff,
                    "review": review,
                    "content_hash": f"{rng.getrandbits(256):064x}",
                    "source": "workspace",
                    "elapsed_seconds": rng.uniform(600, 3000),
                    "findings": [],
                    "submitted_at": at,
                }
            )
            roll = rng.random()
            if roll < 0.02:
                data: dict[str, Any] = {
                    "status": "infra_error",
                    "error": "engine down",
                    "items": [],
                    "integrity": [],
                }
            else:
                data = synth_result(facts_one, skill, rng)
            data = current(data)
            results.append(
                {
                    "id": new_id(),
                    "submission_id": sid,
                    "key": f"{rng.getrandbits(256):064x}",
                    "status": data["status"],
                    "backend": "docker" if roll < 0.99 else "local",
                    "isolated": roll < 0.99,
                    "data": data,
                    "graded_at": at + timedelta(minutes=5),
                    # as grading writes it; a dsim from before summaries has none
                    **({"summary": summarize(data)} if summarize else {}),
                }
            )
            if rng.random() < 0.02 and data.get("items"):
                overrides.append(
                    {
                        "id": new_id(),
                        "submission_id": sid,
                        "item": data["items"][0]["id"],
                        "verdict": "fixed",
                        "reason": "the hidden test is stricter than the ticket",
                        "by": "assessor",
                        "at": at + timedelta(days=1),
                    }
                )
        for _ in range(rng.choice([0, 0, 0, 1, 3])):
            records.append(
                {
                    "id": new_id(),
                    "engineer": name,
                    "date": now - timedelta(days=3),
                    "source": f"PR review #{len(records)}",  # one record per change
                    "dimension": None,
                    "outcome": rng.choice(["pass", "fail"]),
                    "weight": 1.0,
                    "note": "",
                }
            )
    with store.engine.begin() as conn:
        for table, rows in (
            (Submission, subs),
            (Result, results),
            (Override, overrides),
            (Record, records),
        ):
            for i in range(0, len(rows), 2000):
                conn.execute(insert(table.__table__), rows[i : i + 2000])
    return {
        "submissions": len(subs),
        "results": len(results),
        "overrides": len(overrides),
        "records": len(records),
        "result_json_kb": round(
            sum(len(json.dumps(r["data"])) for r in results[:200]) / min(200, len(results)) / 1024,
            1,
        ),
    }


def dsim_command() -> list[str]:
    """``dsim`` as a user runs it, importing ``harness`` the way this process does (so
    ``PYTHONPATH`` picks the code under test)."""
    return [sys.executable, "-c", "import sys; from harness.cli import main; sys.exit(main())"]


def timed_cli(args: list[str], cwd: str) -> float:
    """Wall time of one dsim command; run from ``cwd`` so ``python -c`` (which puts the working
    folder first on the path) cannot pick up a checkout it happens to be started in."""
    began = time.perf_counter()
    proc = subprocess.run(
        [*dsim_command(), *args], capture_output=True, text=True, check=False, cwd=cwd
    )
    wall = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(
            f"dsim {' '.join(args[:4])} … failed ({proc.returncode}):\n{proc.stderr[-2000:]}"
        )
    return wall


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--candidates", type=int, help="[2000; quick: 200]")
    p.add_argument("--per-candidate", type=int, default=5)
    p.add_argument("--compare", type=int, default=50, help="candidates compared")
    args = p.parse_args()
    candidates = args.candidates or (200 if args.quick else 2000)
    repeats = args.repeats or (1 if args.quick else 3)
    settings = {
        "candidates": candidates,
        "per_candidate": args.per_candidate,
        "submissions": candidates * args.per_candidate,
        "compare": args.compare,
        "repeats": repeats,
        "store": "SQLite (temporary file)",
    }
    facts = _common.header("bench_scoring", settings, with_docker=False)
    from harness.reports.comparison import build_comparison, render_comparison
    from harness.scoring.comparison import compare
    from harness.scoring.posterior import score_all
    from harness.scoring.profile import load_profile
    from harness.store import Store

    profile = load_profile()
    walls: dict[str, list[float]] = {name: [] for name in MEASURES}
    with tempfile.TemporaryDirectory(prefix="dsim-bench-") as tmp:
        url = f"sqlite:///{tmp}/dsim.db"
        store = Store(url)
        began = time.perf_counter()
        counts = populate(store, candidates, args.per_candidate)
        print(
            f"populated in {time.perf_counter() - began:.1f}s: "
            + ", ".join(f"{k}={v}" for k, v in counts.items()),
            flush=True,
        )
        names = [
            f"candidate-{i:05d}" for i in range(0, candidates, max(1, candidates // args.compare))
        ]
        names = names[: args.compare]
        one = names[len(names) // 2]
        quiet = _common.wait_quiet(args.wait_quiet, args.quiet_busy)
        for rep in range(repeats):
            began = time.perf_counter()
            everyone = score_all(store, profile)
            walls["score_all"].append(time.perf_counter() - began)
            del everyone
            began = time.perf_counter()
            score_all(store, profile, **named([one]))
            walls["score_one"].append(time.perf_counter() - began)
            began = time.perf_counter()
            scores = score_all(store, profile, **named(names))
            result = compare(scores, names, profile)
            walls["compare"].append(time.perf_counter() - began)
            began = time.perf_counter()
            html = render_comparison(build_comparison(scores, result, profile))
            walls["report"].append(time.perf_counter() - began + walls["compare"][-1])
            db = ["--db", url]
            walls["cli_score"].append(timed_cli([*db, "score", one], tmp))
            walls["cli_compare"].append(timed_cli([*db, "compare", *names], tmp))
            walls["cli_report"].append(
                timed_cli([*db, "compare", *names, "--html", f"{tmp}/comparison.html"], tmp)
            )
            print(
                f"rep {rep + 1}: "
                + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in walls.items())
                + f" ({len(html) / 1e6:.1f} MB of HTML)",
                flush=True,
            )
        store.close()
    medians = {k: _common.median(v) for k, v in walls.items()}
    for key, label in MEASURES.items():
        print(f"{label:<58} {_common.fmt(walls[key])}  median {medians[key]:.2f} s")
    targets = ("cli_score", "cli_compare", "cli_report")
    verdict = "met" if max(medians[k] for k in targets) < 5 else "NOT met"
    _common.result_line(
        "bench_scoring",
        (
            f"{counts['submissions']} submissions / {candidates} candidates: dsim score "
            f"{medians['cli_score']:.2f}s, dsim compare ({len(names)}) "
            f"{medians['cli_compare']:.2f}s, "
            f"comparison report {medians['cli_report']:.2f}s (target < 5 s each: {verdict}); "
            f"score_all over everyone {medians['score_all']:.2f}s"
        ),
        quick=args.quick,
    )
    _common.write_json(
        args.json_path,
        {
            "benchmark": "bench_scoring",
            "machine": facts,
            "settings": settings,
            "rows": counts,
            "walls": walls,
            "medians": medians,
            "busy_before": quiet,
            "load_at_end": _common.end_load(),
        },
    )
    return 0


MEASURES = {
    "score_all": "library: score_all, every candidate",
    "score_one": "library: score_all for one candidate (what dsim score does)",
    "compare": "library: score + compare, the compared candidates",
    "report": "library: score + compare + comparison report HTML",
    "cli_score": "CLI: dsim score NAME (subprocess)",
    "cli_compare": "CLI: dsim compare NAMES… (subprocess)",
    "cli_report": "CLI: dsim compare NAMES… --html FILE (subprocess)",
}


def named(names: list[str]) -> dict[str, Any]:
    """``candidates=names`` where score_all takes it (a dsim from before it did scores all)."""
    import inspect

    from harness.scoring.posterior import score_all

    return {"candidates": names} if "candidates" in inspect.signature(score_all).parameters else {}


if __name__ == "__main__":
    sys.exit(main())
