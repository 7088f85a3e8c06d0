"""``dsim results``: submissions, their grading status and verdicts, overrides marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import click

from harness.cli import Context, emit_json, iso, json_option, pass_ctx, table

if TYPE_CHECKING:
    from harness.result import ItemSummary
    from harness.store import Submission

SUPERSEDED = "superseded"
"""The status of an ungraded submission a newer one (same candidate and scenario) replaced."""


def _items_json(items: Sequence[ItemSummary], applied: Sequence[Any]) -> list[dict[str, Any]]:
    by_item = {o.item: o for o in applied}
    return [
        {
            "id": i.id,
            "kind": i.kind.value,
            "verdict": i.verdict.value,
            "original": (i.original_verdict or i.verdict).value,
            "override": None
            if i.id not in by_item
            else {
                "verdict": by_item[i.id].verdict.value,
                "by": by_item[i.id].by,
                "at": by_item[i.id].at,
                "reason": by_item[i.id].reason,
            },
        }
        for i in items
    ]


def _result_rows(store: Any, submissions: Sequence[Submission], latest: set[str]) -> list[Any]:
    """One JSON-ready row per submission: status, summary and item verdicts, overrides applied."""
    from harness.scoring.posterior import apply_overrides

    overrides: dict[str, list[Any]] = {}
    for o in store.overrides([sub.id for sub in submissions]):
        overrides.setdefault(o.submission_id, []).append(o)
    rows = []
    for sub in submissions:
        row = store.latest_result(sub.id)
        result = row.result if row else None
        items: tuple[ItemSummary, ...] = ()
        applied: tuple[Any, ...] = ()
        summary = ""
        if result is not None:
            graded = result.summary()
            items, applied = apply_overrides(graded.items, overrides.get(sub.id, []))
            summary = result.error or replace(graded, items=items).text(
                integrity=len(result.integrity)
            )
        status = result.status.value if result else "pending"
        if result is None and sub.id not in latest:
            status = SUPERSEDED
        rows.append(
            {
                "submission": sub.id,
                "candidate": sub.candidate,
                "scenario": sub.scenario_id,
                "version": sub.scenario_version,
                "submitted_at": iso(sub.submitted_at),
                "status": status,
                "isolated": row.isolated if row else None,
                "summary": summary,
                "overridden": [o.item for o in applied],
                "items": _items_json(items, applied),
            }
        )
    return rows


def _overridden_note(items: list[dict[str, Any]]) -> str:
    changed = [f"{i['id']} {i['original']}→{i['verdict']}" for i in items if i["override"]]
    return f"  [overridden: {', '.join(changed)}]" if changed else ""


@click.command("results")
@click.option("--candidate")
@click.option("--scenario")
@click.option(
    "--all",
    "all_",
    is_flag=True,
    help="Every submission, not only the latest (older ungraded ones show as superseded).",
)
@json_option
@pass_ctx
def results_cmd(
    ctx: Context, candidate: str | None, scenario: str | None, all_: bool, as_json: bool
) -> None:
    """List submissions, their grading status and verdicts (overridden ones are marked)."""
    store = ctx.store
    latest = store.submissions(candidate=candidate, scenario=scenario, latest_only=True)
    shown = (
        store.submissions(candidate=candidate, scenario=scenario, latest_only=False)
        if all_
        else latest
    )
    rows = _result_rows(store, shown, {sub.id for sub in latest})
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("No submissions yet.")
        return
    click.echo(
        table(
            ["SUBMISSION", "CANDIDATE", "SCENARIO", "STATUS", "SUBMITTED (UTC)", "RESULT"],
            [
                [
                    r["submission"],
                    r["candidate"],
                    r["scenario"],
                    r["status"],
                    r["submitted_at"][:16].replace("T", " "),
                    r["summary"] + _overridden_note(r["items"]),
                ]
                for r in rows
            ],
            [12, 16, 22, 11, 16],
        )
    )
    if any(r["status"] == SUPERSEDED for r in rows):
        click.echo(
            "superseded: not graded because a newer submission of the same candidate and "
            "scenario exists."
        )
    if any(r["overridden"] for r in rows):
        click.echo(
            "overridden: an assessor changed these verdicts; `dsim overrides list` says why."
        )


COMMANDS = [results_cmd]
