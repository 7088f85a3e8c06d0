"""``dsim grade``: grade stored submissions in containers, in parallel, resumably."""

from __future__ import annotations

import click

from harness.cli import Context, count, emit_json, json_option, pass_ctx
from harness.errors import ExitCode


@click.command("grade")
@click.argument("submission_ids", nargs=-1)
@click.option("--pending", is_flag=True, help="Grade every latest submission without a result.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Parallel gradings.",
)
@click.option(
    "--backend",
    default="docker",
    show_default=True,
    help="docker (isolated) or local (unisolated, for authors).",
)
@click.option("--require-isolation", is_flag=True, help="Refuse unisolated backends.")
@click.option(
    "--reruns",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Re-run failing tests to spot flaky ones.",
)
@click.option("--force", is_flag=True, help="Grade again even when an identical result exists.")
@click.option(
    "--warm",
    type=click.Choice(["auto", "on", "off"]),
    default="auto",
    show_default=True,
    help="Create and start each run's container ahead of need, still one fresh "
    "container per run. auto: when --jobs is below the number of CPUs (at or "
    "above it the CPUs are busy and it only adds work).",
)
@json_option
@pass_ctx
def grade_cmd(
    ctx: Context,
    submission_ids: tuple[str, ...],
    pending: bool,
    jobs: int,
    backend: str,
    require_isolation: bool,
    reruns: int,
    force: bool,
    warm: str,
    as_json: bool,
) -> None:
    """Grade submissions with hidden tests and store the verdicts."""
    from harness.backends import get_backend
    from harness.grading.pipeline import BatchEntry, grade_batch, result_key
    from harness.scenarios.scenario import resolve

    if not submission_ids and not pending:
        raise click.UsageError("name submissions or pass --pending")
    ahead = {"auto": None, "on": True, "off": False}[warm]
    chosen = get_backend(backend)
    if require_isolation and not chosen.isolated:
        raise click.UsageError(f"backend {backend} is not isolated (--require-isolation)")
    store = ctx.store
    # A named submission that does not exist is not found (4), not an infrastructure failure.
    ids = [store.submission(given).id for given in submission_ids]
    if pending:
        for sub in store.submissions(latest_only=True):
            key = result_key(sub, resolve(sub.scenario_ref))
            if force or store.result_for(sub.id, key) is None:
                ids.append(sub.id)
    ids = list(dict.fromkeys(ids))
    if not ids:
        if as_json:
            emit_json([])
        else:
            click.echo("Nothing to grade.")
        return
    if as_json:
        graded = grade_batch(store, ids, chosen, jobs=jobs, reruns=reruns, force=force, warm=ahead)
    else:
        from rich.progress import Progress

        with Progress(transient=False) as progress:
            task = progress.add_task(f"grading {count(len(ids), 'submission')}", total=len(ids))

            def done(g: BatchEntry) -> None:
                progress.advance(task)
                progress.console.print(
                    f"{g.submission_id} {g.candidate} {g.scenario_id}: {g.label} "
                    f"({g.summary}, {g.seconds:.1f}s{', cached' if g.cached else ''})"
                )

            graded = grade_batch(
                store, ids, chosen, jobs=jobs, reruns=reruns, force=force, on_done=done, warm=ahead
            )
    if as_json:
        emit_json([{**g.__dict__, "status": g.label} for g in graded])
    if any(g.failed for g in graded):
        if not as_json:
            click.echo(
                "Error: some gradings hit infrastructure problems; they are not scored. "
                "Fix the cause (`dsim doctor`) and re-run to resume.",
                err=True,
            )
        raise click.exceptions.Exit(ExitCode.INFRA)


COMMANDS = [grade_cmd]
