"""Validate `dsim validity` by simulation against a known truth (issue 18).

Simulated cohorts of known predictive validity (the generator of
tests/harness/evidence/test_validity.py: a latent skill, ten simulation trials, eight later
delivery records whose skill follows the simulated one by a chosen coupling) go through the real
statistics (harness/evidence/validity.py). The population correlation of each coupling comes from
20,000 simulated candidates. The script prints, as mean ± sd over seeds:

1. Recovery: the Pearson estimate and how often its 95% bootstrap interval holds the population
   value, per coupling and cohort size.
2. The weight fit: with simulation trials and delivery records exchangeable (the score's own
   assumption) the fitted weight and how often its interval holds 1; with unrelated delivery,
   the fitted weight and how often the interval still holds 1 (it should not).

    .venv/bin/python validation/validate_validity.py [--seeds N]

docs/cohort-evidence.md quotes its output.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # gradedkit, which test_validity imports
sys.path.insert(0, str(ROOT / "tests" / "harness" / "evidence"))

from test_validity import _pairs, simulated  # noqa: E402

from harness.evidence.validity import correlations, fit_discount  # noqa: E402
from harness.scoring.profile import load_profile  # noqa: E402


def _ms(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f}±{statistics.stdev(values):.3f}"


def recovery(seeds: int) -> None:
    print("1. Recovery of a known validity (Pearson, 95% percentile bootstrap, 2000 resamples)")
    print(f"   {'coupling':>8} {'population r':>12} {'n':>5} {'estimate':>13} {'coverage':>9}")
    for coupling in (0.0, 0.5, 0.8):
        scores, outcomes = simulated(20_000, np.random.default_rng(2022), coupling)
        truth = float(np.corrcoef(scores, outcomes)[0, 1])
        for n in (30, 100, 200, 400):
            estimates, covered = [], 0
            for seed in range(seeds):
                r, _ = correlations(*simulated(n, np.random.default_rng(seed), coupling))
                assert r.value is not None and r.low is not None and r.high is not None
                estimates.append(r.value)
                covered += r.low <= truth <= r.high
            print(
                f"   {coupling:>8.1f} {truth:>12.3f} {n:>5} {_ms(estimates):>13} "
                f"{covered / seeds:>9.0%}"
            )


def weight(seeds: int) -> None:
    profile = load_profile()
    print("2. The simulation's weight (10 simulation trials, 6 later records per candidate)")
    print(f"   {'delivery':<12} {'n':>5} {'fitted':>13} {'interval holds 1.0':>19}")
    for label, same in (("exchangeable", True), ("unrelated", False)):
        for n in (50, 200):
            fitted, holds = [], 0
            for seed in range(seeds):
                best, low, high = fit_discount(
                    _pairs(n, np.random.default_rng(seed), same=same), profile
                )
                fitted.append(best)
                holds += low <= 1.0 <= high
            print(f"   {label:<12} {n:>5} {_ms(fitted):>13} {holds / seeds:>19.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", type=int, default=100, help="seeds per cell (default 100)")
    args = parser.parse_args()
    start = time.perf_counter()
    recovery(args.seeds)
    weight(args.seeds)
    print(f"({args.seeds} seeds per cell, {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
