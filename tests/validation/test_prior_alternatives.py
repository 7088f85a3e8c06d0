"""validation/prior_alternatives.py: its arithmetic, and one tiny run end to end. The script's
numbers are what docs/scoring.md quotes for the cohort priors that were measured and not taken."""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from harness.scoring import simulate as sim
from harness.scoring.model import totals_of
from harness.scoring.profile import DIMENSIONS, load_profile

SCRIPT = Path(__file__).resolve().parents[2] / "validation" / "prior_alternatives.py"
PROFILE = replace(load_profile(), draws=1000)


def _load():
    spec = importlib.util.spec_from_file_location("prior_alternatives", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


alt = _load()


def test_trigamma_is_the_second_derivative_of_log_gamma():
    h = 1e-4
    for x in (0.2, 0.9, 2.5, 6.0, 40.0):
        numeric = (math.lgamma(x + h) - 2 * math.lgamma(x) + math.lgamma(x - h)) / h**2
        assert alt.trigamma(np.array([x]))[0] == pytest.approx(numeric, rel=1e-4)
    assert alt.trigamma(np.array([1.0]))[0] == pytest.approx(math.pi**2 / 6, rel=1e-9)


@pytest.mark.parametrize(("a", "b"), [(2.0, 2.0), (5.0, 1.5), (6.0, 6.0), (1.0, 1.0)])
def test_weight_at_inverts_the_logit_spread(a, b):
    centre = a / (a + b)
    sd = math.sqrt(alt.trigamma(np.array([a]))[0] + alt.trigamma(np.array([b]))[0])
    assert alt.weight_at(centre, np.array([sd]))[0] == pytest.approx(a + b, rel=0.02)


def _cohort(a, b, candidates, scenarios, seed):
    rng = np.random.default_rng(seed)
    shapes = [sim.Shape(name="s", severities=(1, 1, 1), keeps=2)]
    totals = []
    for _ in range(candidates):
        skill = {d: float(rng.beta(a, b)) for d in DIMENSIONS}
        runs = sim.simulate(rng, skill, shapes * scenarios)
        totals.append(totals_of(sim.evidence_of(runs, PROFILE)))
    return totals


def test_the_hierarchical_prior_finds_the_spread_of_a_large_cohort_and_shares_its_draws():
    fit = alt.integrated(reference=False)
    narrow = fit(_cohort(6.0, 6.0, 600, 8, seed=1), PROFILE)
    wide = fit(_cohort(1.0, 1.0, 600, 8, seed=2), PROFILE)
    for d in ("catch", "explain"):
        a, b = narrow[d]
        assert a.shape == (PROFILE.draws,)
        assert 8 < float(np.median(a + b)) < 18  # drawn from Beta(6, 6): weight 12
        a, b = wide[d]
        assert 1.3 < float(np.median(a + b)) < 3  # Beta(1, 1): weight 2
    # the same fit gives the same draws: every candidate of a cohort is scored on them
    again = fit(_cohort(6.0, 6.0, 600, 8, seed=1), PROFILE)
    assert np.array_equal(again["catch"][0], narrow["catch"][0])


def test_a_tiny_run_prints_every_prior_it_was_asked_for():
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--seeds", "2", "--distributions", "symmetric",
         "--priors", "shipped,true,pooled spread"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("symmetric")]
    assert [r.split()[2] for r in rows] == ["shipped", "true", "pooled"]
    assert "RESULT prior_alternatives:" in proc.stdout
