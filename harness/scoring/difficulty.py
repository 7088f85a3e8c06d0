"""Item difficulty: a Rasch (1PL) model fitted on everyone's flaw/keep verdicts.

P(candidate c succeeds on item i) = σ(θ_c − b_i). Abilities θ and difficulties b are fitted
jointly by penalised maximum likelihood (a ridge penalty λ, i.e. N(0, 1/λ) priors, keeps perfect
and zero scores finite) with alternating Newton steps; both blocks have diagonal Hessians, so each
step is a few vector operations. The standard error of θ_c is 1/sqrt(Σ p(1−p) + λ), summed over
the candidate's items; that of b_i has the same form, summed over the item's respondents (both
treat the other block as known, so they are a little narrow).

This is what makes candidates who took different scenarios comparable: a fixed hard flaw lifts θ
more than a fixed easy one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from harness.scoring.profile import Profile


@dataclass(frozen=True, kw_only=True)
class RaschFit:
    """Fitted abilities and difficulties."""

    ability: dict[str, float]
    ability_se: dict[str, float]
    difficulty: dict[str, float]
    difficulty_se: dict[str, float]
    """1/sqrt(Σ p(1−p) + λ) over the item's respondents (empty with ``fixed_difficulty``)."""
    iterations: int


def _index(values: Sequence[str]) -> tuple[list[str], np.ndarray]:
    names = sorted(set(values))
    lookup = {n: i for i, n in enumerate(names)}
    return names, np.array([lookup[v] for v in values], dtype=np.int64)


def fit(
    responses: Sequence[tuple[str, str, int]],
    *,
    penalty: float = 0.1,
    fixed_difficulty: Mapping[str, float] | None = None,
    max_iter: int = 200,
    tol: float = 1e-6,
) -> RaschFit:
    """Fit θ (and b, unless ``fixed_difficulty`` is given) from (candidate, item, 0|1) rows."""
    if not responses:
        return RaschFit(ability={}, ability_se={}, difficulty={}, difficulty_se={}, iterations=0)
    people, c = _index([r[0] for r in responses])
    items, i = _index([r[1] for r in responses])
    x = np.array([r[2] for r in responses], dtype=float)
    theta = np.zeros(len(people))
    if fixed_difficulty is not None:
        b = np.array([fixed_difficulty[name] for name in items], dtype=float)
    else:
        b = np.zeros(len(items))
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - reported as the iteration count
        p = 1 / (1 + np.exp(-(theta[c] - b[i])))
        resid, info = x - p, p * (1 - p)
        step_t = (np.bincount(c, resid, len(people)) - penalty * theta) / (
            np.bincount(c, info, len(people)) + penalty
        )
        theta += step_t
        change = float(np.max(np.abs(step_t)))
        if fixed_difficulty is None:
            p = 1 / (1 + np.exp(-(theta[c] - b[i])))
            resid, info = x - p, p * (1 - p)
            step_b = (-np.bincount(i, resid, len(items)) - penalty * b) / (
                np.bincount(i, info, len(items)) + penalty
            )
            b += step_b
            change = max(change, float(np.max(np.abs(step_b))))
        if change < tol:
            break
    p = 1 / (1 + np.exp(-(theta[c] - b[i])))
    info = p * (1 - p)
    se = 1 / np.sqrt(np.bincount(c, info, len(people)) + penalty)
    b_se = 1 / np.sqrt(np.bincount(i, info, len(items)) + penalty)
    fitted_b = fixed_difficulty is None
    return RaschFit(
        ability=dict(zip(people, theta.tolist(), strict=True)),
        ability_se=dict(zip(people, se.tolist(), strict=True)),
        difficulty=dict(zip(items, b.tolist(), strict=True)),
        difficulty_se=dict(zip(items, b_se.tolist(), strict=True)) if fitted_b else {},
        iterations=iterations,
    )


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman rank correlation (average ranks for ties)."""

    def ranks(v: Sequence[float]) -> np.ndarray:
        arr = np.asarray(v, dtype=float)
        order = arr.argsort(kind="mergesort")
        r = np.empty(len(arr))
        r[order] = np.arange(len(arr))
        for value in np.unique(arr):
            mask = arr == value
            r[mask] = r[mask].mean()
        return r

    ra, rb = ranks(a), ranks(b)
    return float(np.corrcoef(ra, rb)[0, 1])


MIN_ITEMS_PER_CANDIDATE = 3
"""A candidate with fewer usable items in the fit is left out of it."""


@dataclass(frozen=True, kw_only=True)
class RaschDesign:
    """Which verdicts a cohort's Rasch fit may use, or why it can have none."""

    rows: list[tuple[str, str, int]]
    """The (candidate, item, passed) rows the fit uses."""
    people: set[str]
    """Candidates in the fit."""
    thin_items: list[str]
    """Items left out: fewer than ``min_responses_per_item`` responses."""
    too_small: str = ""
    """Why the cohort is too small to fit ("" when it is not)."""
    split: str = ""
    """The groups the cohort splits into, sharing no item ("" when it is connected)."""

    @property
    def fits(self) -> bool:
        return not self.too_small and not self.split


def components(rows: Sequence[tuple[str, str, int]]) -> list[tuple[set[str], set[str]]]:
    """Connected groups of (candidates, items) in the bipartite graph of responses."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for person, item, _ in rows:
        parent[find("c:" + person)] = find("i:" + item)
    groups: dict[str, tuple[set[str], set[str]]] = {}
    for node in list(parent):
        people, items = groups.setdefault(find(node), (set(), set()))
        (people if node.startswith("c:") else items).add(node[2:])
    return list(groups.values())


def rasch_design(rows: Sequence[tuple[str, str, int]], profile: Profile) -> RaschDesign:
    """The gates every Rasch fit of a cohort goes through (the score's difficulty diagnostic and
    item analysis): items with too few responses are left out, then candidates with too few items
    left; too few candidates remaining, or a cohort that splits into groups sharing no item (their
    abilities cannot be put on one scale), means no fit."""
    per_item: dict[str, int] = defaultdict(int)
    for _, item, _ in rows:
        per_item[item] += 1
    kept = [r for r in rows if per_item[r[1]] >= profile.min_responses_per_item]
    per_person: dict[str, int] = defaultdict(int)
    for person, _, _ in kept:
        per_person[person] += 1
    kept = [r for r in kept if per_person[r[0]] >= MIN_ITEMS_PER_CANDIDATE]
    people = {r[0] for r in kept}
    thin = sorted(item for item, n in per_item.items() if n < profile.min_responses_per_item)
    design = RaschDesign(rows=kept, people=people, thin_items=thin)
    if len(people) < profile.min_candidates:
        everyone = len({r[0] for r in rows})
        why = (
            f"{everyone} candidates, need {profile.min_candidates}"
            if everyone < profile.min_candidates
            else f"{len(people)} of {everyone} candidates have items answered by "
            f"{profile.min_responses_per_item} or more, need {profile.min_candidates}"
        )
        return replace(design, too_small=why)
    groups = components(kept)
    if len(groups) > 1:
        named = "; ".join(
            f"{len(group_people)} candidates on "
            + ", ".join(sorted({i.split(":", 1)[0] for i in items}))
            for group_people, items in sorted(groups, key=lambda g: -len(g[0]))
        )
        return replace(design, split=named)
    return design
