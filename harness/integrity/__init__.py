"""Integrity signals for a human: similar work across candidates and implausible timing.

May import: harness.scenarios, harness.workspace, harness.grading, harness.store and below; is
imported by reports, the server and the CLI. Nothing here feeds a verdict or a score: grading and
scoring never import this package (the import contracts keep it so).
"""

from harness.integrity.cohort import About, Unavailable, about, attempts, similarity, timing
from harness.integrity.similarity import Match, Pair, ScenarioSimilarity, Settings, compare
from harness.integrity.timing import Attempt, TimingFlag, TimingSettings, TimingSignal, signals

__all__ = [
    "About",
    "Attempt",
    "Match",
    "Pair",
    "ScenarioSimilarity",
    "Settings",
    "TimingFlag",
    "TimingSettings",
    "TimingSignal",
    "Unavailable",
    "about",
    "attempts",
    "compare",
    "signals",
    "similarity",
    "timing",
]
