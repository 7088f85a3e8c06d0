"""The cohort as the evidence analyses read it: everyone's score and every item verdict.

One loader, so item analysis, reliability, fairness and the cohort report agree on who is in the
cohort and what each person's verdicts are: each candidate's latest usable result per scenario
version with assessors' overrides applied (the same results the score rests on), flaky items left
out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from statistics import NormalDist

from harness.result import ItemKind, Verdict
from harness.scoring.posterior import CandidateScore, score_all
from harness.scoring.profile import Profile
from harness.store import Store


@dataclass(frozen=True, kw_only=True)
class Response:
    """One candidate's verdict on one flaw or keep."""

    candidate: str
    scenario: str
    version: str
    item: str
    kind: ItemKind
    passed: int
    """1 when the flaw was fixed or the keep kept, else 0 (a removed flaw is not a fix)."""

    @property
    def key(self) -> str:
        """The item across the cohort: ``scenario@version:item`` (as the Rasch diagnostic)."""
        return f"{self.scenario}@{self.version}:{self.item}"


@dataclass(frozen=True, kw_only=True)
class Cohort:
    """Everyone with a measured score, and every usable item verdict in the store."""

    scores: dict[str, CandidateScore]
    """Every candidate with any evidence (measured or not), without draws."""
    responses: tuple[Response, ...]
    profile: Profile
    now: datetime

    @property
    def measured(self) -> list[str]:
        """Candidates with an overall score, sorted."""
        return sorted(n for n, s in self.scores.items() if s.overall.measured)

    def score(self, candidate: str) -> float | None:
        """The displayed overall score (0-1), or None when there is none."""
        s = self.scores.get(candidate)
        return s.overall.mean if s is not None and s.overall.measured else None

    def level(self, candidate: str) -> float | None:
        """The posterior median of the overall score (0-1): the likely true level, the
        posterior's own estimate (the displayed score is the observed share)."""
        s = self.scores.get(candidate)
        return s.level if s is not None and s.overall.measured else None

    def sd(self, candidate: str) -> float | None:
        """The posterior standard deviation of the overall score (0-1), from its credible
        interval (normal approximation: the interval's width over 2·z, for the profile's
        interval mass)."""
        s = self.scores.get(candidate)
        if s is None or not s.overall.measured:
            return None
        z = NormalDist().inv_cdf(0.5 + self.profile.interval / 2)
        return (s.overall.high - s.overall.low) / (2 * z)


def responses_of(scores: Mapping[str, CandidateScore]) -> list[Response]:
    """Every usable flaw and keep verdict the scores rest on (overrides applied, flaky items left
    out), from the graded submissions scoring already loaded: reading the store again decoded
    every result summary a second time (about 2 s of the cohort report at 10,000 results)."""
    return [
        Response(
            candidate=g.candidate,
            scenario=g.scenario,
            version=g.version,
            item=item.id,
            kind=item.kind,
            passed=int(item.verdict.success),
        )
        for score in scores.values()
        for g in score.graded
        for item in g.items
        if item.verdict != Verdict.FLAKY and item.kind in (ItemKind.FLAW, ItemKind.KEEP)
    ]


def load_cohort(store: Store, profile: Profile, *, now: datetime | None = None) -> Cohort:
    """Score everyone (summaries only, no draws kept) and collect their verdicts."""
    now = now or datetime.now(UTC)
    scores = score_all(store, profile, now=now, keep_draws=False, details=False)
    return Cohort(scores=scores, responses=tuple(responses_of(scores)), profile=profile, now=now)
