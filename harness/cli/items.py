"""``dsim items`` (item analysis) and ``dsim reliability``: cohort evidence for scenario authors and
whoever has to defend the test (issue 18)."""

from __future__ import annotations

from pathlib import Path

import click

from harness.cli import Context, count, emit_json, json_option, pass_ctx, table
from harness.cli.scoring import profile_option
from harness.errors import NotFound


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace("-", "−")


@click.command("items")
@click.option("--scenario", metavar="ID", help="Only this scenario's items.")
@profile_option
@json_option
@pass_ctx
def items_cmd(ctx: Context, scenario: str | None, profile_path: Path | None, as_json: bool) -> None:
    """Item analysis: pass rate, discrimination and difficulty of every flaw and keep, with
    flags for the scenario author."""
    from harness.evidence.cohort import load_cohort
    from harness.evidence.items import analyse_items
    from harness.scoring.profile import load_profile

    cohort = load_cohort(ctx.store, load_profile(profile_path))
    analysis = analyse_items(cohort, scenario=scenario)
    if scenario is not None and cohort.responses and not analysis.items:
        taken = sorted({r.scenario for r in cohort.responses})
        raise NotFound(
            f"no graded verdicts for scenario {scenario!r}",
            hint=f"the cohort took {', '.join(taken)}",
        )
    if as_json:
        emit_json(analysis.as_dict())
        return
    if not analysis.items:
        click.echo("No graded flaw or keep verdicts yet: item analysis needs graded submissions.")
        return
    click.echo(
        f"{count(len(analysis.items), 'item')} across {count(analysis.candidates, 'candidate')}"
    )
    for warning in analysis.warnings:
        click.echo(f"warning: {warning}")
    rows = [
        [
            f"{item.scenario}@{item.version}",
            item.item,
            item.kind,
            str(item.responses),
            f"{item.pass_rate:.0%}",
            _number(item.discrimination),
            f"{_number(item.difficulty)} ± {_number(item.difficulty_se)}"
            if item.difficulty is not None
            else "—",
        ]
        for item in analysis.items
    ]
    header = ["SCENARIO", "ITEM", "KIND", "N", "PASS", "DISCR", "DIFFICULTY"]
    lines = table(header, rows, [28, 28, 5, 5, 5, 6]).splitlines()
    click.echo(lines[0])
    for item, line in zip(analysis.items, lines[1:], strict=True):
        click.echo(line)
        if item.title:
            click.echo(f"    {item.title}")
        for flag in item.flags:
            click.echo(f"    ! {flag}")


@click.command("reliability")
@click.option(
    "--cut",
    type=click.FloatRange(0, 100),
    metavar="SCORE",
    help="Cut score on the 0-100 scale for the error near the cut [default: the profile's].",
)
@profile_option
@json_option
@pass_ctx
def reliability_cmd(
    ctx: Context, cut: float | None, profile_path: Path | None, as_json: bool
) -> None:
    """How consistent the scores are: KR-20 per scenario, the score's marginal reliability and
    its standard error overall and near the cut."""
    from harness.evidence.cohort import load_cohort
    from harness.evidence.reliability import NEAR_CUT_POINTS, reliability
    from harness.scoring.profile import load_profile

    cohort = load_cohort(ctx.store, load_profile(profile_path))
    result = reliability(cohort, cut=cut)
    if as_json:
        emit_json(result.as_dict())
        return
    if not result.candidates and not result.scenarios:
        click.echo("No scored candidates yet: reliability needs graded submissions.")
        return
    if result.scenarios:
        rows = [
            [
                f"{s.scenario}@{s.version}",
                str(s.candidates),
                str(s.items),
                _number(s.kr20),
                f"{_number(s.low)} to {_number(s.high)}" if s.low is not None else "—",
            ]
            for s in result.scenarios
        ]
        click.echo(table(["SCENARIO", "N", "ITEMS", "KR-20", "95% INTERVAL"], rows, [28, 5, 6, 6]))
        for s in result.scenarios:
            if s.warning:
                click.echo(f"    ! {s.warning}")
        click.echo()
    click.echo(f"candidates scored: {result.candidates}")
    marginal = _number(result.marginal)
    if result.marginal_low is not None:
        marginal += f" (95% {_number(result.marginal_low)} to {_number(result.marginal_high)})"
    click.echo(f"marginal reliability of the score: {marginal}")
    click.echo(f"Rasch person separation: {_number(result.separation)} (n = {result.separation_n})")
    click.echo(f"standard error of measurement: {_number(result.sem, 1)} points")
    if result.cut is not None:
        click.echo(
            f"standard error near the cut {result.cut:g}: {_number(result.sem_at_cut, 1)} points"
            f" (n = {result.near_cut} within ±{NEAR_CUT_POINTS:g})"
        )
    else:
        click.echo("standard error near a cut: no cut score (--cut, or cohort.cut_score)")
    for warning in result.warnings:
        click.echo(f"warning: {warning}")


COMMANDS = (items_cmd, reliability_cmd)
