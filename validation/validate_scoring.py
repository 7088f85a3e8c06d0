"""Validate the judgment score by simulation against a known truth (issue 17).

Simulated cohorts with known per-dimension skill (harness/scoring/simulate.py: three skill
distributions, 1–16 scenarios drawn from the real library's shapes) are scored by the real scoring
code. The script prints, as mean ± sd over seeds:

1. Coverage: how often each 80% interval (every dimension and the overall score) holds the truth.
   The stress distributions (cohorts far more alike, or far more spread, than the three the model
   was tuned on, and one whose dimensions each spread their own way) are printed apart, with their
   own range line.
2. Scale: what the archetypes read (perfect, accept as-is, revert everything, genuine partial fix)
   on one scenario and on four, and where accepting as-is falls in a simulated cohort.
3. Calls: of all the pairs `compare` calls with more than 90% probability (every cohort's calls
   pooled), how often the one called ahead is truly behind, against how often the calls claim to
   be wrong, with a 95% interval of the difference from a bootstrap over cohorts (calls within a
   cohort share candidates, so cohorts, not calls, are the independent units).
4. Ageing: the same evidence today, one and two years old.

    .venv/bin/python validation/validate_scoring.py [--quick] [--seeds N] [--candidates N]

docs/scoring.md quotes its output.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from harness.scoring import simulate as sim
from harness.scoring.model import posterior
from harness.scoring.profile import DIMENSIONS, load_profile

SIZES = (1, 2, 4, 8, 16)


def fmt(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.mean(values):.2f}±{statistics.stdev(values):.2f}"


def rasch_recovery(seeds: int) -> tuple[list[float], list[float]]:
    """The design of tests/harness/scoring/test_difficulty.py, over many seeds."""
    from harness.scoring.difficulty import fit, spearman

    adjusted, raw = [], []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        theta, b = rng.normal(0, 1, 200), rng.normal(0, 1, 12)
        order = np.argsort(b)
        shared = [int(order[5]), int(order[6])]
        easy, hard = [int(i) for i in order[:5]], [int(i) for i in order[7:]]
        rows = []
        for c in range(200):
            for i in (hard if c % 2 else easy) + shared:
                p = 1 / (1 + np.exp(-(theta[c] - b[i])))
                rows.append((f"c{c:03d}", f"i{i:02d}", int(rng.random() < p)))
        fitted = fit(rows)
        rates: dict[str, list[int]] = {}
        for person, _, x in rows:
            rates.setdefault(person, []).append(x)
        names = [f"c{c:03d}" for c in range(200)]
        adjusted.append(spearman(theta, [fitted.ability[n] for n in names]))
        raw.append(spearman(theta, [float(np.mean(rates[n])) for n in names]))
    return adjusted, raw


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="2 seeds x 150 candidates")
    p.add_argument("--seeds", type=int)
    p.add_argument("--candidates", type=int)
    args = p.parse_args()
    seeds = args.seeds or (2 if args.quick else 20)
    candidates = args.candidates or (150 if args.quick else 300)
    profile = replace(load_profile(), draws=1000)
    shapes = sim.library_shapes()
    began = time.perf_counter()
    print(
        f"== validate_scoring: {seeds} seeds x {candidates} candidates per cell, "
        f"{len(shapes)} scenario shapes, {profile.draws} draws, "
        f"{profile.interval:.0%} intervals"
    )

    print("\n1. Coverage of the 80% intervals (target 0.75-0.85), mean±sd over seeds")
    names = (*DIMENSIONS, "overall")
    print(f"{'skill distribution':26} {'n':>3}  " + "  ".join(f"{n:>9}" for n in names))
    ranges = {}
    stress = (*sim.STRESS_DISTRIBUTIONS, sim.MIXED)
    for group in (tuple(sim.DISTRIBUTIONS), stress):
        worst = [1.0, 0.0]
        for dist in group:
            for n in SIZES:
                per: dict[str, list[float]] = {k: [] for k in names}
                for seed in range(seeds):
                    c = sim.coverage(profile, shapes, dist, n, candidates, seed=1000 * seed + n)
                    for k in names:
                        per[k].append(c.covered[k])
                for k in names:
                    worst = [
                        min(worst[0], statistics.mean(per[k])),
                        max(worst[1], statistics.mean(per[k])),
                    ]
                cells = "  ".join(f"{fmt(per[k]):>9}" for k in names)
                print(f"{dist:26} {n:>3}  {cells}", flush=True)
        ranges[group is stress] = worst
        label = "stress distributions" if group is stress else "cell means"
        print(f"{label} range {worst[0]:.2f}-{worst[1]:.2f}")
    worst = ranges[False]

    print("\n2. Scale: point estimates (0-100) of archetypes, every library shape")
    rows: dict[str, list[float]] = {}
    for shape in shapes:
        for name, value in sim.archetypes(profile, shape).items():
            rows.setdefault(name, []).append(100 * value)
    for name, values in rows.items():
        print(f"  {name:45} {min(values):6.1f} - {max(values):6.1f}")
    at_or_below = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        for dist in sim.DISTRIBUTIONS:
            people = sim.cohort(rng, profile, shapes, dist, 4, candidates)
            scores = np.array([post.overall.mean for _, post in people])
            at_or_below.append(float(np.mean(scores <= 0.0)))
    print(
        f"  percentile of accept-as-is (score 0) in simulated cohorts on 4 scenarios: "
        f"{fmt([100 * x for x in at_or_below])} (bottom fifth: <= 20)"
    )

    print(
        "\n3. Confident calls (P(ahead) > 0.9) in compare, cohorts of 40, every cohort's calls "
        "pooled; 95% interval of actual - claimed from a bootstrap over cohorts"
    )
    for n in (1, 4, 16):
        every: list[sim.Calls] = []
        for dist in sim.DISTRIBUTIONS:
            calls = [
                sim.ahead_calls(profile, shapes, dist, n, 40, seed=seed) for seed in range(seeds)
            ]
            every += calls
            print(f"  {n:>2} scenario(s), {dist:24} {sim.pooled_calls(calls).line()}")
        print(
            f"  {n:>2} scenario(s), {'all three':24} {sim.pooled_calls(every).line()}", flush=True
        )

    print("\n4. Ageing: the same evidence (one partial-fix scenario) today, 1 and 2 years old")
    shape = shapes[0]
    runs = [
        sim.submission(
            shape,
            fixed=[True] + [False] * (len(shape.severities) - 1),
            named=1,
            kept=[True] * shape.keeps,
            safe=True,
            in_scope=True,
        )
    ]
    for years in (0, 1, 2):
        aged_runs = [replace(g, submitted_at=sim.NOW - timedelta(days=365 * years)) for g in runs]
        post = posterior(sim.evidence_of(aged_runs, profile), profile)
        o = post.overall
        print(
            f"  {years} year(s) old: {100 * o.mean:5.1f} (interval {100 * o.low:.1f}-"
            f"{100 * o.high:.1f})"
        )
    print(
        "\n5. Rasch recovery: 200 candidates, half on 5 easy items, half on 5 hard, 2 shared "
        "(Spearman with the true ability)"
    )
    adjusted, raw = rasch_recovery(seeds=max(seeds, 10) if not args.quick else 5)
    print(f"  difficulty-adjusted {fmt(adjusted)}, raw pass rate {fmt(raw)} over {len(raw)} seeds")
    print(
        f"\nRESULT validate_scoring: coverage cell means {worst[0]:.2f}-{worst[1]:.2f} "
        f"in {time.perf_counter() - began:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
