"""Comparing candidates: who is ahead, how sure we are, and ties called as ties.

One truth: the ranking is by the posterior median of the overall score (the likely level, which
weighs how much evidence each candidate has), and every "probability ahead", sentence, tie and
heat-map cell comes from the same posterior draws as that median and the displayed interval. The
Rasch ability is a diagnostic beside the score and never ranks anyone.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.scoring.posterior import CandidateScore, prob_ahead
from harness.scoring.profile import DIMENSIONS, Profile


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """The answer to "who is ahead, and how sure are we"."""

    order: list[str]
    ranking_method: str
    matrix: dict[str, dict[str, float]]
    """matrix[a][b] = P(a ahead of b) overall."""
    by_dimension: dict[str, dict[str, dict[str, float]]]
    adjusted: dict[str, dict[str, float]] | None
    sentences: list[str]
    ties: list[tuple[str, str]]
    caveat: str = ""
    """Said before the sentences when someone's score rests on a single scenario."""

    def as_dict(self, scores: dict[str, CandidateScore]) -> dict[str, Any]:
        return {
            "order": self.order,
            "ranking_method": self.ranking_method,
            "candidates": [scores[n].as_dict() for n in self.order],
            "prob_ahead": self.matrix,
            "prob_ahead_by_dimension": self.by_dimension,
            "prob_ahead_adjusted": self.adjusted,
            "summary": self.sentences,
            "caveat": self.caveat,
            "ties": [list(t) for t in self.ties],
        }


FULL_DIMENSION_MATRIX = 12

#: Said first when someone's score rests on one scenario: the measured miss of issue 17
#: (validation/validate_scoring.py section 3; docs/scoring.md "Not met" says why no prior fitted
#: from the cohort alone can close it).
THIN_EVIDENCE = (
    "Read the probabilities as leads, not verdicts: {names} rest on a single scenario, and in "
    "simulation calls made with over 90% probability on one scenario were wrong 13% of the time "
    "where they claimed 6.5%."
)


def _pairwise(chosen: list[CandidateScore], dimension: str) -> dict[str, dict[str, float]]:
    """P(row ahead of column) for every pair, vectorised over the posterior draws."""
    draws = np.stack([s.draws[dimension] for s in chosen])
    out: dict[str, dict[str, float]] = {}
    for i, a in enumerate(chosen):
        ahead = (draws[i][None, :] > draws).mean(axis=1) + 0.5 * (draws[i][None, :] == draws).mean(
            axis=1
        )
        out[a.candidate] = {
            b.candidate: round(float(ahead[j]), 3) for j, b in enumerate(chosen) if j != i
        }
    return out


def _sentence(a: str, b: str, overall: float, dims: dict[str, float], margin: float) -> str:
    def call(p: float) -> str:
        return "too close to call" if abs(p - 0.5) <= margin else ""

    clear = {d: p for d, p in dims.items() if abs(p - 0.5) > margin}
    parts = []
    for d, p in sorted(clear.items(), key=lambda kv: -abs(kv[1] - 0.5))[:2]:
        lead, prob = (a, p) if p > 0.5 else (b, 1 - p)
        parts.append(f"{lead} is ahead on {d} with {prob:.0%} probability")
    if call(overall):
        parts.append("too close to call overall")
    else:
        lead, prob = (a, overall) if overall > 0.5 else (b, 1 - overall)
        parts.append(f"{lead} is ahead overall with {prob:.0%} probability")
    return f"{a} vs {b}: " + "; ".join(parts) + "."


def compare(scores: dict[str, CandidateScore], names: list[str], profile: Profile) -> Comparison:
    chosen = [scores[n] for n in names]
    chosen.sort(key=lambda s: (-s.level, s.candidate))
    order = [s.candidate for s in chosen]
    matrix = _pairwise(chosen, "overall")
    # Per-dimension probabilities for every pair when the group is small; for large groups only
    # for neighbours in the ranking (the pairs the summary talks about).
    if len(chosen) <= FULL_DIMENSION_MATRIX:
        by_dim = {d: _pairwise(chosen, d) for d in DIMENSIONS}
    else:
        by_dim = {
            d: {
                a.candidate: {b.candidate: round(prob_ahead(a, b, d), 3)}
                for a, b in itertools.pairwise(chosen)
            }
            for d in DIMENSIONS
        }
    sentences: list[str] = []
    thin = [s.candidate for s in chosen if len(s.scenarios) <= 1 and not s.observations]
    ties: list[tuple[str, str]] = []
    for i, first in enumerate(order):
        for second in order[i + 1 :]:
            p = matrix[first][second]
            if abs(p - 0.5) <= profile.tie_margin:
                ties.append((first, second))
            # Neighbours in the ranking always get a sentence; every pair when there are few.
            if second == order[i + 1] or len(order) <= 4:
                per_dim = {d: by_dim[d][first][second] for d in DIMENSIONS}
                sentences.append(_sentence(first, second, p, per_dim, profile.tie_margin))
    return Comparison(
        order=order,
        ranking_method="likely level (posterior median of the judgment score)",
        matrix=matrix,
        by_dimension=by_dim,
        adjusted=None,
        sentences=sentences,
        ties=ties,
        caveat=THIN_EVIDENCE.format(names=", ".join(thin)) if thin else "",
    )
