"""``dsim override`` (change one verdict with a reason) and ``dsim overrides list``."""

from __future__ import annotations

import click

from harness.cli import Context, emit_json, json_option, pass_ctx
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


COMMANDS = [override_cmd]
