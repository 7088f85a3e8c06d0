"""``dsim similarity``, ``dsim timing``, ``dsim erase`` and ``dsim retention apply``: integrity
signals for a human, and candidate privacy (docs/privacy.md)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from harness.cli import Context, count, emit_json, json_option, pass_ctx
from harness.cli.scoring import profile_option

by_option = click.option(
    "--by", default="cli", show_default=True, help="Who does this (for the audit log)."
)


def _side_by_side(left: tuple[str, ...], right: tuple[str, ...], width: int = 60) -> list[str]:
    lines = []
    for a, b in zip(left, right, strict=False):
        rows_a, rows_b = a.splitlines(), b.splitlines()
        for i in range(max(len(rows_a), len(rows_b))):
            one = rows_a[i] if i < len(rows_a) else ""
            two = rows_b[i] if i < len(rows_b) else ""
            lines.append(f"    {one[:width].ljust(width)} | {two[:width]}")
        lines.append("    " + "-" * width + "-+-" + "-" * width)
    return lines


@click.command("similarity")
@click.option("--scenario", help="Only this scenario id.")
@click.option(
    "--threshold",
    type=click.FloatRange(0.01, 1.0),
    help="Flag pairs sharing at least this share of their own work [default 0.6].",
)
@json_option
@pass_ctx
def similarity_cmd(
    ctx: Context, scenario: str | None, threshold: float | None, as_json: bool
) -> None:
    """Candidates whose own work on a scenario is similar, for a human to compare.

    Compares each candidate's latest submission per scenario (their own diff and REVIEW.md, the
    base codebase, the AI change and the ticket excluded). A flag never changes a verdict or a
    score.
    """
    from harness.integrity import Settings, similarity

    settings = Settings() if threshold is None else Settings(threshold=threshold)
    done, missing = similarity(ctx.store, scenario=scenario, settings=settings)
    if as_json:
        emit_json(
            {
                "threshold": settings.threshold,
                "scenarios": [asdict(s) for s in done],
                "unavailable": [asdict(m) for m in missing],
            }
        )
        return
    for result in done:
        click.echo(
            f"{result.scenario_id}: {count(result.compared, 'submission')} compared, "
            f"{count(len(result.pairs), 'pair')} over {settings.threshold:.0%}"
            + (f" ({len(result.too_small)} too small to compare)" if result.too_small else "")
        )
        for pair in result.pairs:
            click.echo(f"  {pair.a} ~ {pair.b}: {pair.score:.0%}")
            for match in pair.matches:
                click.echo(
                    f"    {match.kind}: {match.share_a:.0%} of {pair.a}'s own {match.kind} "
                    f"is in {pair.b}'s, {match.share_b:.0%} the other way"
                )
                click.echo("\n".join(_side_by_side(match.fragments_a, match.fragments_b)))
    for item in missing:
        click.echo(f"{item.scenario_id}: not compared: {item.reason}", err=True)


@click.command("timing")
@click.option("--scenario", help="Only this scenario id.")
@json_option
@pass_ctx
def timing_cmd(ctx: Context, scenario: str | None, as_json: bool) -> None:
    """Submissions that came implausibly fast (complete, in under a fifth of the time budget) or
    long after the budget (over three budgets), with the cohort's numbers, for a human."""
    from harness.integrity import timing

    flagged = timing(ctx.store, scenario=scenario)
    if as_json:
        emit_json([{**asdict(s), "text": s.text()} for s in flagged])
        return
    if not flagged:
        click.echo("no timing flags")
    for signal in flagged:
        click.echo(signal.text())


@click.command("erase")
@click.argument("candidate")
@click.option("--dry-run", is_flag=True, help="Print what would be removed; remove nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@by_option
@json_option
@pass_ctx
def erase_cmd(
    ctx: Context, candidate: str, dry_run: bool, yes: bool, by: str, as_json: bool
) -> None:
    """Remove everything stored about CANDIDATE: assignments, workspaces, submissions, results,
    overrides, releases, jobs, records, group memberships, invites, sessions and audit entries
    naming them.

    One audit entry records that an erasure happened, with counts and without their name.
    """
    from harness.privacy import erase

    if not candidate.strip():
        raise click.BadParameter("name the candidate to erase", param_hint="CANDIDATE")
    if as_json and not (yes or dry_run):
        raise click.UsageError("--json cannot ask for confirmation: add --yes (or --dry-run)")
    home = ctx.settings.home
    if not dry_run and not yes:
        planned = erase(ctx.store, candidate, home=home, actor=by, dry_run=True)
        click.echo(_erasure_text(planned, candidate))
        click.confirm("Erase all of this for good?", abort=True)
    done = erase(ctx.store, candidate, home=home, actor=by, dry_run=dry_run)
    if as_json:
        emit_json(asdict(done))
        return
    click.echo(_erasure_text(done, candidate))


def _erasure_text(done: Any, candidate: str) -> str:
    verb = "would remove" if done.dry_run else "removed"
    lines = [f"{candidate}: {verb} " + ", ".join(f"{n} {k}" for k, n in done.removed.items())]
    lines += [f"  {verb} folder {f}" for f in done.folders]
    lines += [
        f"  left folder {f}: not a dsim workspace of theirs; check it by hand" for f in done.left
    ]
    return "\n".join(lines)


@click.group("retention")
def retention_group() -> None:
    """Keep candidate data only as long as the profile's [retention] policy says."""


@retention_group.command("apply")
@click.option("--dry-run", is_flag=True, help="Print what would be removed; remove nothing.")
@profile_option
@by_option
@json_option
@pass_ctx
def retention_apply_cmd(
    ctx: Context, dry_run: bool, profile_path: Path | None, by: str, as_json: bool
) -> None:
    """Blank old raw diffs and REVIEW.md texts (verdicts and scores stay), remove unused invites
    long expired and expired web sessions; audited."""
    from harness.privacy import apply
    from harness.scoring.profile import load_retention

    policy = load_retention(profile_path)
    done = apply(ctx.store, policy, actor=by, dry_run=dry_run)
    if as_json:
        emit_json({"dry_run": dry_run, "policy": asdict(policy), "removed": done.counts()})
        return
    verb = "would remove" if dry_run else "removed"
    click.echo(
        f"retention (diffs {policy.diffs_days} d, reviews {policy.reviews_days} d, unused "
        f"invites {policy.unused_invites_days} d after expiry): {verb} "
        + ", ".join(f"{n} {k}" for k, n in done.counts().items())
    )


COMMANDS = [similarity_cmd, timing_cmd, erase_cmd, retention_group]
