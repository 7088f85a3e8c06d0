"""Scores for the staff pages, computed once per change of the store.

Scoring everyone reads every result's summary (about 4 s for 10,000 results), so the candidates
list, comparisons and exports share one scoring of the whole cohort, made again only when the
store's evidence changed: a new result, override or delivery record, or a record deleted. The
check is one small query; any server process sharing the store sees the same evidence.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from harness.scoring.posterior import CandidateScore, score_all
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


@dataclass
class _Cached:
    key: tuple[Any, ...]
    scores: dict[str, CandidateScore]


class CohortScores:
    """The whole cohort's scores (with draws, which comparisons need), shared by all requests."""

    def __init__(self, store: Store, profile: Profile) -> None:
        self.store = store
        self.profile = profile
        self._lock = threading.Lock()
        self._cached: _Cached | None = None

    def get(self) -> dict[str, CandidateScore]:
        key = fingerprint(self.store)
        cached = self._cached
        if cached is not None and cached.key == key:
            return cached.scores
        with self._lock:  # one scoring at a time; the others wait for it
            cached = self._cached
            if cached is not None and cached.key == key:
                return cached.scores
            scores = score_all(self.store, self.profile)
            self._cached = _Cached(key=key, scores=scores)
            return scores
