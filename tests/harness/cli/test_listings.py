"""Listings an assessor reads in a terminal: results, overrides, scenarios, comparisons."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from harness.cli import count
from harness.result import VERDICTS
from harness.scenarios.scaffold import scaffold
from tests.harness.cli.conftest import graded, pending

LONG_NAME = "maximiliana-von-und-zu-langenname-the-third"
LONG_SCENARIO = "an-uncommonly-long-scenario-name-for-a-listing"


def test_results_marks_an_overridden_verdict_and_json_says_who_when_why(home):
    sub = graded(home.store, "ada", fixed=False)
    done = home.run(
        "override", sub.id, "--item", "f0", "--verdict", "fixed",
        "--reason", "hidden test too strict", "--by", "lee",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    text = home.run("results").stdout
    assert "1/1 flaws fixed" in text
    assert "[overridden: f0 not_fixed→fixed]" in text
    assert "`dsim overrides list` says why" in text
    (row,) = json.loads(home.run("results", "--json").stdout)
    items = {i["id"]: i for i in row["items"]}
    assert items["f0"]["verdict"] == "fixed" and items["f0"]["original"] == "not_fixed"
    override = items["f0"]["override"]
    assert (override["verdict"], override["by"], override["reason"]) == (
        "fixed",
        "lee",
        "hidden test too strict",
    )
    assert datetime.fromisoformat(override["at"]).utcoffset() is not None
    assert items["k0"] == {
        "id": "k0",
        "kind": "keep",
        "verdict": "kept",
        "original": "kept",
        "override": None,
    }
    assert row["overridden"] == ["f0"]


def test_overrides_list_shows_original_new_verdict_who_when_why(home):
    ada, bo = graded(home.store, "ada", fixed=False), graded(home.store, "bo")
    assert home.run("overrides", "list").stdout == "No overrides.\n"
    for sub, verdict, by in ((ada, "fixed", "lee"), (bo, "not_fixed", "kim")):
        args = ("--item", "f0", "--verdict", verdict, "--reason", "test too strict", "--by", by)
        assert home.run("override", sub.id, *args).exit_code == 0
    lines = home.run("overrides", "list").stdout.splitlines()
    assert lines[0].split() == [
        "AT", "(UTC)", "CANDIDATE", "SCENARIO", "SUBMISSION", "ITEM", "VERDICT", "BY", "WHY",
    ]  # fmt: skip
    assert "not_fixed → fixed" in lines[1] and "lee" in lines[1]
    assert lines[1].endswith("test too strict")
    rows = json.loads(home.run("overrides", "list", "--candidate", "bo", "--json").stdout)
    assert [(r["candidate"], r["original"], r["verdict"], r["by"]) for r in rows] == [
        ("bo", "fixed", "not_fixed", "kim")
    ]
    assert datetime.fromisoformat(rows[0]["at"]).utcoffset() is not None
    assert home.run("overrides", "list", "--candidate", "cy").stdout == "No overrides for cy.\n"


def test_override_help_lists_every_valid_verdict(home):
    help_text = " ".join(home.run("override", "--help").stdout.split())
    for kind, verdicts in VERDICTS.items():
        assert f"for a {kind.value}: {', '.join(v.value for v in verdicts)}" in help_text


def test_results_have_a_header_and_long_names_are_cut_so_columns_align(home):
    graded(home.store, "ada")
    graded(home.store, LONG_NAME, scenario=LONG_SCENARIO)
    lines = home.run("results").stdout.splitlines()
    assert lines[0].split()[:4] == ["SUBMISSION", "CANDIDATE", "SCENARIO", "STATUS"]
    assert LONG_NAME not in lines[2] and "maximiliana-von…" in lines[2]
    assert "an-uncommonly-long-sc…" in lines[2]
    starts = [line.index("graded") for line in lines[1:]]
    assert starts == [lines[0].index("STATUS")] * 2


def test_an_older_ungraded_submission_is_superseded_not_pending_forever(home):
    old = pending(home.store, "bo", "invoice-rounding", minutes_ago=10)
    new = pending(home.store, "bo", "invoice-rounding", minutes_ago=1)
    rows = json.loads(home.run("results", "--all", "--json").stdout)
    assert [(r["submission"], r["status"]) for r in rows] == [
        (old.id, "superseded"),
        (new.id, "pending"),
    ]
    text = home.run("results", "--all").stdout
    assert "superseded: not graded because a newer submission" in text


def test_results_json_timestamps_carry_a_utc_offset(home):
    graded(home.store, "ada")
    (row,) = json.loads(home.run("results", "--json").stdout)
    assert datetime.fromisoformat(row["submitted_at"]).utcoffset() is not None
    assert row["submitted_at"].endswith("+00:00")


def test_scenarios_show_is_readable_text_with_flaws_listed_once(home):
    shown = home.run("scenarios", "show", "invoice-rounding").stdout
    assert not re.search(r"\[['{]|\{'", shown), shown
    assert "skills: numeric-correctness, money-handling" in shown
    assert "time budget: 25 minutes" in shown
    assessor = home.run("scenarios", "show", "invoice-rounding", "--assessor").stdout
    assert not re.search(r"\[['{]|\{'", assessor), assessor
    assert [line for line in assessor.splitlines() if "flaws:" in line] == [
        "  seeded flaws: 2 (correctness, security)",
        "flaws:",
    ]
    assert "  - float-money [correctness, severity 3]" in assessor
    assert "  - csv-export: " in assessor


def test_compare_cuts_long_names_so_columns_align(home):
    graded(home.store, LONG_NAME)
    graded(home.store, "bo", fixed=False)
    out = home.run("compare", LONG_NAME, "bo")
    assert out.exit_code == 0, out.output
    ranked = [line for line in out.stdout.splitlines() if re.match(r"\s*\d+\. ", line)]
    assert "maximiliana-von-und…" in ranked[0] or "maximiliana-von-und…" in ranked[1]
    assert len({line.index("(") for line in ranked}) == 1


def test_counts_say_one_run_and_one_test(home):
    assert (count(1, "run"), count(3, "test"), count(0, "scenario")) == (
        "1 run",
        "3 tests",
        "0 scenarios",
    )
    demo = scaffold("demo-one", home.cwd / "demo-one")
    out = home.run("scenario", "check", str(demo), "--backend", "local", "--runs", "1", "--no-lock")
    assert out.exit_code == 0, out.output
    assert "(3 tests, 1 run)" in out.stdout
    assert "[1 test]" in out.stdout and "[1 tests]" not in out.stdout


def test_score_and_compare_find_a_candidate_by_the_name_as_typed(home):
    store = home.store
    graded(store, "ada")
    graded(store, "bo", fixed=False)
    typed = home.run("score", "  Ada ", "--json")
    assert typed.exit_code == 0, typed.output
    assert json.loads(typed.output)["candidate"] == "ada"
    both = home.run("compare", "ADA", "bo", "--json")
    assert both.exit_code == 0, both.output
    same = home.run("compare", "ada", "Ada")
    assert same.exit_code == 2 and "two different candidates" in same.output


def test_start_warns_of_a_candidate_near_an_existing_one(home, tmp_path):
    demo = scaffold("greet-demo", tmp_path / "greet-demo")
    first = home.run("start", str(demo), "--candidate", "ada.lovelace", "--json")
    assert first.exit_code == 0, first.output
    near = home.run("start", str(demo), "--candidate", "Ada-Lovelace", "--json")
    assert near.exit_code == 0, near.output
    out = json.loads(near.stdout)
    assert out["candidate"] == "ada-lovelace"
    assert any("ada.lovelace" in w for w in out["warnings"])


def test_export_finds_a_candidate_by_the_name_as_typed(home, tmp_path):
    graded(home.store, "ada")
    out = home.run(
        "export", "--format", "csv", "--candidate", " Ada", "-o", str(tmp_path / "a.csv")
    )
    assert out.exit_code == 0, out.output
    assert "ada" in (tmp_path / "a.csv").read_text()


def test_a_candidate_named_dots_gets_a_workspace_inside_the_workspaces_folder(home, tmp_path):
    demo = scaffold("greet-demo", tmp_path / "greet-demo")
    out = home.run("start", str(demo), "--candidate", "..", "--json")
    assert out.exit_code == 0, out.output
    workspace = json.loads(out.stdout)["workspace"]
    assert (home.path / "workspaces").resolve() in Path(workspace).resolve().parents
