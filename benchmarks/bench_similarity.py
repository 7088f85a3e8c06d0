"""Similarity cost: every pair of N submissions to one scenario compared on their own code and
REVIEW.md (dsim similarity's engine), with a few planted copies that must be found.

Submissions are synthetic but shaped like real ones: 40-80 added lines of Python built from random
statements and names, and a REVIEW.md of a few findings, rendered into invoice-rounding's variants.
One in fifty is a copy of another with every name changed and its functions in reverse order.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from typing import Any

import _common

from harness.integrity.similarity import Entry, compare
from harness.scenarios import patches
from harness.scenarios.scenario import resolve
from harness.scenarios.variants import draw

WORDS = [
    "amount",
    "total",
    "invoice",
    "rounding",
    "currency",
    "ledger",
    "export",
    "row",
    "cell",
    "minor",
    "unit",
    "value",
    "sum",
    "tax",
    "net",
    "gross",
    "customer",
    "number",
    "decimal",
    "quantize",
    "cents",
    "formula",
    "spreadsheet",
    "quote",
    "prefix",
    "check",
]
OPS = ("+", "-", "*", "//", "%")


def _name(rng: random.Random) -> str:
    return "_".join(rng.sample(WORDS, 2)) + str(rng.randrange(100))


def _function(rng: random.Random) -> str:
    args = [_name(rng) for _ in range(rng.randint(1, 3))]
    lines = [f"def {_name(rng)}({', '.join(args)}):"]
    local = list(args)
    for _ in range(rng.randint(4, 10)):
        target = _name(rng)
        a, b = rng.choice(local), rng.choice(local)
        n, m = rng.randint(1, 999), rng.randint(1, 99)
        lines.append(
            rng.choice(
                (
                    f"    {target} = {a} {rng.choice(OPS)} {n}",
                    f"    {target} = ({a} {rng.choice(OPS)} {b}) {rng.choice(OPS)} {m}",
                    f"    if {a} {rng.choice(('>', '<', '==', '!='))} {n}:\n"
                    f"        {target} = {b} {rng.choice(OPS)} {m}\n"
                    f"    else:\n        {target} = {n}",
                    f"    {target} = [{a} for {a} in range({m}) if {a} % {n}]",
                    f'    {target} = str({a}).replace("{rng.choice(WORDS)}", "")[:{m}]',
                    f"    {target} = {{{a}: {n}, {b}: {m}}}",
                    f"    for {target} in range({m}, {n}):\n"
                    f"        {a} = {a} {rng.choice(OPS)} {target}",
                    f"    {target} = max({a}, {b}, {n}) if {a} else min({b}, {m})",
                    f"    {target} = sorted({a}, key=lambda item: item[{m % 3}])",
                    f"    {target} = round({a} / {n}, {m % 5})",
                )
            )
        )
        local.append(target)
    lines.append(f"    return {rng.choice(local)}")
    return "\n".join(lines) + "\n"


def _submission(rng: random.Random) -> list[str]:
    return [_function(rng) for _ in range(rng.randint(4, 7))]


def _copy(functions: list[str], rng: random.Random) -> list[str]:
    import re

    names = sorted({w for f in functions for w in re.findall(r"[a-z]+_[a-z]+\d+", f)})
    renamed = {w: _name(rng) + "x" for w in names}
    pattern = re.compile("|".join(re.escape(w) for w in sorted(names, key=len, reverse=True)))
    return [pattern.sub(lambda m: renamed[m.group(0)], f) for f in reversed(functions)]


def _review(rng: random.Random) -> str:
    return "## Findings\n" + "".join(
        f"- src/invoicing/export.py:{rng.randint(1, 90)} [correctness] "
        + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
        + "\n"
        for _ in range(rng.randint(1, 4))
    )


def make_entries(n: int, seed: int = 5) -> tuple[Any, list[Entry], set[tuple[str, str]]]:
    rng = random.Random(seed)
    scenario = resolve("invoice-rounding")
    entries, planted = [], set()
    bodies: list[list[str]] = []
    for i in range(n):
        if i and i % 50 == 0:
            source = rng.randrange(len(bodies))
            body = _copy(bodies[source], rng)
            planted.add((f"c{source:04d}", f"c{i:04d}"))
        else:
            body = _submission(rng)
        bodies.append(body)
        diff = patches.make({}, {"src/invoicing/extra.py": "\n\n".join(body).encode()})
        entries.append(
            Entry(
                submission_id=f"s{i}",
                candidate=f"c{i:04d}",
                diff=diff,
                review=_review(rng),
                values=draw(scenario, rng.randrange(2**32)).values,
            )
        )
    return scenario, entries, planted


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--submissions", type=int, help="[500; quick: 60]")
    args = p.parse_args()
    n = args.submissions or (60 if args.quick else 500)
    repeats = args.repeats or (1 if args.quick else 5)
    settings = {"submissions": n, "repeats": repeats, "scenario": "invoice-rounding"}
    facts = _common.header("bench_similarity", settings, with_docker=False)
    scenario, entries, planted = make_entries(n)
    _common.wait_quiet(args.wait_quiet, args.quiet_busy)
    walls, cpus, found = [], [], set()
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        result = compare(scenario, entries)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        found = {(p.a, p.b) for p in result.pairs}
    missed = planted - found
    extra = found - planted
    mean = statistics.mean(walls)
    sd = statistics.stdev(walls) if len(walls) > 1 else 0.0
    pairs = n * (n - 1) // 2
    print(f"wall per run: {_common.fmt(walls)}")
    print(f"CPU per run:  {_common.fmt(cpus)} (this process: steadier than wall on a busy machine)")
    cpu_mean = statistics.mean(cpus)
    cpu_sd = statistics.stdev(cpus) if len(cpus) > 1 else 0.0
    _common.result_line(
        "bench_similarity",
        f"{n} submissions ({pairs} pairs) compared in {mean:.2f} ± {sd:.2f} s "
        f"(mean ± sd of {len(walls)}), CPU {cpu_mean:.2f} ± {cpu_sd:.2f} s; planted copies "
        f"found {len(planted) - len(missed)}/{len(planted)}, other pairs flagged {len(extra)}",
        quick=args.quick,
    )
    _common.write_json(
        args.json_path,
        {
            "machine": facts,
            "settings": settings,
            "walls": walls,
            "cpus": cpus,
            "missed": sorted(missed),
            "extra": sorted(extra),
        },
    )
    return 0 if not missed and not extra else 1


if __name__ == "__main__":
    sys.exit(main())
