"""``dsim validity``: whether simulation scores predict later delivery success."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from harness.cli import Context, emit_json, json_option, pass_ctx, table, write_text
from harness.cli.scoring import profile_option
from harness.errors import InvalidInput


def _corr(label: str, value: float | None, low: float | None, high: float | None) -> str:
    if value is None:
        return f"  {label:<9} n/a"
    interval = "" if low is None or high is None else f"  (95% {low:.2f} to {high:.2f})"
    return f"  {label:<9} {value:5.2f}{interval}"


before_option = click.option(
    "--before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Predictive validity's split: simulation before this date, delivery records from it on "
    "[default: each candidate's first delivery record].",
)
"""Shared by ``dsim validity`` and ``dsim cohort``: one split, said one way."""


@click.command("validity")
@before_option
@click.option(
    "--min-records",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Delivery records a candidate needs after the split to count.",
)
@click.option(
    "--fit",
    "fit_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the fitted simulation weight as a profile overlay to review (never applied).",
)
@click.option("--force", is_flag=True, help="Overwrite the --fit file if it exists.")
@profile_option
@json_option
@pass_ctx
def validity_cmd(
    ctx: Context,
    before: datetime | None,
    min_records: int,
    fit_path: Path | None,
    force: bool,
    profile_path: Path | None,
    as_json: bool,
) -> None:
    """Predictive validity: do simulation scores predict later delivery success?

    Correlations (Pearson, Spearman) with bootstrap 95% intervals, a calibration table, and
    whether the simulation's weight in the score (simulation_discount) is supported by the data.
    """
    from harness.evidence.validity import proposed_profile, validity
    from harness.scoring.profile import load_profile

    if force and fit_path is None:
        raise click.UsageError("--force only applies to --fit PATH")
    if fit_path is not None and fit_path.exists() and not force:
        raise InvalidInput(
            f"{fit_path} exists; nothing was written", hint="pass --force to overwrite it"
        )
    result = validity(ctx.store, load_profile(profile_path), before=before, min_records=min_records)
    if fit_path is not None:
        if result.fitted_discount is None:
            raise InvalidInput(
                f"no weight to propose: {result.verdict}", hint="nothing was written"
            )
        write_text(fit_path, proposed_profile(result), hint="choose a writable file with --fit")
        click.echo(
            f"proposed simulation_discount = {result.fitted_discount:g} written to {fit_path}; "
            f"it was NOT applied: review it, then use it with --profile {fit_path}",
            err=True,
        )
    if as_json:
        emit_json(result.as_dict())
        return
    if not result.n:
        click.echo(result.verdict)
        return
    click.echo(f"Predictive validity (split: {result.split}; n = {result.n} candidates)")
    click.echo(_corr("Pearson", result.pearson.value, result.pearson.low, result.pearson.high))
    click.echo(_corr("Spearman", result.spearman.value, result.spearman.low, result.spearman.high))
    click.echo(
        "  benchmark: work samples ≈ .33 (Sackett et al. 2022; .54 in Schmidt & Hunter 1998)"
    )
    click.echo("Calibration: simulation score band → later delivery success")
    click.echo(
        table(
            ["SCORE", "N", "MEAN SCORE", "LATER SUCCESS"],
            [
                [b.label, str(b.n), f"{b.mean_score:.0f}", f"{b.success_rate:.0%}"]
                for b in result.bands
            ],
            [9, 5, 11],
        )
    )
    if result.fitted_discount is not None:
        click.echo(
            f"Weight: simulation_discount {result.discount:.2f}; fitted "
            f"{result.fitted_discount:.2f} (95% {result.fitted_low:.2f}–{result.fitted_high:.2f}): "
            + ("supported" if result.supported else "not supported")
        )
    click.echo(result.verdict)
    for warning in result.warnings:
        click.echo(f"  warning: {warning}", err=True)


COMMANDS = (validity_cmd,)
