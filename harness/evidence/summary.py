"""The four analyses of a cohort together, and what they say in plain words.

:func:`gather` runs item analysis, reliability, fairness and predictive validity on one loaded
cohort, so every section of the cohort report rests on the same people and the same scores;
:func:`summary` turns the results into the few sentences a hiring manager reads first, each with
its n. Nothing here decides anything: the sentences say what the numbers show and what they
cannot show yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from harness.evidence.cohort import Cohort, load_cohort
from harness.evidence.fairness import Fairness, fairness
from harness.evidence.items import MIN_RESPONSES, ItemAnalysis, analyse_items
from harness.evidence.reliability import Reliability, reliability
from harness.evidence.validity import Validity, validity
from harness.scoring.profile import Profile
from harness.store import Store

#: The report's sections, in order.
SECTIONS = ("items", "reliability", "fairness", "validity")


@dataclass(frozen=True, kw_only=True)
class CohortEvidence:
    """Everything the cohort report shows."""

    generated_at: datetime
    candidates: int
    """Candidates with a measured score."""
    items: ItemAnalysis
    reliability: Reliability
    fairness: Fairness | None
    """None when the report was gathered without its fairness section (it reads group data)."""
    validity: Validity | None
    interval_mass: float
    impact_ratio_flag: float
    """The profile's four-fifths line (ratios under it are flagged)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at.isoformat(),
            "candidates": self.candidates,
            "summary": list(summary(self)),
            "items": self.items.as_dict(),
            "reliability": self.reliability.as_dict(),
            "fairness": self.fairness.as_dict() if self.fairness else None,
            "validity": self.validity.as_dict() if self.validity else None,
        }


def gather(
    store: Store,
    profile: Profile,
    *,
    cut: float | None = None,
    before: datetime | None = None,
    now: datetime | None = None,
    cohort: Cohort | None = None,
    sections: Sequence[str] = SECTIONS,
) -> CohortEvidence:
    """Run the analyses of ``sections`` on the store's cohort (``cut`` on the 0-100 scale, else
    the profile's). Items and reliability are always run (the summary's first lines); fairness,
    which reads the self-reported groups, only when asked for."""
    now = now or datetime.now(UTC)
    cohort = cohort or load_cohort(store, profile, now=now)
    return CohortEvidence(
        generated_at=now,
        candidates=len(cohort.measured),
        items=analyse_items(cohort),
        reliability=reliability(cohort, cut=cut),
        fairness=fairness(store, cohort, cut=cut) if "fairness" in sections else None,
        validity=validity(store, profile, before=before, now=now)
        if "validity" in sections
        else None,
        interval_mass=profile.interval,
        impact_ratio_flag=profile.impact_ratio_flag,
    )


def summary(evidence: CohortEvidence, *, sections: Sequence[str] = SECTIONS) -> tuple[str, ...]:
    """A sentence per section, each with its n: consistency, items, fairness, prediction (only
    for the report ``sections`` shown), after the cohort's size."""
    said = {
        "items": _items(evidence.items),
        "reliability": _reliability(evidence.reliability),
        "fairness": _fairness(evidence.fairness) if evidence.fairness else "",
        "validity": evidence.validity.verdict if evidence.validity else "",
    }
    n = evidence.candidates
    head = f"{n} candidate{'s' * (n != 1)} {'have' if n != 1 else 'has'} a score."
    return (head, *(said[s] for s in SECTIONS if s in sections and said[s]))


def _reliability(rel: Reliability) -> str:
    if rel.marginal is None:
        return "Reliability: not enough scored candidates yet to say how consistent the score is."
    band = (
        f" (95% {rel.marginal_low:.2f}–{rel.marginal_high:.2f})"
        if rel.marginal_low is not None and rel.marginal_high is not None
        else ""
    )
    if rel.marginal >= 0.8:
        strength = "consistent enough to rank people"
    elif rel.marginal >= 0.6:
        strength = "usable for screening, not for fine distinctions"
    else:
        strength = "too noisy to rank people on its own"
    sem = (
        f"; a score typically lies within ±{rel.sem:.0f} points of the true level"
        if rel.sem
        else ""
    )
    return (
        f"Reliability of the score {rel.marginal:.2f}{band}, n = {rel.candidates}: {strength}{sem}."
    )


def _items(items: ItemAnalysis) -> str:
    judged = [i for i in items.items if i.responses >= MIN_RESPONSES]
    if not judged:
        return f"No item has enough responses ({MIN_RESPONSES}) yet to judge how well it works."
    flagged = [i for i in judged if i.flags]
    if not flagged:
        return f"None of the {len(judged)} items with enough responses is flagged."
    return (
        f"{len(flagged)} of {len(judged)} items with enough responses are flagged for the "
        "scenario author (see Items)."
    )


def _fairness(fair: Fairness) -> str:
    if not fair.attributes:
        return "Fairness: no self-reported group data has been imported (`dsim groups import`)."
    flagged = [
        f"{a.attribute} {r.group} ({r.ratio:.2f}, n = {r.n})"
        for a in fair.attributes
        for r in a.rows
        if r.flagged and r.ratio is not None
    ]
    if not flagged:
        names = ", ".join(a.attribute for a in fair.attributes)
        return f"Fairness: no group's impact ratio is under the four-fifths line ({names})."
    return (
        "Fairness: impact ratios under the four-fifths line for " + "; ".join(flagged)
        + ". See Fairness for their intervals: a small group's ratio can fall there by chance."
    )  # fmt: skip
