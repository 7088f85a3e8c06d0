"""Helpers the queue's tests import (``queue_helpers``: a name no other test folder uses; pytest
puts this folder on ``sys.path``). Fixtures live in ``conftest.py``."""

from __future__ import annotations

from harness.scenarios.scenario import Scenario
from harness.store import Result, Store
from harness.workspace.submit import submit


def make_submissions(store: Store, scenario: Scenario, n: int, prefix: str = "c") -> list[str]:
    """``n`` submissions of the empty diff (the AI change accepted as is), one per candidate.
    Seeds are given: a default seed can pass PostgreSQL's 32-bit ``integer`` (see the report)."""
    return [
        submit(
            store,
            scenario,
            candidate=f"{prefix}{i}",
            diff="",
            review_text="",
            source="patch",
            seed=1000 + i,
        )[0].id
        for i in range(n)
    ]


def results(store: Store, submission_id: str | None = None) -> list[Result]:
    with store.session() as s:
        query = s.query(Result)
        if submission_id is not None:
            query = query.filter(Result.submission_id == submission_id)
        return list(query)
