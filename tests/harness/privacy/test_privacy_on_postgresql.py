"""Erasure and retention on a real PostgreSQL server (the store assumes nothing of SQLite).

A throwaway cluster is made with initdb in a temp folder and reached over a Unix socket only, as
the store's own PostgreSQL test does. Under CI=true a missing server fails; elsewhere it skips.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from privacy_kit import greet, person
from sqlalchemy import select, text, update

from harness.privacy import apply, erase
from harness.scoring.profile import Retention
from harness.store import Base, Store, Submission


def _every_row(store: Store) -> str:
    with store.engine.connect() as conn:
        return "\n".join(
            repr(row)
            for table in Base.metadata.sorted_tables
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"'))  # noqa: S608
        )


def test_erase_and_retention_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    store = Store(pg_url)
    home = tmp_path / "home"
    scenario = greet(tmp_path)
    ada = person(store, home, scenario, "Ada Lovelace", minutes=3)
    person(store, home, scenario, "Grace Hopper", minutes=4)
    assert "Ada Lovelace" in _every_row(store)

    done = erase(store, "ada lovelace", home=home, actor="cli")
    assert done.removed["submissions"] == 1
    rows = _every_row(store)
    for needle in ["Ada Lovelace", "ada lovelace", *ada.ids]:
        assert needle not in rows, needle
    assert "Grace Hopper" in rows

    with store.session() as s:
        s.execute(update(Submission).values(submitted_at=datetime.now(UTC) - timedelta(days=400)))
    applied = apply(store, Retention(diffs_days=365, reviews_days=365, unused_invites_days=30),
                    actor="cli")  # fmt: skip
    assert (applied.diffs, applied.reviews) == (1, 1)
    with store.session() as s:
        (grace,) = s.scalars(select(Submission))
    assert grace.diff == "" and grace.review == ""
    store.close()  # before the server stops: an open pooled connection would warn at exit
