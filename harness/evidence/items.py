"""Item analysis: which flaws and keeps pull their weight (issue 18).

For every item (one flaw or keep of one scenario version) across the cohort: how many answered it,
the share who passed, how well it separates strong candidates from weak ones (the item-rest
correlation), its Rasch difficulty with a standard error, and plain-sentence flags a scenario
author can act on. Only the verdicts the score rests on count (:mod:`harness.evidence.cohort`).

The Rasch fit is gated exactly as scoring gates its difficulty adjustment
(:func:`harness.scoring.posterior._abilities`): items need ``profile.min_responses_per_item``
responses, candidates :data:`~harness.scoring.difficulty.MIN_ITEMS_PER_CANDIDATE` items, the fit
``profile.min_candidates`` candidates and one connected design. When it is not met every
difficulty is None and one warning says why; a difficulty is never shown from a fit scoring
would refuse.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.evidence.cohort import Cohort, Response
from harness.scoring.difficulty import RaschFit, fit, rasch_design
from harness.scoring.profile import Profile

MIN_RESPONSES = 20
"""Below this many responses an item's discrimination is too noisy to judge (its standard error
is about 1/sqrt(n), so ±0.45 at n = 20); the item gets one "too few responses" flag instead."""
NEAR_ZERO = 0.1
"""An item-rest correlation with |r| under this says the item barely separates candidates; one
under −NEAR_ZERO is flagged as negative."""


@dataclass(frozen=True, kw_only=True)
class ItemStats:
    """One flaw or keep of one scenario version, across the cohort."""

    key: str
    """``scenario@version:item`` (:attr:`Response.key`)."""
    scenario: str
    """The scenario id."""
    version: str
    """The scenario version."""
    item: str
    """The flaw or keep id."""
    kind: str
    """``flaw`` or ``keep``."""
    title: str
    """The flaw's or keep's title from the installed scenario of this version, else ""."""
    responses: int
    """Candidates with a usable verdict on the item."""
    pass_rate: float
    """Share of them who fixed the flaw or kept the keep."""
    discrimination: float | None
    """Item-rest correlation; None without variance on either side or under
    :data:`MIN_RESPONSES` respondents."""
    discrimination_n: int
    """Respondents the correlation used: those with at least one other item."""
    difficulty: float | None
    """Rasch difficulty b in logits (higher is harder); None when the design allows no fit."""
    difficulty_se: float | None
    """Standard error of ``difficulty``."""
    flags: tuple[str, ...]
    """Plain sentences for the scenario author; empty when nothing stands out."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-able, each number beside the n it rests on."""
        return {
            "key": self.key,
            "scenario": self.scenario,
            "version": self.version,
            "item": self.item,
            "kind": self.kind,
            "title": self.title,
            "n": self.responses,
            "pass_rate": {"value": round(self.pass_rate, 4), "n": self.responses},
            "discrimination": {
                "value": _round(self.discrimination),
                "n": self.discrimination_n,
            },
            "difficulty": {
                "value": _round(self.difficulty),
                "se": _round(self.difficulty_se),
                "n": self.responses,
            },
            "flags": list(self.flags),
        }


@dataclass(frozen=True, kw_only=True)
class ItemAnalysis:
    """Every item of the cohort (or of one scenario), with the warnings that apply to all."""

    items: tuple[ItemStats, ...]
    """Sorted by scenario, version, kind, item."""
    candidates: int
    """Candidates with at least one usable verdict (in the whole cohort)."""
    warnings: tuple[str, ...]
    """Why difficulties are missing, when they are."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-able, each number beside the n it rests on."""
        return {
            "candidates": self.candidates,
            "items": [i.as_dict() for i in self.items],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, kw_only=True)
class CohortFit:
    """The cohort's Rasch fit, or why there is none."""

    fit: RaschFit | None
    """None when the design allows no fit."""
    warnings: tuple[str, ...]
    """Why there is no fit, or which thin items were left out of it."""


def _version_order(version: str) -> tuple[tuple[int, ...], str]:
    """1.0.10 after 1.0.9 (a part that is not a number sorts first, then by the text)."""
    return tuple(int(p) if p.isdigit() else -1 for p in version.split(".")), version


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def fit_cohort(responses: Sequence[Response], profile: Profile) -> CohortFit:
    """A Rasch fit over the verdicts, behind the same gates as scoring's difficulty diagnostic
    (:func:`harness.scoring.difficulty.rasch_design`)."""
    rows = [(r.candidate, r.key, r.passed) for r in responses]
    if not rows:
        return CohortFit(fit=None, warnings=())
    design = rasch_design(rows, profile)
    if design.too_small:
        return CohortFit(
            fit=None, warnings=(f"no Rasch difficulties: cohort too small ({design.too_small})",)
        )
    if design.split:
        return CohortFit(
            fit=None,
            warnings=(
                "no Rasch difficulties: the cohort splits into groups that took no scenario in "
                f"common ({design.split}); their items cannot be put on one scale",
            ),
        )
    warnings = []
    if design.thin_items:
        warnings.append(
            f"{len(design.thin_items)} item(s) have fewer than {profile.min_responses_per_item} "
            "responses and no difficulty: " + ", ".join(design.thin_items)
        )
    return CohortFit(fit=fit(design.rows, penalty=profile.penalty), warnings=tuple(warnings))


