"""``dsim validity`` end to end: a real store (graded submissions and delivery records), the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.cli import cli
from harness.scoring.profile import load_profile
from harness.store import Record, Store

SPLIT = datetime(2026, 6, 1, tzinfo=UTC)


def dsim(store: Store, tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["--db", str(store.engine.url), *args],
        env={"DSIM_HOME": str(tmp_path / "home"), "DSIM_DB": None},
    )


@pytest.fixture
def cohort(store: Store) -> Store:
    """Twelve candidates: a simulation before the split that fixes more flaws the more skilled
    they are, and four delivery records after it that pass more often too."""
    rng = np.random.default_rng(18)
    for i in range(12):
        skill = i / 11
        flaws = {f"f{k}": bool(rng.random() < skill) for k in range(4)}
        add_graded(store, f"c{i:02}", "s1", flaws, {"k1": True}, at=SPLIT - timedelta(days=20))
        store.add(
            *[
                Record(
                    engineer=f"c{i:02}", date=SPLIT + timedelta(days=3 * j), source=f"pr-{j}",
                    dimension=None, outcome="pass" if rng.random() < 0.2 + 0.6 * skill else "fail",
                    weight=1.0, note="",
                )
                for j in range(4)
            ]
        )  # fmt: skip
    return store


def test_reports_correlations_bands_and_the_weight(cohort, tmp_path):
    result = dsim(cohort, tmp_path, "validity", "--before", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "split: before 2026-06-01; n = 12 candidates" in result.output
    assert "Pearson" in result.output and "Spearman" in result.output
    assert "Sackett" in result.output
    assert "intervals are wide" in result.output
    data = json.loads(dsim(cohort, tmp_path, "validity", "--before", "2026-06-01", "--json").output)
    assert data["n"] == 12
    assert data["pearson"]["value"] > 0.3
    assert data["pearson"]["low"] <= data["pearson"]["value"] <= data["pearson"]["high"]
    assert sum(b["n"] for b in data["bands"]) == 12
    assert data["weight"]["discount"] == 1.0 and data["weight"]["fitted"] is not None
    assert "n = 12" in data["verdict"]


def test_min_records_leaves_candidates_out(cohort, tmp_path):
    data = json.loads(dsim(cohort, tmp_path, "validity", "--min-records", "5", "--json").output)
    assert data["n"] == 0
    assert "no candidate has both" in data["verdict"]


def test_fit_writes_a_loadable_profile_and_never_applies_it(cohort, tmp_path):
    default = resources.files("harness.scoring.profiles").joinpath("default.toml").read_text()
    path = tmp_path / "proposed.toml"
    result = dsim(cohort, tmp_path, "validity", "--before", "2026-06-01", "--fit", str(path))
    assert result.exit_code == 0, result.output
    assert "NOT applied" in result.output and f"--profile {path}" in result.output
    proposed = load_profile(path)
    data = json.loads(dsim(cohort, tmp_path, "validity", "--before", "2026-06-01", "--json").output)
    assert proposed.simulation_discount == data["weight"]["fitted"]
    assert "n = 12" in path.read_text()
    assert load_profile().simulation_discount == 1.0
    assert resources.files("harness.scoring.profiles").joinpath("default.toml").read_text() == (
        default
    )
    path.write_text("# mine\n")
    refused = dsim(cohort, tmp_path, "validity", "--fit", str(path))
    assert refused.exit_code != 0 and "--force" in refused.output
    assert path.read_text() == "# mine\n"
    forced = dsim(cohort, tmp_path, "validity", "--before", "2026-06-01", "--fit", str(path),
                  "--force")  # fmt: skip
    assert forced.exit_code == 0 and "[evidence]" in path.read_text()


def test_force_without_fit_is_a_usage_error(store, tmp_path):
    result = dsim(store, tmp_path, "validity", "--force")
    assert result.exit_code == 2 and "--fit" in result.output


def test_a_store_without_records_prints_one_sentence(store, tmp_path):
    add_graded(store, "ada", "s1", {"f1": True})
    result = dsim(store, tmp_path, "validity")
    assert result.exit_code == 0
    assert result.output.strip().count("\n") == 0
    assert "no delivery records" in result.output


def test_fit_without_enough_candidates_writes_nothing(store, tmp_path):
    path = tmp_path / "proposed.toml"
    result = dsim(store, tmp_path, "validity", "--fit", str(path))
    assert result.exit_code != 0 and "nothing was written" in result.output
    assert not path.exists()
