"""``dsim pack new|check|list``: scenario packs, the way an organisation keeps private scenarios."""

from __future__ import annotations

from pathlib import Path

import click

from harness.cli import emit_json, json_option, user_path
from harness.errors import InvalidInput


@click.group("pack")
def pack_group() -> None:
    """Scenario packs: scaffold, check and list them (docs/packs.md)."""


@pack_group.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to create it [default: ./NAME].",
)
def new_cmd(name: str, directory: Path | None) -> None:
    """Scaffold a pack: pyproject, CI script and a sample scenario that passes the checks."""
    from harness.scenarios.scaffold import scaffold_pack

    directory = directory or Path(name)
    with user_path(directory, hint="choose a writable folder with --dir"):
        target = scaffold_pack(name, directory)
    # pip reads a bare word as a package name to download: name the folder as a path.
    where = target if target.is_absolute() or str(target).startswith(".") else f"./{target}"
    click.echo(
        f"Created {target}. Next: `dsim pack check {target}` (validates, self-checks and locks "
        f"every scenario), then `pip wheel --no-deps -w dist {where}`."
    )


@pack_group.command("check")
@click.argument(
    "directory", type=click.Path(exists=True, file_okay=False, path_type=Path), default="."
)
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Reference runs per scenario (flakiness check).",
)
@click.option("--backend", default="docker", show_default=True)
@click.option(
    "--relock",
    is_flag=True,
    help="Lock a scenario whose content changed under a version already locked (only for a "
    "version never released).",
)
@json_option
def check_cmd(directory: Path, runs: int, backend: str, relock: bool, as_json: bool) -> None:
    """Validate and self-check every scenario of a pack's source, and write each lock."""
    from harness.cli.scenarios import run_checks
    from harness.scenarios.packs import source_folders
    from harness.scenarios.scenario import MANIFEST, changed_without_bump, load

    folders, problems = source_folders(directory, MANIFEST)
    scenarios = [load(f) for f in folders]
    if not relock:
        problems += [
            f"{s.path}: changed since version {s.version} was locked; bump `version` in its "
            "scenario.toml (or pass --relock if that version was never released)"
            for s in scenarios
            if changed_without_bump(s)
        ]
    if problems:
        raise InvalidInput(f"the pack at {directory} is not ready", problems=problems)
    run_checks(scenarios, backend=backend, runs=runs, write_lock=True, as_json=as_json)


@pack_group.command("list")
@json_option
def list_cmd(as_json: bool) -> None:
    """List the installed packs (`dsim scenarios list` shows their scenarios too)."""
    from harness.errors import ExitCode
    from harness.scenarios.scenario import installed

    found = installed()
    rows = [
        {
            "name": p.name,
            "version": p.version,
            "entry_point": p.entry_point,
            "folder": str(p.root),
            "scenarios": [s for s in p.scenario_ids if found.owners.get(s) == p],
        }
        for p in found.packs
    ]
    if as_json:
        emit_json(rows)
    else:
        for r in rows:
            click.echo(
                f"{r['name']} {r['version']}: {len(r['scenarios'])} scenario(s) in {r['folder']}"
            )
    for problem in found.problems:
        click.echo(f"Error: {problem}", err=True)
    if found.problems:
        raise click.exceptions.Exit(ExitCode.INVALID_INPUT)


COMMANDS = [pack_group]
