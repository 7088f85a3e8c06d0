"""``dsim scenarios list|show`` (the library) and ``dsim scenario validate|new|check`` (authors)."""

from __future__ import annotations

from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import click

from harness.cli import count, emit_json, json_option, user_path
from harness.errors import CheckFailed, ExitCode, InvalidInput


def describe(scenario: Any, *, assessor: bool = False) -> dict[str, Any]:
    """What the library says about a scenario; flaw details only for assessors."""
    m = scenario.manifest
    data: dict[str, Any] = {
        "id": m.id,
        "title": m.title,
        "version": m.version,
        "summary": m.summary,
        "domain": m.domain,
        "difficulty": m.difficulty.value,
        "time_budget_minutes": m.time_budget_minutes,
        "skills": list(m.skills),
        "flaws_by_category": dict(sorted(Counter(f.category.value for f in m.flaws).items())),
        "flaws": len(m.flaws),
        "requirements": list(m.runtime.requirements),
        "pack": scenario.pack.name if scenario.pack else None,
        "pack_version": scenario.pack.version if scenario.pack else None,
    }
    if assessor:
        data["flaw_details"] = [
            {
                "id": f.id,
                "title": f.title,
                "category": f.category.value,
                "severity": f.severity,
                "locations": list(f.locations),
                "tests": list(f.tests),
                "grader": f.grader,
                "explanation": f.explanation,
            }
            for f in m.flaws
        ]
        data["keeps"] = [{"id": k.id, "title": k.title, "tests": list(k.tests)} for k in m.keeps]
        data["regression"] = list(m.regression.tests)
        data["samples"] = scenario.sample_names()
        data["path"] = str(scenario.path)
    return data


@click.group("scenarios")
def scenarios_group() -> None:
    """The scenario library: every installed pack, the built-in one included."""


@scenarios_group.command("list")
@json_option
def list_cmd(as_json: bool) -> None:
    """List the installed packs and their scenarios.

    A broken pack, a scenario id two packs share or a refused scenario is one `Error:` line on
    stderr naming the pack (exit code 3); everything else is still listed.
    """
    from harness.scenarios.scenario import survey

    scenarios, found, problems = survey()
    rows = [describe(s) for s in scenarios]
    if as_json:
        emit_json(rows)
    else:
        _print_library(rows, found.packs)
    for problem in problems:
        click.echo(f"Error: {problem}", err=True)
    if problems:
        raise click.exceptions.Exit(ExitCode.INVALID_INPUT)


