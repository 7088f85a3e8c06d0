"""``dsim start`` warm latency: the library call and the CLI as a new hire runs it.

Each sample makes a fresh workspace (its own candidate and folder) in a temporary DSIM_HOME: the
library call :func:`harness.workspace.start` in this process, and ``dsim --home H start SCENARIO
--candidate C --dir D`` as a subprocess (Python start-up and imports included). One warm-up call of
each is not counted. Target: median < 1 s.

    /work/venv/bin/python benchmarks/bench_start.py [--quick] [--repeats N] [--scenario ID]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common


def dsim_command() -> list[str]:
    script = Path(sys.executable).parent / "dsim"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "harness"]


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--scenario", default="invoice-rounding")
    args = p.parse_args()
    repeats = args.repeats or (3 if args.quick else 15)
    settings = {
        "scenario": args.scenario,
        "samples": repeats,
        "warm_up": 1,
        "cli": " ".join(dsim_command()),
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
    }
    facts = _common.header("bench_start", settings, with_docker=False)
    from harness.scenarios.scenario import resolve
    from harness.store import Store
    from harness.workspace.start import start

    library: list[float] = []
    cli: list[float] = []
    failures = 0
    with tempfile.TemporaryDirectory(prefix="dsim-bench-") as tmp:
        home = Path(tmp)
        store = Store(f"sqlite:///{home / 'dsim.db'}")
        quiet = _common.wait_quiet(args.wait_quiet, args.quiet_busy)
        for i in range(repeats + 1):
            began = time.perf_counter()
            start(resolve(args.scenario), f"lib-{i}", home / "lib" / str(i), store)
            if i:
                library.append(time.perf_counter() - began)
            began = time.perf_counter()
            proc = subprocess.run(
                [
                    *dsim_command(),
                    "--home",
                    str(home),
                    "start",
                    args.scenario,
                    "--candidate",
                    f"cli-{i}",
                    "--dir",
                    str(home / "cli" / str(i)),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if i:
                cli.append(time.perf_counter() - began)
            if proc.returncode != 0:
                failures += 1
                print(proc.stderr, file=sys.stderr)
    lib_med, cli_med = _common.median(library), _common.median(cli)
    print(f"library harness.workspace.start: {_common.fmt(library)}")
    print(f"cli dsim start:                  {_common.fmt(cli)}")
    verdict = "met" if max(lib_med, cli_med) < 1.0 else "NOT met"
    _common.result_line(
        "bench_start",
        f"library {lib_med * 1000:.0f} ms, cli {cli_med * 1000:.0f} "
        f"ms median over {repeats} (target < 1 s: {verdict})",
        quick=args.quick,
    )
    _common.write_json(
        args.json_path,
        {
            "benchmark": "bench_start",
            "machine": facts,
            "settings": settings,
            "library": library,
            "cli": cli,
            "library_median": lib_med,
            "cli_median": cli_med,
            "failures": failures,
            "busy_before": quiet,
            "load_at_end": _common.end_load(),
        },
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
