"""``dsim score``, ``dsim compare`` and ``dsim records`` (import, list, delete)."""

from __future__ import annotations

import csv
import getpass
import io
from pathlib import Path
from typing import Any

import click

from harness.cli import Context, emit_json, fit, json_option, pass_ctx, table, write_text
from harness.errors import NotFound

profile_option = click.option(
    "--profile",
    "profile_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Scoring profile TOML overlaying the default (weights, prior, half-life, …).",
)


def _bar(low: float, high: float, mean: float, width: int = 30) -> str:
    cells = [" "] * width
    for i in range(int(low * width), min(int(high * width) + 1, width)):
        cells[i] = "─"
    cells[min(int(mean * width), width - 1)] = "●"
    return "[" + "".join(cells) + "]"


@click.command("score")
@click.argument("candidate")
@profile_option
@json_option
@pass_ctx
def score_cmd(ctx: Context, candidate: str, profile_path: Path | None, as_json: bool) -> None:
    """A candidate's judgment score with 80% intervals, basis and cohort percentile."""
    from harness.scoring.posterior import score_all
    from harness.store.candidates import normalise_candidate

    candidate = normalise_candidate(candidate)
    from harness.scoring.profile import load_profile

    scores = score_all(ctx.store, load_profile(profile_path), candidates=[candidate])
    if candidate not in scores:
        raise NotFound(
            f"no graded work or delivery records for {candidate!r}",
            hint="`dsim results` lists candidates",
        )
    s = scores[candidate]
    if as_json:
        emit_json(s.as_dict())
        return
    d = s.as_dict()
    if s.overall.measured:
        click.echo(
            f"{candidate}: {d['score']} (80% interval {d['interval'][0]}–{d['interval'][1]})"
            f"  {_bar(s.overall.low, s.overall.high, s.overall.mean)}"
        )
    else:
        click.echo(f"{candidate}: no score yet")
    click.echo(f"  {s.meaning}")
    click.echo(f"  basis: {s.basis}")
    for conflict in d["conflicts"]:
        click.echo(f"  warning: {conflict}; that dimension follows the delivery records")
    if s.percentile is not None:
        click.echo(
            f"  percentile: {s.percentile} among {s.cohort_size} who took the same "
            "scenario versions"
        )
    for name, dim in s.dimensions.items():
        if not dim.measured:
            click.echo(f"  {name:<8}   n/a  (no evidence)")
            continue
        click.echo(
            f"  {name:<8} {dim.mean * 100:5.1f}  ({dim.low * 100:.0f}–{dim.high * 100:.0f})"
            f"  {_bar(dim.low, dim.high, dim.mean)}"
        )
    if s.ability:
        from harness.reports.candidate import ability_note

        click.echo(f"  difficulty: {ability_note(s.ability)}")
    for note in s.excluded:
        click.echo(f"  excluded: {note}")


@click.command("compare")
@click.argument("candidates", nargs=-1, required=True)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the table as CSV.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the comparison as one self-contained HTML file.",
)
@profile_option
@json_option
@pass_ctx
def compare_cmd(
    ctx: Context,
    candidates: tuple[str, ...],
    csv_path: Path | None,
    html_path: Path | None,
    profile_path: Path | None,
    as_json: bool,
) -> None:
    """Compare candidates: intervals and the probability that each is ahead."""
    from harness.scoring.comparison import compare
    from harness.scoring.posterior import score_all
    from harness.scoring.profile import load_profile
    from harness.store.candidates import normalise_candidate

    if len(candidates) < 2:
        raise click.UsageError("name at least two candidates")
    candidates = tuple(dict.fromkeys(normalise_candidate(c) for c in candidates))
    if len(candidates) < 2:
        raise click.UsageError("name at least two different candidates")
    profile = load_profile(profile_path)
    scores = score_all(ctx.store, profile, candidates=candidates)
    missing = [c for c in candidates if c not in scores]
    if missing:
        raise NotFound(
            f"no graded work for {', '.join(missing)}", hint="`dsim results` lists candidates"
        )
    result = compare(scores, list(dict.fromkeys(candidates)), profile)
    if csv_path:
        handle = io.StringIO(newline="")
        writer = csv.writer(handle)
        writer.writerow(
            [
                "rank",
                "candidate",
                "score",
                "low",
                "high",
                "basis",
                *[f"p_ahead_of_{b}" for b in result.order],
            ]
        )
        for rank, name in enumerate(result.order, start=1):
            d = scores[name].as_dict()
            writer.writerow(
                [
                    rank,
                    name,
                    d["score"],
                    *d["interval"],
                    d["basis"],
                    *[result.matrix[name].get(b, "") for b in result.order],
                ]
            )
        write_text(csv_path, handle.getvalue(), hint="choose a writable file with --csv")
    if html_path:
        from harness.reports.comparison import build_comparison, render_comparison

        write_text(
            html_path,
            render_comparison(build_comparison(scores, result, profile)),
            hint="choose a writable file with --html",
        )
    if as_json:
        emit_json(result.as_dict(scores))
        return
    click.echo(
        f"ranked by {result.ranking_method}; score = what they did, interval = their likely level"
    )
    for rank, name in enumerate(result.order, start=1):
        s = scores[name]
        tie = any(name in pair for pair in result.ties)
        click.echo(
            f"{rank:>2}. {fit(name, 20)} {s.overall.mean * 100:5.1f} "
            f"({s.overall.low * 100:.0f}–{s.overall.high * 100:.0f}, likely {s.level * 100:.0f}) "
            f"{_bar(s.overall.low, s.overall.high, s.overall.mean)}"
            f"{'  ~tie' if tie else ''}"
        )
    if result.caveat:
        click.echo(result.caveat)
    for line in result.sentences:
        click.echo(line)


