"""Self-reported group memberships: stored apart, replaced on re-import, erasable, in the person's
own access export and in no exchange file; revision 0008 adds and removes their table."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.privacy import erase, export
from harness.store import (
    Store,
    delete_memberships,
    memberships,
    replace_memberships,
)
from harness.store.exchange import export_data, import_data
from harness.store.migrations import config


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _version(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_a_reimport_replaces_the_value_and_counts_what_changed(store):
    first = replace_memberships(store, [("Ada", "sex", "F"), ("bo", "sex", "M")])
    again = replace_memberships(store, [(" ADA ", "sex", "X"), ("bo", "sex", "M")])
    assert first == {"sex": {"new": 2}}
    assert again == {"sex": {"changed": 1, "unchanged": 1}}
    assert [(m.candidate, m.value) for m in memberships(store, attribute="sex")] == [
        ("bo", "M"),
        ("ada", "X"),
    ]


def test_memberships_are_deleted_by_candidate_attribute_or_both(store):
    replace_memberships(
        store,
        [("ada", "sex", "F"), ("ada", "age band", "40+"), ("bo", "sex", "M"), ("cy", "sex", "F")],
    )
    assert delete_memberships(store, candidate="Ada", attribute="sex") == 1
    assert delete_memberships(store, attribute="sex") == 2
    assert [(m.candidate, m.attribute) for m in memberships(store)] == [("ada", "age band")]
    assert delete_memberships(store) == 1 and memberships(store) == []


def test_erasing_a_person_removes_their_memberships_and_counts_them(store):
    add_graded(store, "ada", "s1", {"f1": True})
    replace_memberships(
        store, [("ada", "sex", "F"), ("ada", "age band", "40+"), ("bo", "sex", "M")]
    )
    done = erase(store, "Ada", actor="test")
    assert done.removed["group memberships"] == 2
    assert [m.candidate for m in memberships(store)] == ["bo"]


def test_someone_known_only_by_their_memberships_can_be_exported_and_erased(store):
    replace_memberships(store, [("cy", "sex", "F")])
    assert export(store, "cy")["group_memberships"][0]["group"] == "F"
    assert erase(store, "cy", actor="test").removed == {"group memberships": 1}
    assert memberships(store) == []


def test_the_access_export_carries_only_the_persons_own_groups(store):
    add_graded(store, "ada", "s1", {"f1": True})
    replace_memberships(store, [("ada", "sex", "Female"), ("bo", "sex", "Male-only-bo")])
    data = export(store, "ada")
    assert [(g["attribute"], g["group"]) for g in data["group_memberships"]] == [("sex", "Female")]
    assert "Male-only-bo" not in json.dumps(data)


def test_the_exchange_file_carries_no_memberships(store, tmp_path):
    add_graded(store, "ada", "s1", {"f1": True})
    replace_memberships(store, [("ada", "sex", "Zeta-group-7")])
    data = export_data(store, [])
    assert "Zeta-group-7" not in json.dumps(data, default=str)
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    import_data(other, json.loads(json.dumps(data, default=str)))
    assert memberships(other) == []


def test_revision_0008_adds_the_table_and_downgrading_removes_it(tmp_path):
    path = tmp_path / "steps.db"
    cfg = config(url=f"sqlite:///{path}")
    command.upgrade(cfg, "0007")
    assert "group_memberships" not in _tables(path)
    command.upgrade(cfg, "0008")
    assert _version(path) == "0008" and "group_memberships" in _tables(path)
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO group_memberships VALUES ('1', 'ada', 'sex', 'F', '2026-01-01 00:00:00')"
        )
        with pytest.raises(sqlite3.IntegrityError):  # one value per person and attribute
            db.execute(
                "INSERT INTO group_memberships VALUES ('2', 'ada', 'sex', 'M', '2026-01-01')"
            )
    command.downgrade(cfg, "0007")
    assert _version(path) == "0007" and "group_memberships" not in _tables(path)
    assert Store(f"sqlite:///{path}").candidates() == set()  # opening upgrades it to head again
    assert _version(path) == "0008"
