"""Measure other cohort priors against the one the score uses (issue 17, confident calls).

The score's cohort prior is a Beta per dimension whose weight (a + b) is fitted from the cohort by
a method of moments (harness/scoring/model.py, ``cohort_prior``). On one scenario, in cohorts of
40, its confident calls in compare are wrong more often than they claim. This script puts that
prior beside the alternatives measured so far, on the same simulated cohorts (same seeds):

- ``shipped``: the score's prior;
- ``true``: the Beta the skills were drawn from (what no real cohort knows; the reference);
- ``hierarchical``: the weight integrated over its posterior instead of fixed: beta-binomial
  likelihood of every candidate's trials and a (1 + w)^-2 hyperprior over a log grid of weights;
  draw k of every candidate uses the same weight, so comparisons integrate over one uncertain
  spread. Single-trial dimensions take the weight of the others' likelihood together;
- ``weight W`` (with ``--weights``): the shipped centres with a fixed weight W, to see which
  weights would meet both targets for a given truth;
- ``pooled spread``: one spread on the logit scale shared by every dimension (each keeps its
  own centre), integrated over its posterior with a half-Cauchy(0, 1) hyperprior;
- ``reference``: the hierarchical prior with a hyperprior saying skill spreads about 1.1 logits
  (sd) around the cohort's centre (×/÷ 1.3): what a reference prior fitted on a large real
  cohort would do, including when the cohort is not like the reference.

For each it prints, over all confident calls (P(ahead) > 0.9) of all seeds pooled, how often the
one called ahead is truly behind against how often the calls claim to be wrong, with a 95%
interval of the difference from a bootstrap over cohorts (calls within a cohort share
candidates); and how often the 80% intervals hold the truth (target 0.75-0.85). Last, how well
a cohort's own evidence can tell a spread of weight 4 from one of 12 at that size.

    .venv/bin/python validation/prior_alternatives.py [--seeds N] [--scenarios N]
        [--candidates N] [--priors NAMES] [--distributions PREFIXES] [--weights 4,6.5,12]

Cohorts of 40 on one scenario, 100 seeds, every prior: about 4-5 minutes on 2 cores.

docs/scoring.md quotes its output.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from harness.evidence.stats import log_beta
from harness.scoring import simulate as sim
from harness.scoring.model import (
    MIN_COHORT,
    DrawnPrior,
    Prior,
    cohort_prior,
    totals_of,
)
from harness.scoring.profile import DIMENSIONS, Profile, load_profile

GRID = np.geomspace(0.3, 1000.0, 96)
REFERENCE_LOGIT_SD = 1.1
REFERENCE_WIDTH = 0.25
"""The reference hyperprior: log(logit sd) ~ Normal(log 1.1, 0.25)."""


def trigamma(x: np.ndarray) -> np.ndarray:
    """ψ'(x) for x > 0 (recurrence past 6, then the asymptotic series)."""
    x = np.asarray(x, dtype=float).copy()
    acc = np.zeros_like(x)
    while (x < 6).any():
        small = x < 6
        acc += np.where(small, 1 / x**2, 0.0)
        x = np.where(small, x + 1, x)
    result: np.ndarray = acc + 1 / x + 1 / (2 * x**2) + 1 / (6 * x**3) - 1 / (30 * x**5)
    return result + 1 / (42 * x**7) - 1 / (30 * x**9)


def weight_log_likelihood(
    s: np.ndarray, n: np.ndarray, centre: float, grid: np.ndarray = GRID
) -> np.ndarray:
    """log P(every candidate's successes | Beta(centre·w, (1 − centre)·w)) for each grid w."""
    a, b = centre * grid[:, None], (1 - centre) * grid[:, None]
    result: np.ndarray = (log_beta(a + s, b + n - s) - log_beta(a, b)).sum(axis=1)
    return result


def dimensions_with_evidence(
    totals: list[dict[str, list[float]]],
) -> list[tuple[str, np.ndarray, np.ndarray, float, bool]]:
    """Per dimension the cohort prior can be fitted on (as ``cohort_prior`` decides): its name,
    everyone's successes and trials, the cohort's centre, and whether candidates have more than
    one trial each (a spread it can show)."""
    out = []
    for d in DIMENSIONS:
        rows = [(t[d][0], t[d][0] + t[d][1]) for t in totals if t[d][0] + t[d][1] >= 0.5]
        if len(rows) < MIN_COHORT:
            continue
        s, n = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
        m = float(s.sum() / n.sum())
        if 0 < m < 1:
            out.append((d, s, n, m, float(np.mean(1 / n)) <= 0.9))
    return out


