"""Every benchmark runs in smoke mode (``--quick``) and prints its result line.

Not a performance test: nothing here asserts a duration or a target. It proves that each script
anyone may run still works end to end against the current code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def run_quick(name: str) -> str:
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{name}.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.returncode == 0, f"{name} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith(f"RESULT {name}: ")]
    assert len(lines) == 1, proc.stdout
    assert "machine: nproc=" in proc.stdout and "settings: " in proc.stdout
    return lines[0]


@pytest.mark.parametrize(
    "name",
    [
        "bench_start",
        "bench_scoring",
        "bench_reports",
        "bench_serve",
        "bench_similarity",
        "bench_cohort",
    ],
)
def test_benchmark_without_docker_runs_quick(name, tmp_path, monkeypatch):
    monkeypatch.setenv("DSIM_HOME", str(tmp_path))
    run_quick(name)


@pytest.mark.docker
@pytest.mark.parametrize("name", ["bench_grading", "bench_scaling", "bench_images", "bench_queue"])
def test_benchmark_with_docker_runs_quick(name, base_image):
    line = run_quick(name)
    assert "ratio" in line or "/min" in line or "no-op build" in line


def test_every_benchmark_script_is_smoke_tested():
    scripts = {p.stem for p in BENCHMARKS.glob("bench_*.py")}
    assert scripts == {
        "bench_start",
        "bench_scoring",
        "bench_reports",
        "bench_grading",
        "bench_scaling",
        "bench_images",
        "bench_queue",
        "bench_serve",
        "bench_similarity",
        "bench_cohort",
    }