def _print_library(rows: list[dict[str, Any]], packs: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    listed = Counter(r["pack"] for r in rows)
    shelf = Table(title=count(len(packs), "pack"), title_justify="left")
    shelf.add_column("pack", no_wrap=True, style="bold")
    shelf.add_column("version", no_wrap=True)
    shelf.add_column("scenarios", justify="right", no_wrap=True)
    shelf.add_column("folder")
    for pack in packs:
        shelf.add_row(pack.name, pack.version, str(listed[pack.name]), str(pack.root))
    console.print(shelf)
    table = Table(title=count(len(rows), "scenario"), title_justify="left")
    table.add_column("id", no_wrap=True, style="bold")
    table.add_column("pack", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("min", justify="right", no_wrap=True)
    table.add_column("domain")
    table.add_column("flaws by category")
    for r in rows:
        cats = ", ".join(c if n == 1 else f"{c}×{n}" for c, n in r["flaws_by_category"].items())
        table.add_row(
            r["id"], r["pack"], r["difficulty"], str(r["time_budget_minutes"]), r["domain"], cats
        )
    console.print(table)
    click.echo("`dsim scenarios show ID` describes one; `dsim start ID --candidate NAME` begins.")


@scenarios_group.command("show")
@click.argument("scenario_id")
@click.option("--assessor", is_flag=True, help="Reveal flaws, locations and hidden test names.")
@json_option
def show_cmd(scenario_id: str, assessor: bool, as_json: bool) -> None:
    """Describe one scenario (flaw details only with --assessor)."""
    from harness.scenarios.scenario import resolve

    data = describe(resolve(scenario_id), assessor=assessor)
    if as_json:
        emit_json(data)
        return
    click.echo("\n".join(_show_lines(data)))


def _show_lines(data: dict[str, Any]) -> list[str]:
    """A scenario as readable text: what a new hire may know, then what only assessors see."""
    by_category = ", ".join(
        c if n == 1 else f"{c} ×{n}" for c, n in data["flaws_by_category"].items()
    )
    lines = [
        f"{data['id']} {data['version']}: {data['title']}",
        f"  {data['summary']}",
        f"  pack: {data['pack']} {data['pack_version']}"
        if data["pack"]
        else "  pack: none (a folder outside every installed pack)",
        f"  domain: {data['domain']}; difficulty: {data['difficulty']}; "
        f"time budget: {count(data['time_budget_minutes'], 'minute')}",
        f"  skills: {', '.join(data['skills']) or 'none listed'}",
        f"  seeded flaws: {data['flaws']}" + (f" ({by_category})" if by_category else ""),
        f"  packages: {', '.join(data['requirements']) or 'none'}",
    ]
    if "flaw_details" not in data:
        return lines
    lines.append(f"  folder: {data['path']}")
    lines.append("flaws:")
    for f in data["flaw_details"]:
        lines += [
            f"  - {f['id']} [{f['category']}, severity {f['severity']}] {f['title']}",
            f"    at {', '.join(f['locations']) or 'no location'}",
            f"    judged by {f['grader']}: {', '.join(f['tests']) or 'no tests'}",
        ]
    lines.append("keeps:" if data["keeps"] else "keeps: none")
    for k in data["keeps"]:
        lines += [f"  - {k['id']}: {k['title']}", f"    judged by {', '.join(k['tests'])}"]
    lines.append(f"regression tests: {', '.join(data['regression']) or 'none'}")
    lines.append(f"sample submissions: {', '.join(data['samples']) or 'none'}")
    return lines


@click.group("scenario")
def scenario_group() -> None:
    """Author tools: validate, scaffold and self-check scenarios."""


@scenario_group.command("validate")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@json_option
def validate_cmd(paths: tuple[Path, ...], as_json: bool) -> None:
    """Report every problem in one or more scenario folders."""
    from harness.scenarios.manifest import Severity
    from harness.scenarios.validation import validate

    results = {str(p): validate(p) for p in paths}
    errors = sum(1 for probs in results.values() for p in probs if p.severity == Severity.ERROR)
    if as_json:
        emit_json(
            {
                path: [
                    {
                        "file": p.file,
                        "line": p.line,
                        "where": p.where,
                        "what": p.what,
                        "severity": p.severity.value,
                    }
                    for p in probs
                ]
                for path, probs in results.items()
            }
        )
    else:
        for path, probs in results.items():
            if not probs:
                click.echo(f"{path}: ok")
            for p in probs:
                click.echo(f"{path}/{p} ({p.severity.value})")
    if errors:
        raise click.exceptions.Exit(ExitCode.INVALID_INPUT)


@scenario_group.command("new")
@click.argument("scenario_id")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to create it [default: ./ID].",
)
def new_cmd(scenario_id: str, directory: Path | None) -> None:
    """Scaffold a small, valid, self-explaining scenario."""
    from harness.scenarios.scaffold import scaffold

    directory = directory or Path(scenario_id)
    with user_path(directory, hint="choose a writable folder with --dir"):
        target = scaffold(scenario_id, directory)
    click.echo(
        f"Created {target}. Next: edit it, then `dsim scenario validate {target}` and "
        f"`dsim scenario check {target}`."
    )


@scenario_group.command("check")
@click.argument("refs", nargs=-1)
@click.option(
    "--all", "all_", is_flag=True, help="Check every built-in scenario (not other packs')."
)
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Reference runs (flakiness check).",
)
@click.option("--backend", default="docker", show_default=True)
@click.option("--no-lock", is_flag=True, help="Do not write scenario.lock.json.")
@json_option
def check_cmd(
    refs: tuple[str, ...],
    all_: bool,
    runs: int,
    backend: str,
    no_lock: bool,
    as_json: bool,
) -> None:
    """Prove scenarios sound in real runs and write their lock files."""
    from harness.scenarios.packs import BUILTIN_PACK
    from harness.scenarios.scenario import library, resolve

    if not refs and not all_:
        raise click.UsageError("name scenarios (id or path) or pass --all")
    # Checking is how a lock is (re)written, so a scenario whose lock is stale is checked, not
    # refused. --all is the built-in pack only: an installed pack is checked from its source
    # (`dsim pack check`), never by writing locks into site-packages.
    if all_:
        scenarios = [s for s in library(verify=False) if s.pack and s.pack.name == BUILTIN_PACK]
    else:
        scenarios = [resolve(r, verify=False) for r in refs]
    run_checks(scenarios, backend=backend, runs=runs, write_lock=not no_lock, as_json=as_json)


def run_checks(
    scenarios: list[Any], *, backend: str, runs: int, write_lock: bool, as_json: bool
) -> None:
    """Validate and self-check ``scenarios`` one after another, print the rows (or JSON), and
    raise CheckFailed when any fails (InvalidInput when one does not validate)."""
    from harness.backends import get_backend
    from harness.grading.check import check
    from harness.grading.pipeline import image_for, warm_by_default
    from harness.scenarios.validation import validate

    chosen = get_backend(backend)
    reports = []
    # Runs are one after another: one container made ahead overlaps its start with a run.
    ahead: AbstractContextManager[dict[str, int]] = (
        chosen.warmed(spares=1) if warm_by_default(1) else nullcontext({})
    )
    with ahead:
        for scenario in scenarios:
            problems = [p for p in validate(scenario.path) if p.severity.value == "error"]
            if problems:
                raise InvalidInput(
                    f"{scenario.id} does not validate", problems=[str(p) for p in problems]
                )
            image, python = image_for(scenario, chosen)
            report = check(
                scenario, chosen, runs=runs, image=image, python=python, write_lock=write_lock
            )
            reports.append(report)
            if not as_json:
                click.echo(f"\n{scenario.id} ({'ok' if report.ok else 'FAILED'})")
                for name, status, detail in report.rows:
                    click.echo(f"  {status:4} {name}" + (f"  [{detail}]" if detail else ""))
    if as_json:
        emit_json(
            [
                {
                    "scenario": r.scenario,
                    "ok": r.ok,
                    "tests": len(r.tests),
                    "checks": [{"check": c, "status": s, "detail": d} for c, s, d in r.rows],
                }
                for r in reports
            ]
        )
    failed = [r.scenario for r in reports if not r.ok]
    if failed:
        raise CheckFailed(
            f"scenario check failed for {', '.join(failed)}", hint="see the FAIL rows above"
        )


COMMANDS = [scenarios_group, scenario_group]
