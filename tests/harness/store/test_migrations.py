"""Stores migrate in place: every revision is applied when a store is opened, never an export.

The fixture ``tests/fixtures/stores/release-0.1.0.db`` was written by dsim 0.1.0 (before Alembic:
no ``alembic_version`` table, ``results.summary`` present). A first-release store is the same
file with ``results.summary`` dropped.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from harness.errors import InfraError
from harness.store import Base, Store
from harness.store.migrations import HEAD, config

FIXTURE = Path(__file__).parents[2] / "fixtures" / "stores" / "release-0.1.0.db"
TABLES = ("assignments", "submissions", "results", "overrides", "records")
COUNTS = {"assignments": 9, "submissions": 9, "results": 9, "overrides": 1, "records": 4}


@pytest.fixture
def release_store(tmp_path: Path) -> Path:
    path = tmp_path / "release-0.1.0.db"
    shutil.copyfile(FIXTURE, path)
    return path


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def _counts(path: Path) -> dict[str, int]:
    return {t: int(_query(path, f"SELECT count(*) FROM {t}")[0][0]) for t in TABLES}  # noqa: S608


def _version(path: Path) -> list[tuple[object, ...]]:
    return _query(path, "SELECT version_num FROM alembic_version")


def _schema_diffs(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def _first_release(path: Path, *, stamped: bool) -> dict[str, object]:
    """Turn the fixture at ``path`` into a first-release store; returns the summaries it had."""
    summaries = {rid: json.loads(s) for rid, s in _query(path, "SELECT id, summary FROM results")}
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE results DROP COLUMN summary")
        if stamped:  # as a dsim that used Alembic but stopped at 0001 would leave it
            db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
            db.execute("INSERT INTO alembic_version VALUES ('0001')")
    return summaries


def test_head_names_the_newest_revision():
    assert ScriptDirectory.from_config(config()).get_current_head() == HEAD


def test_a_new_store_has_exactly_the_models_schema(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'new.db'}")
    assert _version(tmp_path / "new.db") == [(HEAD,)]
    assert _schema_diffs(store.engine) == []  # a model changed without a migration fails here


def test_the_release_store_is_upgraded_in_place(release_store):
    before = _counts(release_store)
    assert before == COUNTS
    assert not _query(release_store, "SELECT name FROM sqlite_master WHERE name='alembic_version'")
    started = time.perf_counter()
    store = Store(f"sqlite:///{release_store}")
    opened = time.perf_counter() - started
    assert _version(release_store) == [(HEAD,)]
    assert _counts(release_store) == before
    assert _query(release_store, "SELECT count(*) FROM results WHERE summary IS NULL") == [(0,)]
    assert _schema_diffs(store.engine) == []
    assert len(store.submissions()) == 9 and store.records("bo")
    assert opened < 5, f"opening the 0.1.0 store took {opened:.2f} s"


def test_opening_an_upgraded_store_again_changes_nothing(release_store):
    Store(f"sqlite:///{release_store}").close()
    digest = hashlib.sha256(release_store.read_bytes()).hexdigest()
    again = Store(f"sqlite:///{release_store}")
    assert len(again.submissions()) == 9
    again.close()
    assert hashlib.sha256(release_store.read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("stamped", [False, True], ids=["unversioned", "stamped-0001"])
def test_a_first_release_store_is_upgraded_and_gets_summaries(release_store, stamped):
    old_summaries = _first_release(release_store, stamped=stamped)
    store = Store(f"sqlite:///{release_store}")
    assert _version(release_store) == [(HEAD,)]
    assert _counts(release_store) == COUNTS
    rows = _query(release_store, "SELECT id, summary FROM results")
    assert {rid: json.loads(s) for rid, s in rows} == old_summaries  # what 0.1.0 wrote
    assert _schema_diffs(store.engine) == []


def test_a_failed_upgrade_leaves_the_store_as_it_was(release_store):
    _first_release(release_store, stamped=False)
    with sqlite3.connect(release_store) as db:  # a review section without recall: 0002 fails
        db.execute("""UPDATE results SET data = json_set(data, '$.sections.review', json('{}'))
                      WHERE id = (SELECT min(id) FROM results)""")
    digest = hashlib.sha256(release_store.read_bytes()).hexdigest()
    with pytest.raises(KeyError, match="recall"):
        Store(f"sqlite:///{release_store}")
    assert hashlib.sha256(release_store.read_bytes()).hexdigest() == digest


def test_a_store_from_a_newer_dsim_is_refused_in_one_line(tmp_path):
    path = tmp_path / "future.db"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(InfraError, match="made by a newer dsim") as err:
        Store(f"sqlite:///{path}")
    message = str(err.value)
    assert "\n" not in message and "9999" in message and "pip install -U dsim" in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_a_database_with_other_tables_gets_the_dsim_tables(tmp_path):
    path = tmp_path / "shared.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    Store(f"sqlite:///{path}").close()
    assert _version(path) == [(HEAD,)] and _counts(path) == dict.fromkeys(TABLES, 0)


@pytest.mark.parametrize("kind", ["new", "first-release"])
def test_dsims_opening_the_same_store_at_once_make_or_upgrade_it_once(release_store, kind):
    if kind == "new":
        release_store.unlink()
    else:
        _first_release(release_store, stamped=False)
    start_at = time.time() + 2  # every process past its imports before any opens the store
    script = (
        "import sys, time; import alembic.command; from harness.store import Store; "
        "time.sleep(max(0, float(sys.argv[2]) - time.time())); "
        "print(len(Store(f'sqlite:///{sys.argv[1]}').submissions()))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(release_store), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    expected = "0" if kind == "new" else "9"
    assert [(p.returncode, out.strip()) for p, (out, _) in zip(procs, outputs, strict=True)] == [
        (0, expected)
    ] * 4, [err for _, err in outputs]
    assert _version(release_store) == [(HEAD,)]
    assert _query(release_store, "SELECT count(*) FROM results WHERE summary IS NULL") == [(0,)]


def test_revisions_can_be_applied_one_at_a_time_by_url(tmp_path):
    """The recipe in the README: alembic driven by a Config with a URL, no dsim involved."""
    url = f"sqlite:///{tmp_path / 'steps.db'}"
    command.upgrade(config(url=url), "0001")
    assert _version(tmp_path / "steps.db") == [("0001",)]
    assert "summary" not in {
        r[1] for r in _query(tmp_path / "steps.db", "PRAGMA table_info(results)")
    }
    store = Store(url)
    assert _version(tmp_path / "steps.db") == [(HEAD,)] and _schema_diffs(store.engine) == []


def test_release_records_get_their_content_key_and_reimporting_them_adds_nothing(
    release_store, tmp_path
):
    from harness.scoring.records import import_csv

    rows = _query(
        release_store,
        "SELECT engineer, date, source, dimension, outcome, weight, note FROM records",
    )
    path = tmp_path / "delivery.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["engineer", "date", "source", "dimension", "outcome", "weight", "note"])
        writer.writerows((e, d[:10], s, dim or "", o, w, n) for e, d, s, dim, o, w, n in rows)
    started = time.perf_counter()
    store = Store(f"sqlite:///{release_store}")
    opened = time.perf_counter() - started
    keys = _query(release_store, "SELECT key FROM records WHERE deleted_at IS NULL")
    assert len(keys) == 4 and all(str(k).startswith("sha256:") for (k,) in keys)
    report = import_csv(store, path)
    assert (report.imported, report.already_present) == (0, 4)
    assert opened < 5, f"opening the 0.1.0 store took {opened:.2f} s"


def test_records_imported_twice_by_an_old_dsim_are_counted_once_after_the_upgrade(
    release_store,
):
    with sqlite3.connect(release_store) as db:  # the bug: 0.1.0 imported every row again
        db.execute(
            "INSERT INTO records SELECT id || 'x', engineer, date, source, dimension, outcome, "
            "weight, note FROM records"
        )
    store = Store(f"sqlite:///{release_store}")
    assert len(store.records("bo")) == 4
    tombs = [r for r in store.records("bo", deleted=True) if r.deleted_at is not None]
    assert len(tombs) == 4 and all("0004" in (r.deleted_by or "") for r in tombs)
    assert {r.id[-1] for r in tombs} == {"x"}  # the later copy goes, the original stays


def test_stored_candidate_ids_are_normalised_and_the_stored_name_kept(release_store):
    with sqlite3.connect(release_store) as db:
        db.execute("UPDATE submissions SET candidate = ' Ada ' WHERE candidate = 'ada'")
        db.execute("UPDATE records SET engineer = 'BO'")
    store = Store(f"sqlite:///{release_store}")
    subs = store.submissions(candidate="ADA")
    assert subs and {(s.candidate, s.candidate_name) for s in subs} == {("ada", "Ada")}
    assert {(r.engineer, r.engineer_name) for r in store.records("bo")} == {("bo", "BO")}
