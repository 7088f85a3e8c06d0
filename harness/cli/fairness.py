"""``dsim groups`` (import, summary, erase) and ``dsim fairness``: self-reported groups and adverse
impact over the cohort (docs/cohort-evidence.md). Nothing here prints a person's group."""

from __future__ import annotations

from pathlib import Path

import click

from harness.cli import Context, count, emit_json, json_option, pass_ctx, table
from harness.cli.privacy import by_option
from harness.cli.scoring import profile_option


def _audit(ctx: Context, actor: str, action: str, **detail: object) -> None:
    """One audit entry for a change to group data: counts only, never a name or a group."""
    from harness.store import AuditEntry

    ctx.store.add(AuditEntry(actor=actor, action=action, subject="", ip="", detail=detail))


@click.group("groups")
def groups_group() -> None:
    """Self-reported groups (optional), for adverse-impact evidence only; never shown per person."""


@groups_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--allow-unknown",
    is_flag=True,
    help="Import people the store knows nothing else about yet (refused by default: a misspelt "
    "id would leave a row that erasing the real person does not reach).",
)
@by_option
@json_option
@pass_ctx
def import_cmd(ctx: Context, path: Path, allow_unknown: bool, by: str, as_json: bool) -> None:
    """Import a CSV with the header candidate,attribute,group (all or nothing; every bad line is
    listed). A person's earlier value for an attribute is replaced; people left out stay unknown.
    """
    from harness.evidence.fairness import import_groups

    done = import_groups(ctx.store, path, allow_unknown=allow_unknown)
    _audit(
        ctx, by, "groups_import",
        attributes={a: sum(n.values()) for a, n in done.counts.items()},
    )  # fmt: skip
    if as_json:
        emit_json({"attributes": done.counts, "not_in_store": done.not_in_store})
        return
    if not done.counts:
        click.echo("no memberships in the file")
    for attribute, n in sorted(done.counts.items()):
        click.echo(
            f"{attribute}: {n['new']} new, {n['changed']} changed, {n['unchanged']} unchanged"
        )
    if done.not_in_store:
        click.echo(
            f"  warning: {count(done.not_in_store, 'person', 'people')} in the file "
            "the store holds nothing else about yet: check their ids",
            err=True,
        )


@groups_group.command("summary")
@profile_option
@json_option
@pass_ctx
def summary_cmd(ctx: Context, profile_path: Path | None, as_json: bool) -> None:
    """How many people reported each group, per attribute; small groups are not counted."""
    from harness.evidence.fairness import summary
    from harness.scoring.profile import load_profile

    min_size = load_profile(profile_path).min_group_size
    counts = summary(ctx.store, min_size=min_size)
    if as_json:
        emit_json({"min_group_size": min_size, "attributes": [c.as_dict() for c in counts]})
        return
    if not counts:
        click.echo("No group memberships. Import them with `dsim groups import FILE`.")
    for attribute in counts:
        click.echo(f"{attribute.attribute}: {count(attribute.people, 'person', 'people')}")
        for g in attribute.groups:
            click.echo(f"  {g.group}: {f'fewer than {min_size}' if g.suppressed else g.n}")


@groups_group.command("erase")
@click.option("--attribute", help="Only this attribute.")
@click.option("--candidate", help="Only this person.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@by_option
@json_option
@pass_ctx
def erase_cmd(
    ctx: Context,
    attribute: str | None,
    candidate: str | None,
    yes: bool,
    by: str,
    as_json: bool,
) -> None:
    """Delete group memberships: one person's, one attribute's, both, or with neither all."""
    from harness.store import delete_memberships, memberships

    if as_json and not yes:
        raise click.UsageError("--json cannot ask for confirmation: add --yes")
    attribute = None if attribute is None else attribute.strip().casefold()
    if not yes:
        n = len(memberships(ctx.store, candidate=candidate, attribute=attribute))
        click.confirm(f"Delete {count(n, 'group membership')} for good?", abort=True)
    removed = delete_memberships(ctx.store, candidate=candidate, attribute=attribute)
    _audit(
        ctx, by, "groups_erase", removed=removed, attribute=attribute or "",
        one_person=candidate is not None,
    )  # fmt: skip
    if as_json:
        emit_json({"removed": removed})
        return
    click.echo(f"removed {count(removed, 'group membership')}")


@click.command("fairness")
@click.option(
    "--cut",
    type=click.FloatRange(0, 100),
    help="Selected: a score at or above this (0-100) [default: the profile's cut score, else "
    "the share above the cohort median].",
)
@click.option("--attribute", help="Only this attribute.")
@profile_option
@json_option
@pass_ctx
def fairness_cmd(
    ctx: Context,
    cut: float | None,
    attribute: str | None,
    profile_path: Path | None,
    as_json: bool,
) -> None:
    """Selection rates and impact ratios across self-reported groups, with 95% intervals.

    Ratios under the profile's flag (0.8: the four-fifths rule, 29 CFR 1607.4(D)) are flagged;
    groups under the minimum size are listed without numbers.
    """
    from harness.evidence.cohort import load_cohort
    from harness.evidence.fairness import fairness
    from harness.scoring.profile import load_profile

    profile = load_profile(profile_path)
    result = fairness(ctx.store, load_cohort(ctx.store, profile), cut=cut, attribute=attribute)
    if as_json:
        emit_json(result.as_dict())
        return
    click.echo(result.rule)
    click.echo(
        f"{count(result.candidates, 'scored candidate')}; impact ratios under "
        f"{profile.impact_ratio_flag:g} are flagged"
    )
    for report in result.attributes:
        unknown = (
            "did not report it or are in the group too small to show"
            if report.unknown_includes_small
            else "unknown (no value reported)"
        )
        click.echo(f"\n{report.attribute}: {report.unknown} {unknown}")
        rows = []
        for r in report.rows:
            if r.suppressed:
                rows.append([r.group, f"<{profile.min_group_size}", "–", "–", "–", "suppressed"])
                continue
            ratio = "–" if r.ratio is None else f"{r.ratio:.2f}"
            where = "reference" if r.group == report.reference else ""
            if r.low is not None and r.high is not None:
                where = f"{r.low:.2f}–{r.high:.2f}"
            flag = f"  FLAGGED: under {profile.impact_ratio_flag:g}" if r.flagged else ""
            rows.append([r.group, str(r.n), str(r.selected), f"{r.rate:.2f}", ratio, where + flag])
        header = ["GROUP", "N", "SELECTED", "RATE", "RATIO", "95% INTERVAL"]
        click.echo(table(header, rows, [16, 6, 9, 6, 6]))
        click.echo(report.note)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


COMMANDS: tuple[click.Command, ...] = (groups_group, fairness_cmd)
