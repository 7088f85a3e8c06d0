"""Image disk use and the cost of a no-op ``dsim images build``.

Sizes come from the engine's disk-usage report (what ``docker system df -v`` prints): the base
image, every scenario image and the layer each scenario adds on top of the base (target < 10 MB for
a scenario without requirements). Then ``dsim images build`` runs once to make sure everything is
built, and again ``--repeats`` times as a subprocess when nothing is missing (target < 2 s), and
once in this process to count the engine API calls a no-op build makes.

    /work/venv/bin/python benchmarks/bench_images.py [--quick] [--repeats N]
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import _common

MB = 1e6


def dsim_command() -> list[str]:
    script = Path(sys.executable).parent / "dsim"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "harness"]


def count_api_calls(rtt: float = 0.0) -> tuple[Counter[str], float]:
    """Run one no-op ``dsim images build`` in this process; count engine API calls and time it,
    adding ``rtt`` seconds to every call (what a remote or busy engine costs per round trip)."""
    import requests
    from click.testing import CliRunner

    from harness.cli import cli

    _common.reset_process_caches()
    calls: Counter[str] = Counter()
    real = requests.Session.send

    def send(self: Any, request: Any, **kwargs: Any) -> Any:
        path = request.path_url.split("?")[0]
        calls[f"{request.method} {'/'.join(path.split('/')[2:3]) or path}"] += 1
        time.sleep(rtt)
        return real(self, request, **kwargs)

    requests.Session.send = send  # type: ignore[method-assign]
    try:
        began = time.perf_counter()
        result = CliRunner().invoke(cli, ["images", "build"])
        wall = time.perf_counter() - began
    finally:
        requests.Session.send = real  # type: ignore[method-assign]
    if result.exit_code != 0:
        raise SystemExit(f"dsim images build failed: {result.output}")
    return calls, wall


def sizes() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from harness.backends.docker import client, images
    from harness.grading.pipeline import image_recipe
    from harness.scenarios.scenario import library

    base = images.base_tag()
    df = client().df()
    by_tag = {t: img for img in df["Images"] for t in (img.get("RepoTags") or [])}
    if base not in by_tag:
        raise SystemExit(f"base image {base} is missing: run `dsim images build` first")
    base_img = by_tag[base]
    rows = []
    for scenario in library():
        tag = images.scenario_tag(image_recipe(scenario), base)
        img = by_tag.get(tag)
        if img is None:
            rows.append({"scenario": scenario.id, "tag": tag, "missing": True})
            continue
        rows.append(
            {
                "scenario": scenario.id,
                "tag": tag,
                "image_id": img["Id"][7:19],
                "size_mb": img["Size"] / MB,
                "requirements": list(scenario.manifest.runtime.requirements),
                "added_mb": 0.0
                if img["Id"] == base_img["Id"]
                else (img["Size"] - base_img["Size"]) / MB,
            }
        )
    return {"tag": base, "image_id": base_img["Id"][7:19], "size_mb": base_img["Size"] / MB}, rows


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument(
        "--simulate-rtt-ms",
        type=float,
        default=150.0,
        help="also time an in-process no-op build with this delay added to every "
        "engine round trip (a remote or busy engine) [150]",
    )
    args = p.parse_args()
    repeats = args.repeats or (2 if args.quick else 7)
    settings = {
        "no_op_builds": repeats,
        "cli": " ".join(dsim_command()),
        "simulated_rtt_ms": args.simulate_rtt_ms,
    }
    facts = _common.header("bench_images", settings)
    began = time.perf_counter()
    first = subprocess.run(
        [*dsim_command(), "images", "build"], capture_output=True, text=True, check=False
    )
    first_s = time.perf_counter() - began
    if first.returncode != 0:
        print(first.stdout + first.stderr, file=sys.stderr)
        return 1
    print(f"first build (whatever was missing): {first_s:.2f}s")
    quiet = _common.wait_quiet(args.wait_quiet, args.quiet_busy)
    walls = []
    for _ in range(repeats):
        began = time.perf_counter()
        subprocess.run([*dsim_command(), "images", "build"], capture_output=True, check=True)
        walls.append(time.perf_counter() - began)
    calls, _ = count_api_calls()
    _, slow = count_api_calls(args.simulate_rtt_ms / 1000)
    base, rows = sizes()
    print(f"base {base['tag']} ({base['image_id']}): {base['size_mb']:.1f} MB")
    distinct = {base["image_id"]: base["size_mb"]}
    for r in rows:
        if r.get("missing"):
            print(f"  {r['scenario']:<22} MISSING {r['tag']}")
            continue
        if r["image_id"] != base["image_id"]:
            distinct[r["image_id"]] = r["added_mb"]
        reqs = ",".join(r["requirements"]) or "-"
        print(
            f"  {r['scenario']:<22} {r['tag']:<52} +{r['added_mb']:6.2f} MB (requirements: {reqs})"
        )
    total = sum(distinct.values())
    no_req = [r["added_mb"] for r in rows if not r.get("missing") and not r["requirements"]]
    with_req = [r["added_mb"] for r in rows if not r.get("missing") and r["requirements"]]
    print(f"disk for all dsim images (base once + what each scenario adds): {total:.1f} MB")
    print(f"no-op `dsim images build`: {_common.fmt(walls)}")
    print(
        "engine API calls in one no-op build: "
        + ", ".join(f"{n} x {k}" for k, n in calls.most_common())
    )
    print(
        f"in-process no-op build with {args.simulate_rtt_ms:.0f} ms added per round trip "
        f"(simulated remote or busy engine): {slow:.2f}s"
    )
    noop = _common.median(walls)
    worst = max(no_req, default=0.0)
    _common.result_line(
        "bench_images",
        f"no-op build {noop:.2f}s (target < 2 s: {'met' if noop < 2 else 'NOT met'}), "
        f"{sum(calls.values())} API calls ({slow:.2f}s at {args.simulate_rtt_ms:.0f} ms per "
        f"round trip); base {base['size_mb']:.0f} MB, scenario layer "
        f"without requirements max {worst:.2f} MB (target < 10 MB: "
        f"{'met' if worst < 10 else 'NOT met'}), with requirements "
        f"{', '.join(f'{x:.1f}' for x in with_req) or '-'} MB; total {total:.0f} MB",
        quick=args.quick,
    )
    _common.write_json(
        args.json_path,
        {
            "benchmark": "bench_images",
            "machine": facts,
            "settings": settings,
            "first_build": first_s,
            "no_op_builds": walls,
            "no_op_median": noop,
            "api_calls": dict(calls),
            "simulated_rtt_build": slow,
            "base": base,
            "scenarios": rows,
            "total_mb": total,
            "busy_before": quiet,
            "load_at_end": _common.end_load(),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