def item_rest(responses: Sequence[Response]) -> dict[str, tuple[float | None, int]]:
    """Each item's item-rest correlation and the respondents it used.

    Over an item's respondents, the Pearson correlation of the item's 0/1 verdict with the share
    of that candidate's *other* items passed (every other verdict of theirs, in any scenario) — a
    point-biserial correlation. The item is left out of the rest score because an item-total
    correlation counts the item on both sides: it correlates with itself, which inflates r, most
    for candidates with few items (with four items a pure coin flip still correlates about 0.5
    with the total). Respondents with no other item are left out; None when either side has no
    variance or under :data:`MIN_RESPONSES` respondents remain.
    """
    passed: dict[str, int] = defaultdict(int)
    taken: dict[str, int] = defaultdict(int)
    for r in responses:
        passed[r.candidate] += r.passed
        taken[r.candidate] += 1
    pairs: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for r in responses:
        others = taken[r.candidate] - 1
        if others > 0:
            pairs[r.key].append((r.passed, (passed[r.candidate] - r.passed) / others))
        else:
            pairs.setdefault(r.key, [])
    out: dict[str, tuple[float | None, int]] = {}
    for key, rows in pairs.items():
        x = np.array([p for p, _ in rows], dtype=float)
        rest = np.array([s for _, s in rows], dtype=float)
        if len(rows) < MIN_RESPONSES or x.std() == 0 or rest.std() == 0:
            out[key] = (None, len(rows))
        else:
            out[key] = (float(np.corrcoef(x, rest)[0, 1]), len(rows))
    return out


def flags(n: int, passes: int, discrimination: float | None, discrimination_n: int) -> list[str]:
    """The plain sentences a scenario author reads beside an item (empty when none apply). Under
    :data:`MIN_RESPONSES` responses only that is said: "nobody passes" at 0 of 3 is not news."""
    if n < MIN_RESPONSES:
        return [f"Too few responses (n = {n}, {passes} passed) to judge this item yet."]
    if passes == 0:
        return [
            f"Nobody passes this item (0 of {n}): its hidden test may be broken or the flaw too "
            "hard to find in the time."
        ]
    if passes == n:
        return [f"Everybody passes this item ({n} of {n}): it does not separate candidates."]
    if discrimination_n < MIN_RESPONSES:
        return [
            f"Too few responses (n = {discrimination_n}) to judge how well it separates candidates."
        ]
    if discrimination is None:
        return []
    shown = f"{discrimination:.2f}".replace("-", "−")
    if discrimination <= -NEAR_ZERO:
        return [
            f"Negative discrimination ({shown}, n = {discrimination_n}): candidates who do well "
            "elsewhere fail it more often; this hidden test may be judging something other than "
            "skill."
        ]
    if abs(discrimination) < NEAR_ZERO:
        return [
            f"Near-zero discrimination ({shown}, n = {discrimination_n}): passing it says almost "
            "nothing about how a candidate does elsewhere; check that the hidden test is not "
            "passing or failing by chance."
        ]
    return []


def _titles() -> dict[tuple[str, str, str], str]:
    """(scenario, version, item) → title for every installed scenario."""
    from harness.scenarios.scenario import library

    titles = {}
    for s in library(verify=False):
        for flaw in s.manifest.flaws:
            titles[s.manifest.id, s.manifest.version, flaw.id] = flaw.title
        for keep in s.manifest.keeps:
            titles[s.manifest.id, s.manifest.version, keep.id] = keep.title
    return titles


def analyse_items(cohort: Cohort, *, scenario: str | None = None) -> ItemAnalysis:
    """Item statistics for the cohort, or for one scenario's items (every candidate's other
    verdicts still count in the rest score, and the Rasch fit is over the whole cohort).

    A title is shown only for the installed scenario's own version: an older version's item may
    have meant something else.
    """
    responses = cohort.responses
    cohort_fit = fit_cohort(responses, cohort.profile)
    rest = item_rest(responses)
    titles = _titles() if responses else {}
    by_key: dict[str, list[Response]] = defaultdict(list)
    for r in responses:
        if scenario is None or r.scenario == scenario:
            by_key[r.key].append(r)
    stats = []
    for key, rows in by_key.items():
        first, n, passes = rows[0], len(rows), sum(r.passed for r in rows)
        r_value, r_n = rest[key]
        b = cohort_fit.fit.difficulty.get(key) if cohort_fit.fit else None
        se = cohort_fit.fit.difficulty_se.get(key) if cohort_fit.fit else None
        stats.append(
            ItemStats(
                key=key,
                scenario=first.scenario,
                version=first.version,
                item=first.item,
                kind=str(first.kind),
                title=titles.get((first.scenario, first.version, first.item), ""),
                responses=n,
                pass_rate=passes / n,
                discrimination=r_value,
                discrimination_n=r_n,
                difficulty=b,
                difficulty_se=se,
                flags=tuple(flags(n, passes, r_value, r_n)),
            )
        )
    stats.sort(key=lambda s: (s.scenario, _version_order(s.version), s.kind, s.item))
    return ItemAnalysis(
        items=tuple(stats),
        candidates=len({r.candidate for r in responses}),
        warnings=cohort_fit.warnings,
    )
