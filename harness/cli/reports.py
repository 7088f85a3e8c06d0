"""``dsim report``, ``dsim export`` and ``dsim import``: reports and exchange files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from harness.cli import Context, emit_json, json_option, pass_ctx, write_text
from harness.cli.scoring import profile_option
from harness.cli.validity import before_option

output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="File to write; - writes to standard output.",
)


def _default_name(candidate: str, for_candidate: bool) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in candidate).strip("._")
    return Path(f"{safe or 'candidate'}{'-feedback' if for_candidate else '-report'}.html")


@click.command("report")
@click.argument("candidate")
@output_option
@click.option(
    "--for-candidate",
    is_flag=True,
    help="The candidate's own feedback: kinds of flaws missed and what to practise, "
    "without hidden tests, flaw locations or anyone else's results.",
)
@profile_option
@pass_ctx
def report_cmd(
    ctx: Context,
    candidate: str,
    output: Path | None,
    for_candidate: bool,
    profile_path: Path | None,
) -> None:
    """Write a candidate's report as one self-contained HTML file (offline, printable).

    Default file: CANDIDATE-report.html (CANDIDATE-feedback.html with --for-candidate).
    """
    from harness.reports.candidate import candidate_html
    from harness.scoring.profile import load_profile

    html = candidate_html(
        ctx.store, load_profile(profile_path), candidate, for_candidate=for_candidate
    )
    write_text(output or _default_name(candidate, for_candidate), html)


@click.command("cohort")
@output_option
@click.option(
    "--cut",
    type=click.FloatRange(0, 100),
    help="Cut score (0-100) for selection rates and the error near it; default: the profile's.",
)
@before_option
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice(["items", "reliability", "fairness", "validity"]),
    help="Only these sections (repeatable); default all.",
)
@json_option
@profile_option
@pass_ctx
def cohort_cmd(
    ctx: Context,
    output: Path | None,
    cut: float | None,
    before: datetime | None,
    sections: tuple[str, ...],
    as_json: bool,
    profile_path: Path | None,
) -> None:
    """The cohort report: item analysis, reliability, fairness and predictive validity in one
    self-contained HTML file (default cohort-report.html), or --json.

    docs/cohort-evidence.md explains every number.
    """
    from harness.evidence.summary import SECTIONS, gather
    from harness.reports.cohort import render_cohort_report
    from harness.scoring.profile import load_profile

    evidence = gather(
        ctx.store,
        load_profile(profile_path),
        cut=cut,
        before=before.replace(tzinfo=UTC) if before else None,
        sections=sections or SECTIONS,
    )
    if as_json:
        emit_json(evidence.as_dict())
        return
    write_text(
        output or Path("cohort-report.html"),
        render_cohort_report(evidence, sections=sections or SECTIONS),
    )


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "junit"]),
    help="json: the exchange file (`dsim import` reads it); csv: one row per "
    "candidate × dimension; junit: a testsuite per graded submission.",
)
@click.option("--candidate", help="Only this candidate.")
@click.option(
    "--access",
    is_flag=True,
    help="With --candidate: everything stored about that person, as readable JSON for them "
    "(the right of access; no hidden tests, flaw details or other people's data).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=Path("-"),
    show_default=True,
    help="File to write; - is standard output.",
)
@profile_option
@pass_ctx
def export_cmd(
    ctx: Context,
    fmt: str | None,
    candidate: str | None,
    access: bool,
    output: Path,
    profile_path: Path | None,
) -> None:
    """Export scores and evidence as JSON, CSV or JUnit XML (docs/export-format.md), or with
    --access one person's data for them (docs/privacy.md)."""
    if access:
        if candidate is None:
            raise click.UsageError("--access exports one person's data: name them with --candidate")
        if fmt not in (None, "json"):
            raise click.UsageError("--access writes JSON only: drop --format or use --format json")
        _access(ctx, candidate, output)
        return
    if fmt is None:
        raise click.UsageError("choose --format json, csv or junit (or --access --candidate NAME)")
    from harness.reports.export import Format, export
    from harness.scoring.posterior import score_all
    from harness.scoring.profile import load_profile
    from harness.store.candidates import normalise_candidate

    candidate = None if candidate is None else normalise_candidate(candidate)
    scores = score_all(
        ctx.store,
        load_profile(profile_path),
        candidates=None if candidate is None else [candidate],
        keep_draws=False,
    )
    write_text(output, export(ctx.store, scores, Format(fmt), candidate=candidate))


def _access(ctx: Context, candidate: str, output: Path) -> None:
    import json

    from harness.privacy.access import export

    data = export(ctx.store, candidate)
    write_text(output, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
@pass_ctx
def import_cmd(ctx: Context, path: Path, as_json: bool) -> None:
    """Import a JSON export (schema 1) into this store; all or nothing."""
    from harness.store.exchange import import_file

    counts = import_file(ctx.store, path)
    if as_json:
        emit_json(counts)
        return
    click.echo("imported " + ", ".join(f"{n} {key}" for key, n in counts.items()))


COMMANDS = [report_cmd, cohort_cmd, export_cmd, import_cmd]
