"""Shared by the benchmark scripts: machine facts, medians, a quiet-machine check, the batch of
submissions the grading benchmarks use, and the one ``RESULT`` line every script ends with.

Benchmarks are plain scripts (``python benchmarks/X.py [--quick]``); this module is imported from
the script's own folder, which Python puts first on ``sys.path``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: Built-in scenarios the grading benchmarks use: hidden-tests graders only (a test-strength flaw
#: adds runs on mutants, which the plain-pytest floor would have to mirror), one with pip
#: requirements (its image carries a venv).
SCENARIOS = ("invoice-rounding", "etl-unicode", "session-tokens", "upload-paths", "feature-flags")
QUICK_SCENARIOS = ("invoice-rounding", "upload-paths")
KINDS = ("reference", "as-is", "partial")


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke mode for CI: a small workload, one repetition, well under a minute",
    )
    p.add_argument("--repeats", type=int, help="repetitions (the median is reported)")
    p.add_argument("--json", dest="json_path", type=Path, help="also write the numbers here")
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to SECONDS for the machine to be quiet (CPU busy below "
        "--quiet-busy over 3 s) before measuring",
    )
    p.add_argument(
        "--quiet-busy",
        type=float,
        default=0.15,
        help="share of all CPUs other work may use for the machine to count as quiet",
    )
    return p


def _cpu_times() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]  # total, idle + iowait


def busy_cpu_seconds() -> float:
    """CPU-seconds the whole machine has spent busy so far (every process, the kernel, dockerd)."""
    total, idle = _cpu_times()
    return (total - idle) / os.sysconf("SC_CLK_TCK")


def busy_fraction(seconds: float = 3.0) -> float:
    """Share of all CPUs busy over the next ``seconds`` (this process idles meanwhile)."""
    try:
        total0, idle0 = _cpu_times()
        time.sleep(seconds)
        total1, idle1 = _cpu_times()
    except OSError:
        return 0.0
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def docker_version() -> str:
    try:
        proc = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        return proc.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "unavailable"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def machine(*, with_docker: bool = True) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "docker": docker_version() if with_docker else "not used",
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def wait_quiet(seconds: float, threshold: float) -> float:
    """Wait (up to ``seconds``) until other work leaves the CPUs nearly idle; report the busy
    share measured just before the benchmark starts (the load average lags by minutes)."""
    deadline = time.monotonic() + seconds
    busy = busy_fraction(1.0 if seconds <= 0 else 3.0)
    while busy >= threshold and time.monotonic() < deadline:
        time.sleep(2)
        busy = busy_fraction()
    print(
        f"quiet check: CPUs {busy:.0%} busy with other work before measuring "
        f"(load average {os.getloadavg()[0]:.2f})",
        flush=True,
    )
    if busy >= threshold:
        print(
            f"warning: the machine is busy with other work ({busy:.0%} >= {threshold:.0%}): "
            "numbers may be inflated; re-run with --wait-quiet 300",
            flush=True,
        )
    return busy


def header(name: str, settings: dict[str, Any], *, with_docker: bool = True) -> dict[str, Any]:
    # As `dsim` does: SIGTERM unwinds like Ctrl-C, so grading removes its containers.
    from harness.cli import _terminate

    signal.signal(signal.SIGTERM, _terminate)
    facts = machine(with_docker=with_docker)
    print(f"== {name}", flush=True)
    print("machine: " + ", ".join(f"{k}={v}" for k, v in facts.items()), flush=True)
    print("settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()), flush=True)
    return facts


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt(values: Sequence[float], unit: str = "s", digits: int = 3) -> str:
    return "[" + ", ".join(f"{v:.{digits}f}" for v in values) + f"] {unit}"


def result_line(name: str, text: str, *, quick: bool = False) -> None:
    """The line CI's smoke test looks for: ``RESULT <name>: …`` (marked in smoke mode, whose
    small workload says nothing about the targets)."""
    suffix = " [--quick smoke run: not a measurement]" if quick else ""
    print(f"RESULT {name}: {text}{suffix}", flush=True)


def write_json(path: Path | None, data: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(data, indent=2, default=str) + "\n")


def end_load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- the grading batch ------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One submission of the benchmark batch."""

    submission_id: str
    scenario: str
    kind: str


def make_batch(store: Any, count: int, scenario_ids: Sequence[str]) -> list[Planned]:
    """Store ``count`` submissions round-robin over scenarios and kinds (reference fix, the AI
    change as is, the shipped partial sample where there is one), one candidate each."""
    from harness.scenarios import materialize
    from harness.scenarios.scenario import resolve
    from harness.scenarios.variants import default_seed, draw
    from harness.workspace.submit import submit

    scenarios = [resolve(s) for s in scenario_ids]
    planned = []
    for i in range(count):
        scenario = scenarios[i % len(scenarios)]
        kind = KINDS[(i // len(scenarios)) % len(KINDS)]
        candidate = f"bench-{i:03d}"
        values = draw(scenario, default_seed(candidate, scenario.id)).values
        review = ""
        if kind == "reference":
            diff = materialize.reference_patch(scenario, values)
        elif kind == "partial" and "partial" in scenario.sample_names():
            diff, review = materialize.sample_patch(scenario, "partial", values)
        else:
            kind, diff = "as-is", ""
        row, _ = submit(
            store, scenario, candidate=candidate, diff=diff, review_text=review, source="patch"
        )
        planned.append(Planned(submission_id=row.id, scenario=scenario.id, kind=kind))
    return planned


def ensure_images(scenario_ids: Sequence[str]) -> None:
    """Build what is missing before anything is timed (a no-op when images are built)."""
    from harness.backends import get_backend
    from harness.grading.pipeline import image_for
    from harness.scenarios.scenario import resolve

    backend = get_backend("docker")
    for sid in scenario_ids:
        image_for(resolve(sid), backend)


def reset_process_caches() -> None:
    """Forget what this process learnt (image refs), so each repetition is a fresh ``dsim``."""
    from harness.backends.docker import images  # (image refs now live on each backend)

    clear = getattr(images, "clear_cache", None)
    if clear is not None:
        clear()


def supports_warm() -> bool:
    """Whether the code under test has warm pools (a checkout from before them has not: the
    scripts then measure what it does)."""
    import inspect

    from harness.grading.pipeline import grade_batch

    return "warm" in inspect.signature(grade_batch).parameters


def warm_kwargs(warm: bool | None) -> dict[str, Any]:
    return {"warm": warm} if supports_warm() else {}


def python_cmd() -> list[str]:
    return [sys.executable]
