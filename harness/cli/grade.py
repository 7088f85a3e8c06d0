"""``dsim grade``: grade stored submissions in containers, in parallel, resumably; or queue them
for ``dsim worker``s (``--broker``)."""

from __future__ import annotations

from typing import Any

import click

from harness.cli import Context, count, emit_json, json_option, pass_ctx
from harness.cli.queue import broker_option, reruns_option
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
@reruns_option
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
@broker_option
@click.option(
    "--wait",
    is_flag=True,
    help="With --broker: wait for the workers, showing progress read from the store.",
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
    broker: str | None,
    wait: bool,
    as_json: bool,
) -> None:
    """Grade submissions with hidden tests and store the verdicts.

    With --broker (or DSIM_BROKER) the submissions are queued for `dsim worker`s instead;
    --jobs, --reruns and --warm are then the workers' to choose.
    """
    from harness.backends import get_backend
    from harness.grading.pipeline import BatchEntry, grade_batch, result_key
    from harness.scenarios.scenario import resolve

    if not submission_ids and not pending:
        raise click.UsageError("name submissions or pass --pending")
    if wait and not broker:
        raise click.UsageError("--wait needs --broker (without one, grading waits anyway)")
    if broker and backend != "docker":
        raise click.UsageError("with --broker, workers grade in Docker: drop --backend")
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
    if broker:
        _queue(store, ids, broker=broker, force=force, wait=wait, as_json=as_json)
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


def _queue(
    store: Any, ids: list[str], *, broker: str, force: bool, wait: bool, as_json: bool
) -> None:
    """Queue ``ids`` for the workers; with ``wait``, follow them to the end."""
    from harness.queue import enqueue, states
    from harness.queue import wait as follow

    job_ids = enqueue(store, ids, force=force, broker=broker)
    if not wait:
        now = states(store, ids)
        if as_json:
            emit_json(
                [
                    {"submission_id": s, "job_id": j, "status": now.get(s, "not queued")}
                    for s, j in zip(ids, job_ids, strict=True)
                ]
            )
        else:
            click.echo(
                f"queued {count(len(ids), 'submission')} for the workers; "
                "`dsim queue` shows progress, `dsim results` the verdicts"
            )
        return
    try:
        final = follow(store, ids) if as_json else _follow(store, ids)
    except KeyboardInterrupt:
        click.echo("Stopped waiting; the jobs stay queued (`dsim queue`).", err=True)
        raise click.exceptions.Exit(ExitCode.INTERRUPTED) from None
    if as_json:
        emit_json(
            [
                {"submission_id": s, "job_id": j, "status": final.get(s, "not queued")}
                for s, j in zip(ids, job_ids, strict=True)
            ]
        )
    if any(state != "graded" for state in final.values()):
        if not as_json:
            click.echo(
                "Error: some gradings hit infrastructure problems; they are not scored "
                "(`dsim queue` shows why). Fix the cause and re-run to queue them again.",
                err=True,
            )
        raise click.exceptions.Exit(ExitCode.INFRA)


def _follow(store: Any, ids: list[str]) -> dict[str, str]:
    from rich.progress import Progress

    from harness.queue import FINAL
    from harness.queue import wait as follow

    with Progress(transient=False) as progress:
        task = progress.add_task(f"grading {count(len(ids), 'submission')}", total=len(ids))

        def changed(sid: str, state: str) -> None:
            if state in FINAL:
                progress.advance(task)
                progress.console.print(f"{sid}: {state}")

        return follow(store, ids, on_change=changed)


COMMANDS = [grade_cmd]
