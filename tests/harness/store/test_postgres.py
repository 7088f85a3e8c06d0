"""The store on a real PostgreSQL server: nothing in dsim assumes SQLite.

The throwaway cluster comes from the shared ``pg_url`` fixture (tests/harness/conftest.py): made
with initdb in a temp folder, reached over a Unix socket only; a missing server fails the tests.
"""

from __future__ import annotations

from harness.grading.overrides import add_override
from harness.grading.pipeline import grade_submission
from harness.scoring.posterior import score_all
from harness.scoring.profile import load_profile
from harness.store import Store
from harness.workspace.submit import submit


def test_submit_grade_override_and_score_on_postgresql(pg_url, demo):
    from harness.backends import get_backend

    store = Store(pg_url)
    row, _ = submit(store, demo, candidate="pg-ada", diff="", review_text="- x", source="patch")
    graded = grade_submission(store, row.id, get_backend("local"))
    assert graded.status == "graded"
    add_override(store, row.id, item="untrimmed-name", verdict="fixed", reason="r", by="lead")
    again = Store(pg_url)  # a second handle sees everything: it is all in the server
    assert [s.id for s in again.submissions(candidate="pg-ada")] == [row.id]
    assert again.overrides([row.id])[0].verdict == "fixed"
    assert again.latest_result(row.id).data["items"]
    try:
        scores = score_all(again, load_profile())
        # local-backend runs are never evidence: the score says so rather than counting them
        assert any("without isolation" in e for e in scores["pg-ada"].excluded)
    finally:
        store.close()
        again.close()


def test_any_default_seed_fits_on_postgresql(pg_url, demo):
    """Default seeds reach 2**32 - 1; PostgreSQL's 32-bit integer refused half of them."""
    store = Store(pg_url)
    try:
        row, _ = submit(
            store,
            demo,
            candidate="pg-big",
            diff="",
            review_text="",
            source="patch",
            seed=2**32 - 1,
        )
        assert store.submission(row.id).seed == 2**32 - 1
    finally:
        store.close()


def _new_database(pg_url: str, name: str) -> str:
    from sqlalchemy import create_engine, make_url

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def test_a_first_release_store_on_postgresql_is_upgraded_in_place(pg_url):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import MetaData, create_engine, select

    from harness.store import Base, now
    from harness.store.migrations import HEAD, config

    url = _new_database(pg_url, "first_release")
    command.upgrade(config(url=url), "0001")
    old = create_engine(url)
    tables = MetaData()
    tables.reflect(old)
    assert "summary" not in tables.tables["results"].c
    at = now()
    with old.begin() as conn:
        conn.execute(
            tables.tables["submissions"]
            .insert()
            .values(
                id="s1",
                candidate="ada",
                scenario_id="demo",
                scenario_version="1",
                scenario_ref="demo",
                seed=1,
                diff="",
                review="",
                content_hash="h",
                source="patch",
                findings=[],
                submitted_at=at,
            )
        )
        conn.execute(
            tables.tables["results"]
            .insert()
            .values(
                id="r1",
                submission_id="s1",
                key="k",
                status="graded",
                backend="docker",
                isolated=True,
                graded_at=at,
                data={
                    "items": [{"id": "f", "kind": "flaw", "severity": 2, "verdict": "fixed"}],
                    "regression": {"total": 3, "passed": 2},
                },
            )
        )
    old.dispose()

    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
            assert list(compare_metadata(MigrationContext.configure(conn), Base.metadata)) == []
            summary = conn.execute(select(Base.metadata.tables["results"].c.summary)).scalar()
        assert summary == {
            "items": [{"id": "f", "kind": "flaw", "severity": 2, "verdict": "fixed"}],
            "regression": {"total": 3, "passed": 2},
            "sections": {},
        }
        assert [s.id for s in store.submissions()] == ["s1"]
    finally:
        store.close()


def test_dsims_opening_a_new_postgresql_store_at_once_make_it_once(pg_url):
    import threading

    url = _new_database(pg_url, "opened_at_once")
    start, errors, stores = threading.Barrier(3), [], []

    def open_store() -> None:
        start.wait()
        try:
            stores.append(Store(url))
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == [] and len(stores) == 3
        assert stores[0].submissions() == []
    finally:
        for store in stores:
            store.close()
