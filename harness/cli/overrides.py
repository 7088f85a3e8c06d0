"""``dsim override`` (change one verdict with a reason) and ``dsim overrides list``."""

from __future__ import annotations

import click

from harness.cli import Context, emit_json, iso, json_option, pass_ctx, table
from harness.result import VERDICTS, ItemKind

_CHOICES = [v.value for kind in ItemKind for v in VERDICTS.get(kind, ())]
_VERDICT_HELP = "; ".join(
    f"for a {kind.value}: {', '.join(v.value for v in VERDICTS[kind])}"
    for kind in ItemKind
    if kind in VERDICTS
)


@click.command("override")
@click.argument("submission_id")
@click.option("--item", required=True, help="Flaw or keep id (`dsim results --json` lists them).")
@click.option(
    "--verdict",
    required=True,
    type=click.Choice(_CHOICES),
    help=f"The new verdict: {_VERDICT_HELP}.",
)
@click.option("--reason", required=True, help="Why (shown with the verdict everywhere).")
@click.option("--by", "by", required=True, help="Who overrides.")
@json_option
@pass_ctx
def override_cmd(
    ctx: Context, submission_id: str, item: str, verdict: str, reason: str, by: str, as_json: bool
) -> None:
    """Change one verdict with a written reason (the original stays in the store)."""
    from harness.grading.overrides import add_override

    row = add_override(ctx.store, submission_id, item=item, verdict=verdict, reason=reason, by=by)
    if as_json:
        emit_json(
            {
                "override": row.id,
                "submission": row.submission_id,
                "item": row.item,
                "verdict": row.verdict,
            }
        )
    else:
        click.echo(f"override {row.id}: {row.item} → {row.verdict} on {row.submission_id}")


@click.group("overrides")
def overrides_group() -> None:
    """Assessors' overrides: which verdicts were changed, by whom, when and why."""


@overrides_group.command("list")
@click.option("--candidate", help="Only this candidate's submissions.")
@json_option
@pass_ctx
def list_cmd(ctx: Context, candidate: str | None, as_json: bool) -> None:
    """List overrides, oldest first, with the graded verdict each one replaced."""
    store = ctx.store
    submissions = {s.id: s for s in store.submissions(candidate=candidate)}
    rows = []
    for o in store.overrides(list(submissions)):
        sub = submissions[o.submission_id]
        stored = store.latest_result(sub.id)
        graded = {i.id: i.verdict.value for i in (stored.result.items if stored else ())}
        rows.append(
            {
                "override": o.id,
                "submission": sub.id,
                "candidate": sub.candidate,
                "scenario": sub.scenario_id,
                "item": o.item,
                "original": graded.get(o.item),
                "verdict": o.verdict,
                "by": o.by,
                "at": iso(o.at),
                "reason": o.reason,
            }
        )
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("No overrides" + (f" for {candidate}." if candidate else "."))
        return
    click.echo(
        table(
            ["AT (UTC)", "CANDIDATE", "SCENARIO", "SUBMISSION", "ITEM", "VERDICT", "BY", "WHY"],
            [
                [
                    r["at"][:16].replace("T", " "),
                    r["candidate"],
                    r["scenario"],
                    r["submission"],
                    r["item"],
                    f"{r['original'] or '?'} → {r['verdict']}",
                    r["by"],
                    r["reason"],
                ]
                for r in rows
            ],
            [16, 16, 22, 12, 16, 21, 12],
        )
    )


COMMANDS = [override_cmd, overrides_group]
