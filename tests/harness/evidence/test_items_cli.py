"""``dsim items`` and ``dsim reliability`` from the command line, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner, Result
from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.cli import cli
from harness.errors import ExitCode


def dsim(tmp_path: Path, *args: str) -> Result:
    """Run ``dsim`` on the ``store`` fixture's database (DSIM_HOME in env so CliRunner restores
    it: ``--home`` exports it)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    db = f"sqlite:///{tmp_path / 'dsim.db'}"
    env: dict[str, str | None] = {"DSIM_HOME": str(home), "DSIM_DB": None}
    return CliRunner().invoke(cli, ["--home", str(home), "--db", db, *args], env=env)


def add_cohort(store, n: int) -> None:
    """``n`` candidates on two scenarios of four Rasch flaws; s1 also has a flaw nobody fixes."""
    rng = np.random.default_rng(2)
    for c in range(n):
        theta = rng.normal(0, 1.5)
        for scenario in ("s1", "s2"):
            flaws = {
                f"f{i}": bool(rng.random() < 1 / (1 + np.exp(-(theta - b))))
                for i, b in enumerate((-1.0, -0.3, 0.3, 1.0))
            }
            if scenario == "s1":
                flaws["none"] = False
            add_graded(store, f"c{c:03}", scenario, flaws, {"k": True})


def test_an_empty_store_says_so_and_succeeds(store, tmp_path):
    items = dsim(tmp_path, "items")
    assert items.exit_code == 0, items.output
    assert "No graded flaw or keep verdicts yet" in items.output
    rel = dsim(tmp_path, "reliability")
    assert rel.exit_code == 0 and "No scored candidates yet" in rel.output
    assert json.loads(dsim(tmp_path, "items", "--json").output)["items"] == []


def test_items_prints_a_table_with_each_flag_on_its_own_line(store, tmp_path):
    add_cohort(store, 40)
    result = dsim(tmp_path, "items")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "11 items across 40 candidates"
    header = next(i for i, line in enumerate(lines) if line.startswith("SCENARIO"))
    assert lines[header].split() == ["SCENARIO", "ITEM", "KIND", "N", "PASS", "DISCR", "DIFFICULTY"]
    none = next(i for i, line in enumerate(lines) if line.split()[:2] == ["s1@1.0.0", "none"])
    assert lines[none].split()[2:5] == ["flaw", "40", "0%"]
    assert lines[none + 1].startswith("    ! Nobody passes this item (0 of 40)")
    f0 = next(line for line in lines if line.split()[:2] == ["s2@1.0.0", "f0"])
    assert "±" in f0  # 40 candidates with 11 items each: the Rasch fit runs


def test_items_for_one_scenario_and_an_unknown_one(store, tmp_path):
    add_cohort(store, 20)
    data = json.loads(dsim(tmp_path, "items", "--scenario", "s2", "--json").output)
    assert {i["scenario"] for i in data["items"]} == {"s2"}
    missing = dsim(tmp_path, "items", "--scenario", "nope")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert "no graded verdicts for scenario 'nope'" in missing.output
    assert "s1, s2" in missing.output


def test_items_json_parses_and_carries_n_beside_each_number(store, tmp_path):
    add_cohort(store, 12)
    result = dsim(tmp_path, "items", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["candidates"] == 12 and len(data["items"]) == 11
    for item in data["items"]:
        assert item["pass_rate"]["n"] == item["n"] == 12
        assert item["discrimination"] == {"value": None, "n": 12}
        assert item["difficulty"] == {"value": None, "se": None, "n": 12}
    assert any("cohort too small" in w for w in data["warnings"])


def test_reliability_prints_kr20_per_scenario_and_the_error_near_the_cut(store, tmp_path):
    add_cohort(store, 40)
    result = dsim(tmp_path, "reliability", "--cut", "50")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines() if line}
    assert rows["s1@1.0.0"][1:3] == ["40", "6"] and rows["s2@1.0.0"][1:3] == ["40", "5"]
    assert "candidates scored: 40" in result.output
    assert "standard error near the cut 50:" in result.output


def test_reliability_json_parses_and_carries_n(store, tmp_path):
    add_cohort(store, 15)
    result = dsim(tmp_path, "reliability", "--cut", "60", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [s["kr20"]["n"] for s in data["scenarios"]] == [15, 15]
    assert data["marginal"]["n"] == 15 and data["sem_at_cut"]["cut"] == 60
    assert any("rests on only 15 candidates" in w for w in data["warnings"])


def test_reliability_rejects_a_cut_outside_0_to_100(store, tmp_path):
    result = dsim(tmp_path, "reliability", "--cut", "101")
    assert result.exit_code == ExitCode.USAGE
    assert "--cut" in result.output
