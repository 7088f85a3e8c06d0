"""The new hire's path: ``dsim start`` and ``dsim submit``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from harness.cli import Context, count, emit_json, json_option, pass_ctx, read_text, user_path
from harness.errors import ExitCode, NotFound

if TYPE_CHECKING:
    from harness.workspace.submit import Receipt


@click.command("start")
@click.argument("scenario_ref")
@click.option("--candidate", required=True, help="Who takes the scenario.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder [default: HOME/workspaces/CANDIDATE/SCENARIO].",
)
@click.option("--seed", type=int, help="Variant seed [default: derived from candidate+scenario].")
@json_option
@pass_ctx
def start_cmd(
    ctx: Context,
    scenario_ref: str,
    candidate: str,
    directory: Path | None,
    seed: int | None,
    as_json: bool,
) -> None:
    """Make a workspace: the codebase and the AI change as two commits, the ticket, REVIEW.md."""
    from harness.scenarios.scenario import resolve
    from harness.store.candidates import normalise_candidate
    from harness.workspace.start import install_command, start

    scenario = resolve(scenario_ref)
    # One person, one folder: the folder is named by the candidate id, not the name as typed.
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in normalise_candidate(candidate))
    if not safe.strip("."):  # ".", ".." would leave the workspaces folder
        safe = safe.replace(".", "_") or "_"
    target = directory or ctx.settings.workspaces() / safe / scenario.id
    store = ctx.store
    with user_path(target, hint="choose a writable folder with --dir"):
        started = start(scenario, candidate, target, store, seed=seed)
    if as_json:
        emit_json(
            {
                "assignment": started.assignment_id,
                "workspace": str(started.workspace),
                "scenario": scenario.id,
                "seed": started.seed,
                "candidate": started.candidate,
                "warnings": list(started.warnings),
            }
        )
        return
    for warning in started.warnings:
        click.echo(f"warning: {warning}", err=True)
    install = install_command(scenario.manifest.runtime.requirements)
    lines = [
        f"Workspace ready: {started.workspace}",
        "  Read BRIEF.md (the ticket; its Setup section says what to install) and",
        "  TRANSCRIPT.md (how the AI change came about).",
        "  The AI change is the last commit: review it with `git show HEAD`.",
        *([f"  Install what the code needs: {install}"] if install else []),
        "  Run the visible tests with `python -m pytest`: a starting point, not the grade;",
        "  hidden tests decide.",
        f"  Time budget: {scenario.manifest.time_budget_minutes} minutes.",
        "  Fix what is wrong, keep what is right, list what you found in REVIEW.md.",
        f"  When done: dsim submit {started.workspace}",
    ]
    click.echo("\n".join(lines))


def _receipt_json(receipt: Receipt) -> dict[str, Any]:
    row, review = receipt.submission, receipt.review
    return {
        "submission": row.id,
        "duplicate": receipt.duplicate,
        "candidate": row.candidate,
        "scenario": row.scenario_id,
        "findings": [f.as_dict() for f in receipt.findings],
        "not_submitted": [asdict(left) for left in receipt.left_out],
        "warnings": list(receipt.warnings),
        "review": {
            "findings": len(review.findings),
            "problems": [asdict(p) for p in review.problems],
            "warning": review.warning or None,
        },
    }


def _tell(receipt: Receipt) -> None:
    row, review = receipt.submission, receipt.review
    if receipt.duplicate:
        click.echo(
            f"Already submitted as {row.id} for {row.candidate} on {row.scenario_id}: "
            "the same change and REVIEW.md. Nothing new was stored."
        )
    else:
        click.echo(f"Submitted {row.id} for {row.candidate} on {row.scenario_id}.")
    for warning in receipt.warnings:
        click.echo(f"  warning: {warning}", err=True)
    count = len(review.findings)
    click.echo(f"  REVIEW.md: {count} finding{'' if count == 1 else 's'}.")
    if review.warning:
        click.echo(f"  warning: {review.warning}", err=True)
    for problem in review.problems:
        click.echo(
            f"  warning: REVIEW.md line {problem.line} is not a finding: {problem.text}", err=True
        )
        click.echo(f"           {problem.why}", err=True)
    by_reason: dict[str, list[str]] = {}
    for left in receipt.left_out:
        shown = f"{left.path} ({left.files} files)" if left.files > 1 else left.path
        by_reason.setdefault(left.reason, []).append(shown)
    for reason, paths in by_reason.items():
        click.echo(f"  Not submitted ({reason}): {', '.join(paths)}")
    for finding in receipt.findings:
        click.echo(f"  integrity: {finding.detail}", err=True)
    if receipt.findings:
        click.echo(
            "  Changes to protected paths were stored for the assessor but will not be "
            "applied when grading.",
            err=True,
        )


def _check_started_here(ctx: Context, workspace: Path) -> None:
    """A workspace started with another store (another --home / DSIM_HOME / --db) is named
    with the store dsim looked in, not mistaken for a lost assignment."""
    from harness.cli._store import shown
    from harness.workspace.start import read_marker

    assignment = read_marker(workspace)["assignment"]
    store = ctx.store
    try:
        store.assignment(assignment)
    except NotFound:
        raise NotFound(
            f"{workspace} was started with another store: its assignment {assignment} is not "
            f"in {shown(store.url)}",
            hint="submit with the --home / DSIM_HOME (or --db) you used for `dsim start`",
        ) from None


@click.command("submit")
@click.argument(
    "directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--scenario", "scenario_ref", help="With --patch: the scenario the patch is for.")
@click.option("--candidate", help="With --patch: who submits.")
@click.option(
    "--patch",
    "patch_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Submit a diff against the starting point instead of a workspace.",
)
@click.option(
    "--review",
    "review_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --patch: the REVIEW.md to submit.",
)
@click.option("--seed", type=int, help="With --patch: the variant seed.")
@click.option(
    "--to",
    "server",
    metavar="URL",
    help="Send a workspace downloaded from a dsim server to that server (its token is in the "
    "workspace).",
)
@click.option("--yes", "-y", is_flag=True, help="With --to: do not ask before sending.")
@json_option
@pass_ctx
def submit_cmd(
    ctx: Context,
    directory: Path | None,
    scenario_ref: str | None,
    candidate: str | None,
    patch_file: Path | None,
    review_file: Path | None,
    seed: int | None,
    server: str | None,
    yes: bool,
    as_json: bool,
) -> None:
    """Submit a workspace (or a patch file) for grading.

    Submitted: changes to the files you received, and new files inside the scenario's editable
    paths; other new files are listed as not submitted. REVIEW.md is checked: every line that
    looks like a finding but does not parse is shown with how to fix it. Submitting the same
    change and review again stores nothing. Exits 5 when the change touches protected files,
    3 (nothing stored) when it carries a binary file, from a workspace or a patch alike.
    """
    from harness.scenarios.scenario import resolve
    from harness.workspace import submit as submission

    if directory and patch_file:
        raise click.UsageError("give a workspace folder or --patch, not both")
    if server is not None:
        if patch_file or scenario_ref or candidate or review_file or seed is not None:
            raise click.UsageError(
                "--to sends a workspace folder; --patch and its options are for a local store"
            )
        _send(directory or Path.cwd(), server, yes=yes or as_json, as_json=as_json)
        return
    if patch_file:
        if not scenario_ref or not candidate:
            raise click.UsageError("--patch needs --scenario and --candidate")
        scenario = resolve(scenario_ref)
        diff = read_text(patch_file, hint="--patch takes a unified diff (`git diff` output)")
        submission.refuse_binaries(diff, source="--patch")
        receipt = submission.hand_in(
            ctx.store,
            scenario,
            candidate=candidate,
            diff=diff,
            review_text=read_text(review_file, hint="--review takes a REVIEW.md text file")
            if review_file
            else "",
            source="patch",
            seed=seed,
        )
    else:
        if scenario_ref or candidate or review_file or seed is not None:
            raise click.UsageError("--scenario/--candidate/--review/--seed go with --patch")
        workspace = directory or Path.cwd()
        _check_started_here(ctx, workspace)
        receipt = submission.hand_in_workspace(ctx.store, workspace)
    if as_json:
        emit_json(_receipt_json(receipt))
    else:
        _tell(receipt)
    if receipt.findings:
        raise click.exceptions.Exit(ExitCode.INTEGRITY)


def _send(workspace: Path, server: str, *, yes: bool, as_json: bool) -> None:
    """``dsim submit --to``: show what goes and what the server thinks of REVIEW.md, ask, send."""
    from harness.workspace import remote

    outgoing = remote.prepare(workspace, server)
    preview = remote.send(outgoing, dry_run=True)
    if not as_json:
        files = changed_paths(outgoing.diff)
        click.echo(
            f"Your change touches {count(len(files), 'file')}"
            + (f": {', '.join(files)}" if files else " (you ship the AI change as it is)")
        )
        for left in outgoing.left_out:
            click.echo(f"  not submitted: {left.path} ({left.reason})")
        _tell_lint(preview)
    if not yes and not click.confirm(f"Send it to {outgoing.url}?", default=True):
        click.echo("Nothing sent.")
        return
    answer = remote.send(outgoing)
    if as_json:
        emit_json(answer)
        return
    if answer.get("duplicate"):
        click.echo(f"Already submitted: this is your latest submission {answer['submission']}.")
    else:
        click.echo(f"Submitted: {answer['submission']}. Your assessor will release feedback.")


def _tell_lint(answer: dict[str, Any]) -> None:
    review = answer.get("review") or {}
    click.echo(f"REVIEW.md: {count(int(review.get('findings', 0)), 'finding')} recognised.")
    if review.get("warning"):
        click.echo(f"  warning: {review['warning']}")
    for problem in review.get("problems") or []:
        click.echo(f"  line {problem['line']}: {problem['why']}")
    for found in answer.get("protected") or []:
        click.echo(f"  protected, will not be applied: {found.get('path')} ({found.get('detail')})")


def changed_paths(diff: str) -> list[str]:
    """The files a unified diff touches, from its ``diff --git`` headers."""
    paths = []
    for line in diff.splitlines():
        if line.startswith("diff --git a/"):
            paths.append(line.split(" b/", 1)[-1])
    return paths


COMMANDS = [start_cmd, submit_cmd]