def neutral(profile: Profile) -> DrawnPrior:
    size = profile.draws
    return {d: (np.full(size, profile.alpha), np.full(size, profile.beta)) for d in DIMENSIONS}


def integrated(reference: bool) -> sim.PriorFit:
    """A prior whose weight is drawn from its posterior, draw by draw, for the whole cohort."""

    def hyper(centre: float) -> np.ndarray:
        if reference:
            sd = np.sqrt(trigamma(centre * GRID) + trigamma((1 - centre) * GRID))
            gap = (np.log(sd) - np.log(REFERENCE_LOGIT_SD)) / REFERENCE_WIDTH
            out: np.ndarray = -0.5 * gap**2
            return out
        result: np.ndarray = np.log(GRID) - 2 * np.log1p(GRID)  # (1 + w)^-2 on a log grid
        return result

    def fit(totals: list[dict[str, list[float]]], profile: Profile) -> DrawnPrior:
        rng = np.random.default_rng(12345)
        out = neutral(profile)
        fitted = dimensions_with_evidence(totals)
        likelihoods = {d: weight_log_likelihood(s, n, m) for d, s, n, m, spread in fitted if spread}
        pooled = sum(likelihoods.values(), np.zeros(len(GRID)))
        for d, _, _, m, _ in fitted:
            log_post = hyper(m) + likelihoods.get(d, pooled)
            p = np.exp(log_post - log_post.max())
            weight = rng.choice(GRID, size=profile.draws, p=p / p.sum())
            out[d] = (m * weight, (1 - m) * weight)
        return out

    return fit


SIGMAS = np.geomspace(0.05, 6.0, 96)


def weight_at(centre: float, sigma: np.ndarray) -> np.ndarray:
    """The weight of the Beta centred at ``centre`` whose logit has standard deviation sigma."""
    sd = np.sqrt(trigamma(centre * GRID) + trigamma((1 - centre) * GRID))  # falls as w grows
    result: np.ndarray = np.exp(np.interp(sigma, sd[::-1], np.log(GRID[::-1])))
    return result


def pooled_spread(totals: list[dict[str, list[float]]], profile: Profile) -> DrawnPrior:
    """One spread on the logit scale for every dimension (each keeps its centre), integrated
    over its posterior with a half-Cauchy(0, 1) hyperprior."""
    rng = np.random.default_rng(12345)
    out = neutral(profile)
    fitted = dimensions_with_evidence(totals)
    log_post = np.log(SIGMAS) - np.log1p(SIGMAS**2)
    for _, s, n, m, spread in fitted:
        if spread:
            log_post = log_post + weight_log_likelihood(s, n, m, weight_at(m, SIGMAS))
    if fitted:
        p = np.exp(log_post - log_post.max())
        sigma = rng.choice(SIGMAS, size=profile.draws, p=p / p.sum())
        for d, _, _, m, _ in fitted:
            weight = weight_at(m, sigma)
            out[d] = (m * weight, (1 - m) * weight)
    return out


def fixed_weight(weight: float) -> sim.PriorFit:
    """The shipped prior's centres with one given weight on every dimension."""

    def fit(totals: list[dict[str, list[float]]], profile: Profile) -> Prior:
        prior = cohort_prior(totals, profile)
        return {d: (a / (a + b) * weight, b / (a + b) * weight) for d, (a, b) in prior.items()}

    return fit


def true_prior(distribution: str) -> sim.PriorFit:
    beta = sim.skill_distribution(distribution)

    def fit(totals: list[dict[str, list[float]]], profile: Profile) -> Prior:
        return beta

    return fit