@click.group("records")
def records_group() -> None:
    """Delivery records: outcomes of real AI-assisted changes."""


def _record_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "candidate": row.engineer,
        "name": row.engineer_name or row.engineer,
        "date": row.date.date().isoformat(),
        "source": row.source,
        "source_id": row.source_id,
        "dimension": row.dimension,
        "outcome": row.outcome,
        "weight": row.weight,
        "note": row.note,
        "deleted": None
        if row.deleted_at is None
        else {"at": row.deleted_at.isoformat(), "by": row.deleted_by, "reason": row.deleted_reason},
    }


@records_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some are bad.")
@json_option
@pass_ctx
def import_cmd(ctx: Context, path: Path, skip_bad: bool, as_json: bool) -> None:
    """Import delivery records from CSV (all or nothing unless --skip-bad).

    Importing is idempotent: a row already stored (same id column, else same content) adds
    nothing and is counted as already present.
    """
    from harness.scoring.records import import_csv

    report = import_csv(ctx.store, path, skip_bad=skip_bad)
    if as_json:
        emit_json(
            {
                "imported": report.imported,
                "already_present": report.already_present,
                "skipped": report.skipped,
                "warnings": report.warnings,
            }
        )
        return
    click.echo(
        f"imported {report.imported} new record(s); {report.already_present} already present"
    )
    for warning in report.warnings:
        click.echo(f"  warning: {warning}", err=True)
    for problem in report.skipped:
        click.echo(f"  skipped {problem}", err=True)


@records_group.command("list")
@click.option("--candidate", help="Only this candidate's records.")
@click.option("--deleted", is_flag=True, help="Include deleted records (with who deleted them).")
@json_option
@pass_ctx
def list_cmd(ctx: Context, candidate: str | None, deleted: bool, as_json: bool) -> None:
    """List delivery records, oldest first."""
    from harness.scoring.records import list_records

    rows = list_records(ctx.store, candidate=candidate, deleted=deleted)
    if as_json:
        emit_json([_record_json(r) for r in rows])
        return
    if not rows:
        click.echo("No delivery records.")
        return
    click.echo(
        table(
            ["ID", "CANDIDATE", "DATE", "SOURCE", "DIMENSION", "OUTCOME", "WEIGHT"],
            [
                [
                    r.id,
                    r.engineer,
                    f"{r.date:%Y-%m-%d}",
                    r.source,
                    r.dimension or "all",
                    r.outcome,
                    f"{r.weight:g}"
                    + (
                        f"  deleted {r.deleted_at:%Y-%m-%d} by {r.deleted_by}"
                        if r.deleted_at is not None
                        else ""
                    ),
                ]
                for r in rows
            ],
            [12, 16, 10, 24, 9, 7],
        )
    )


@records_group.command("delete")
@click.argument("record_id")
@click.option(
    "--by", "by", default=getpass.getuser, show_default="your user name", help="Who deletes it."
)
@click.option("--reason", default="", help="Why (kept with the deleted record).")
@json_option
@pass_ctx
def delete_cmd(ctx: Context, record_id: str, by: str, reason: str, as_json: bool) -> None:
    """Delete a delivery record: scoring stops counting it, re-importing it adds nothing, and
    the record stays in the store marked with who deleted it, when and why."""
    from harness.scoring.records import delete_record

    row = delete_record(ctx.store, record_id, by=by, reason=reason)
    if as_json:
        emit_json(_record_json(row))
        return
    click.echo(
        f"deleted record {row.id} ({row.engineer}, {row.date:%Y-%m-%d}, {row.source}) "
        f"by {row.deleted_by}"
    )


COMMANDS = [score_cmd, compare_cmd, records_group]
