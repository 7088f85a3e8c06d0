"""Scores for the staff pages, computed once per change of the store.

Scoring everyone reads every result's summary (about 4 s for 10,000 results), so the candidates
list, comparisons and exports share one scoring of the whole cohort, made again only when the
store's evidence changed: a new result, override or delivery record, or a record deleted. The
check reads a few aggregates (30 ms on a 10,000-result SQLite store, whose result rows are
large), so it runs at most once every :data:`RECHECK_SECONDS`; a change made through this
process (an override) drops the cached scores at once, and a result stored by a worker shows
within that interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sqlalchemy import func, select

from harness.scoring.posterior import CandidateScore, load_details, score_all
from harness.scoring.profile import Profile
from harness.store import Override, Record, Result, Store


def fingerprint(store: Store) -> tuple[Any, ...]:
    """Changes whenever the scores could."""
    with store.session() as s:
        results = s.execute(select(func.count(Result.id), func.max(Result.graded_at))).one()
        overrides = s.execute(select(func.count(Override.id), func.max(Override.at))).one()
        records = s.execute(
            select(func.count(Record.id), func.max(Record.date), func.max(Record.deleted_at))
        ).one()
    return (*results, *overrides, *records)


RECHECK_SECONDS = 2.0

T = TypeVar("T")

DERIVED_KEPT = 8
"""Derived values (cohort reports per cut and group data) kept per scoring of the cohort."""


@dataclass
class _Cached:
    key: tuple[Any, ...]
    scores: dict[str, CandidateScore]
    ranked: list[CandidateScore]
    derived: dict[Hashable, Any] = field(default_factory=dict)
    """Values computed from these scores (the cohort report), dropped with them."""


class CohortScores:
    """The whole cohort's scores, shared by all requests: with draws (comparisons need them;
    about 190 KB per candidate), without whole results (:meth:`detailed` loads one
    candidate's)."""

    def __init__(self, store: Store, profile: Profile) -> None:
        self.store = store
        self.profile = profile
        self._lock = threading.Lock()
        self._cached: _Cached | None = None
        self._checked = float("-inf")
        self._checking = threading.Lock()
        self._deriving = threading.Lock()

    def invalidate(self) -> None:
        """Score again at the next request (after a change this process made)."""
        self._checked = float("-inf")

    def get(self) -> dict[str, CandidateScore]:
        """Everyone's score, by candidate id."""
        return self._current().scores

    def ranked(self) -> list[CandidateScore]:
        """Everyone, best score first (ties by name)."""
        return self._current().ranked

    def _current(self) -> _Cached:
        cached = self._cached
        if cached is not None and time.monotonic() - self._checked < RECHECK_SECONDS:
            return cached
        if cached is not None and not self._checking.acquire(blocking=False):
            return cached  # another request is checking right now: no stampede
        try:
            key = fingerprint(self.store)
            self._checked = time.monotonic()
        finally:
            if cached is not None:
                self._checking.release()
        if cached is not None and cached.key == key:
            return cached
        with self._lock:  # one scoring at a time; the others wait for it
            cached = self._cached
            if cached is not None and cached.key == key:
                return cached
            scores = score_all(self.store, self.profile, details=False)
            # Unmeasured (no gain evidence: no score yet) last, not as zeros among the scored.
            ranked = sorted(
                scores.values(),
                key=lambda s: (not s.overall.measured, -s.overall.mean, s.candidate),
            )
            self._cached = _Cached(key=key, scores=scores, ranked=ranked)
            return self._cached

    def derived(self, name: Hashable, make: Callable[[dict[str, CandidateScore]], T]) -> T:
        """A value computed from everyone's scores, kept until the evidence changes: the cohort
        report costs seconds at a few thousand candidates (docs/cohort-evidence.md), too much per
        view. ``name`` must carry whatever else the value depends on. At most
        :data:`DERIVED_KEPT` values are kept (the oldest goes first), so varying ``name`` cannot
        grow memory without bound."""
        cached = self._current()
        if name in cached.derived:  # no lock for a hit: a computation elsewhere does not block it
            hit: T = cached.derived[name]
            return hit
        with self._deriving:  # one computation at a time; the others wait and reuse it
            if name not in cached.derived:
                value = make(cached.scores)
                while len(cached.derived) >= DERIVED_KEPT:
                    cached.derived.pop(next(iter(cached.derived)))
                cached.derived[name] = value
            made: T = cached.derived[name]
            return made

    def detailed(self, candidate: str) -> CandidateScore | None:
        """One candidate's score with their whole results loaded (for the report)."""
        score = self.get().get(candidate)
        if score is None:
            return None
        return replace(score, graded=load_details(self.store, score.graded))
