"""Erasure leaves nothing of a person in the store file or the data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from privacy_kit import greet, person
from sqlalchemy import select

from harness.cli import cli
from harness.errors import NotFound
from harness.integrity import attempts
from harness.privacy import erase
from harness.store import AuditEntry, Store


def _everything(home: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Store]:
    home = tmp_path / "home"
    home.mkdir()
    return home, Store(f"sqlite:///{home / 'dsim.db'}")


def test_erase_leaves_nothing_of_the_person_in_the_store_or_the_data_folder(
    world: tuple[Path, Store], tmp_path: Path
) -> None:
    home, store = world
    scenario = greet(tmp_path)
    ada = person(store, home, scenario, "Ada Lovelace", minutes=10)
    person(store, home, scenario, "Grace Hopper", minutes=12)
    before = _everything(home)
    assert b"Ada Lovelace" in before and ada.ids[1].encode() in before
    store.close()

    out = CliRunner().invoke(cli, ["--home", str(home), "erase", "Ada Lovelace", "--yes"])
    assert out.exit_code == 0, out.output
    assert "removed" in out.output and "1 submissions" in out.output and "folder" in out.output

    after = _everything(home)
    for needle in ["ada lovelace", "Ada Lovelace", "ADA LOVELACE", *ada.ids]:
        assert needle.encode() not in after, needle
    assert b"Grace Hopper" in after  # the other person stays
    assert not (home / "workspaces" / "ada_lovelace").exists()

    store = Store(f"sqlite:///{home / 'dsim.db'}")
    with store.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
    assert entry.subject == "" and entry.detail["removed"]["submissions"] == 1
    # Cohort figures recompute without her.
    assert store.candidates() == {"grace hopper"}
    assert [a.candidate for a in attempts(store)] == ["grace hopper"]


def test_a_dry_run_removes_nothing(world: tuple[Path, Store], tmp_path: Path) -> None:
    home, store = world
    person(store, home, greet(tmp_path), "Ada", minutes=5)
    before = _everything(home)
    planned = erase(store, "ada", home=home, actor="cli", dry_run=True)
    assert planned.removed["submissions"] == 1 and planned.removed["audit entries"] == 3
    assert planned.folders and _everything(home) == before


def test_erasing_someone_unknown_is_a_clear_error(world: tuple[Path, Store]) -> None:
    home, store = world
    with pytest.raises(NotFound, match="holds nothing about 'nobody'"):
        erase(store, "Nobody", home=home, actor="cli")
    out = CliRunner().invoke(cli, ["--home", str(home), "erase", "Nobody", "--json", "--yes"])
    assert out.exit_code == 4 and "dsim results" in json.loads(out.output)["error"]["hint"]


def test_a_folder_outside_home_without_their_marker_is_left(
    world: tuple[Path, Store], tmp_path: Path
) -> None:
    home, store = world
    ada = person(store, home, greet(tmp_path), "Ada", minutes=5)
    (home / "workspaces" / "ada" / "greet-demo" / ".dsim-assignment.json").write_text("{}")
    moved = tmp_path / "elsewhere"
    (home / "workspaces" / "ada" / "greet-demo").rename(moved)
    from harness.store import Assignment

    with store.session() as s:
        s.get(Assignment, ada.ids[0]).workspace = str(moved)  # type: ignore[union-attr]
    done = erase(store, "ada", home=home, actor="cli")
    assert done.left == (str(moved),) and moved.exists()


def test_timing_reads_start_and_submission_times_from_the_store(
    world: tuple[Path, Store], tmp_path: Path
) -> None:
    home, store = world
    person(store, home, greet(tmp_path), "Quick", minutes=1)
    (a,) = attempts(store)
    assert a.complete and 0.5 < a.minutes < 1.5 and a.budget_minutes == 20
    out = CliRunner().invoke(cli, ["--home", str(home), "timing"])
    assert "quick: greet-demo submitted after 1 min (budget 20 min)" in out.output


def test_an_empty_name_is_refused_before_anything_is_read(world: tuple[Path, Store]) -> None:
    home, _ = world
    out = CliRunner().invoke(cli, ["--home", str(home), "erase", "  "])
    assert out.exit_code == 2 and "name the candidate to erase" in out.output


def test_without_yes_erasure_asks_first_and_a_no_keeps_everything(
    world: tuple[Path, Store], tmp_path: Path
) -> None:
    home, store = world
    person(store, home, greet(tmp_path), "Ada", minutes=5)
    out = CliRunner().invoke(cli, ["--home", str(home), "erase", "Ada"], input="n\n")
    assert out.exit_code == 130 and "would remove" in out.output
    assert store.submissions(candidate="ada")


def test_audit_entries_alone_are_erased_too(world: tuple[Path, Store]) -> None:
    home, store = world
    store.add(AuditEntry(actor="hira", action="invite_created", detail={"candidate": "Zed Q"}))
    done = erase(store, "zed q", home=home, actor="cli")
    assert done.removed == {"audit entries": 1}
    with store.session() as s:
        assert [e.action for e in s.scalars(select(AuditEntry))] == ["erase"]


def test_json_output_never_erases_without_yes(world: tuple[Path, Store], tmp_path: Path) -> None:
    home, store = world
    person(store, home, greet(tmp_path), "Ada", minutes=5)
    refused = CliRunner().invoke(cli, ["--home", str(home), "erase", "Ada", "--json"])
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert store.submissions(candidate="ada")
    done = CliRunner().invoke(cli, ["--home", str(home), "erase", "Ada", "--json", "--yes"])
    assert done.exit_code == 0 and json.loads(done.output)["removed"]["submissions"] == 1