def identification(
    profile: Profile, shapes: list[sim.Shape], candidates: int, scenarios: int, seeds: int
) -> dict[str, tuple[float, float]]:
    """How well a cohort's own evidence tells a spread of weight 4 (Beta(2,2)) from one of weight
    12 (Beta(6,6)): per truth, the share of cohorts whose beta-binomial likelihood (every
    dimension with more than one trial each, centres fitted) favours the wrong weight, and the
    median log likelihood ratio in favour of the right one."""
    weights = np.array([4.0, 12.0])
    out = {}
    for right, (name, (a, b)) in enumerate((("Beta(2,2)", (2.0, 2.0)), ("Beta(6,6)", (6.0, 6.0)))):
        wrong, ratios = 0, []
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            totals = []
            for _ in range(candidates):
                skill = {d: float(rng.beta(a, b)) for d in DIMENSIONS}
                taken = [shapes[i] for i in rng.integers(0, len(shapes), scenarios)]
                totals.append(totals_of(sim.evidence_of(sim.simulate(rng, skill, taken), profile)))
            ll = np.zeros(2)
            for d in DIMENSIONS:
                s = np.array([t[d][0] for t in totals])
                n = np.array([t[d][0] + t[d][1] for t in totals])
                if float(np.mean(1 / n)) <= 0.9:
                    ll += weight_log_likelihood(s, n, float(s.sum() / n.sum()), weights)
            wrong += int(np.argmax(ll)) != right
            ratios.append(float(ll[right] - ll[1 - right]))
        out[name] = (wrong / seeds, float(np.median(ratios)))
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=60)
    p.add_argument("--scenarios", type=int, default=1)
    p.add_argument("--candidates", type=int, default=40)
    p.add_argument("--priors", help="comma-separated names (default: all)")
    p.add_argument("--distributions", help="comma-separated name prefixes (default: all)")
    p.add_argument(
        "--weights", type=lambda v: [float(w) for w in v.split(",")], default=[],
        help="also fixed prior weights, e.g. 4,6.5,12 (the cohort's centres, this weight)",
    )  # fmt: skip
    args = p.parse_args()
    profile = replace(load_profile(), draws=1000)
    shapes = sim.library_shapes()
    began = time.perf_counter()
    print(
        f"== prior_alternatives: {args.seeds} cohorts of {args.candidates} per cell, "
        f"{args.scenarios} scenario(s) each, {profile.draws} draws"
    )
    print(
        f"{'skill distribution':24} {'prior':13} {'calls/cohort':>12} {'claimed':>8} "
        f"{'actual':>7} {'actual-claimed (95%)':>22}   coverage: "
        + " ".join(f"{d[:5]:>5}" for d in (*DIMENSIONS, "overall"))
    )
    wanted = args.distributions.split(",") if args.distributions else [""]
    for distribution in (*sim.DISTRIBUTIONS, *sim.STRESS_DISTRIBUTIONS, sim.MIXED):
        if not any(distribution.startswith(w) for w in wanted):
            continue
        fits: dict[str, sim.PriorFit] = {
            "shipped": cohort_prior,
            "true": true_prior(distribution),
            "hierarchical": integrated(reference=False),
            "reference": integrated(reference=True),
            "pooled spread": pooled_spread,
            **{f"weight {w:g}": fixed_weight(w) for w in args.weights},
        }
        chosen = args.priors.split(",") if args.priors else list(fits)
        for name, fit in ((n, fits[n]) for n in chosen):
            calls, covered = [], []
            for seed in range(args.seeds):
                calls.append(
                    sim.ahead_calls(
                        profile, shapes, distribution, args.scenarios, args.candidates, seed,
                        prior_of=fit,
                    )
                )  # fmt: skip
                cov = sim.coverage(
                    profile, shapes, distribution, args.scenarios, args.candidates, seed,
                    prior_of=fit,
                )  # fmt: skip
                covered.append(cov.covered)
            pooled = sim.pooled_calls(calls)
            per = {k: float(np.mean([c[k] for c in covered])) for k in covered[0]}
            print(
                f"{distribution:24} {name:13} {pooled.per_cohort:12.1f} {pooled.claimed:8.3f} "
                f"{pooled.actual:7.3f} {pooled.actual - pooled.claimed:+7.3f} "
                f"({pooled.low:+.3f}, {pooled.high:+.3f})   coverage: "
                + " ".join(f"{per[k]:5.2f}" for k in per),
                flush=True,
            )
    print(
        f"\nCan the cohort's own evidence tell its spread? Weight 4 against 12, "
        f"{args.seeds} cohorts of {args.candidates}, {args.scenarios} scenario(s) each:"
    )
    for truth, (wrong, ratio) in identification(
        profile, shapes, args.candidates, args.scenarios, args.seeds
    ).items():
        print(
            f"  truth {truth}: the likelihood favours the wrong weight in {wrong:.0%} of "
            f"cohorts; median log likelihood ratio for the right one {ratio:.2f}"
        )
    print(f"\nRESULT prior_alternatives: {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
