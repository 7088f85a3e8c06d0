"""``dsim worker`` and ``dsim queue``: grade queued jobs on any machine, and see the queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from harness.cli import Context, count, emit_json, iso, json_option, pass_ctx, table


def broker_option(fn: Any) -> Any:
    """``--broker URL`` / DSIM_BROKER, shared by ``grade`` and ``worker``."""
    return click.option(
        "--broker",
        envvar="DSIM_BROKER",
        metavar="URL",
        help="Grade through a queue: redis://host:6379/0 or amqp://… [env DSIM_BROKER; "
        "default: none, grading runs in this process and `dsim worker` polls the store].",
    )(fn)


reruns_option = click.option(
    "--reruns",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Re-run failing tests to spot flaky ones.",
)
"""Shared by ``dsim grade`` and ``dsim worker``: they grade the same way."""


def _seconds(name: str, default: float, text: str) -> Callable[[Any], Any]:
    return click.option(
        name,
        type=click.FloatRange(min=0.05),
        default=default,
        show_default=True,
        metavar="SECONDS",
        help=text,
    )


@click.command("worker")
@broker_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Gradings at once on this machine.",
)
@reruns_option
@click.option(
    "--backend",
    default="docker",
    show_default=True,
    help="docker (isolated) or local (unisolated, for authors' tests of the queue).",
)
@_seconds("--heartbeat", 10.0, "How often this worker says it is alive.")
@_seconds(
    "--stale-after",
    60.0,
    "A job whose worker has been silent this long is taken over (use one value everywhere).",
)
@click.option(
    "--attempts",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Tries per job before it ends as infra_error.",
)
@_seconds("--backoff", 10.0, "Wait before the first retry; doubles each time.")
@_seconds("--poll", 1.0, "Without a broker: how often to look for work when there was none.")
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Stop once nothing was left to grade for this long [default: run until stopped].",
)
@click.option(
    "--warm",
    type=click.Choice(["auto", "on", "off"]),
    default="auto",
    show_default=True,
    help="Create each run's container ahead of need (as `dsim grade --warm`). auto: when "
    "--jobs is below the number of CPUs.",
)
@pass_ctx
def worker_cmd(
    ctx: Context,
    broker: str | None,
    jobs: int,
    reruns: int,
    backend: str,
    heartbeat: float,
    stale_after: float,
    attempts: int,
    backoff: float,
    poll: float,
    idle_exit: float | None,
    warm: str,
) -> None:
    """Grade queued submissions until stopped (SIGTERM: jobs cut off go back to the queue and
    no container is left).

    Needs Docker here and the store (--db) that the submissions are in; with --broker, the
    broker too. Scenarios come from the store, so this machine needs none installed.
    """
    from harness.queue import Outcome, WorkerConfig, run_worker, worker_name

    if heartbeat * 2 > stale_after:
        raise click.BadParameter(
            "must be at least twice --heartbeat, or live workers look dead",
            param_hint="'--stale-after'",
        )
    config = WorkerConfig(
        cache=ctx.settings.home / "scenario-cache",
        jobs=jobs,
        reruns=reruns,
        heartbeat=heartbeat,
        stale_after=stale_after,
        attempts=attempts,
        backoff=backoff,
        poll=poll,
        idle_exit=idle_exit,
        warm={"auto": None, "on": True, "off": False}[warm],
        name=worker_name(),
    )
    store = ctx.store
    where = f"messages from {broker}" if broker else "the store's queue"
    click.echo(f"worker {config.name}: grading {where}, {count(jobs, 'job')} at once", err=True)
    ended: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        ended.append(outcome)
        click.echo(outcome.line())

    try:
        run_worker(store, config, backend=backend, broker=broker, on_done=done)
    except KeyboardInterrupt:
        click.echo(
            f"worker {config.name} stopped: jobs cut off were handed back; no container left",
            err=True,
        )
        return
    click.echo(f"worker {config.name}: idle, stopping ({count(len(ended), 'job')} ended)", err=True)


@click.command("queue")
@json_option
@pass_ctx
def queue_cmd(ctx: Context, as_json: bool) -> None:
    """Grading jobs: queued, running, failed, and what each worker did."""
    from harness.queue import summary

    seen = summary(ctx.store)
    if as_json:
        emit_json(
            {
                "queued": seen.queued,
                "running": seen.running,
                "stalled": seen.stalled,
                "done": seen.done,
                "failed": seen.failed,
                "workers": [w.__dict__ for w in seen.workers],
                "failures": [f.__dict__ for f in seen.failures],
            }
        )
        return
    click.echo(
        f"queued {seen.queued}  running {seen.running}  stalled {seen.stalled}  "
        f"done {seen.done}  failed {seen.failed}"
    )
    if seen.workers:
        rows = [
            [
                w.worker,
                str(w.running),
                str(w.done),
                str(w.failed),
                iso(w.last_heartbeat) if w.last_heartbeat else "-",
            ]
            for w in seen.workers
        ]
        click.echo(
            "\n"
            + table(["WORKER", "RUNNING", "DONE", "FAILED", "LAST HEARTBEAT"], rows, [30, 8, 6, 7])
        )
    if seen.failures:
        click.echo("\nfailed (latest first):")
        for failure in seen.failures:
            click.echo(f"  {failure.submission_id}: {failure.error}")
    if seen.stalled:
        click.echo(
            f"\n{count(seen.stalled, 'job')} held by silent workers: the next free worker takes "
            "them over"
        )


COMMANDS = [worker_cmd, queue_cmd]
