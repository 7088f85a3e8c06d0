"""Assessor overrides: change one verdict with a written reason; the original result stays."""

from __future__ import annotations

from harness.errors import InvalidInput, NotFound
from harness.result import VERDICTS
from harness.store import Override, Store


def add_override(
    store: Store, submission_id: str, *, item: str, verdict: str, reason: str, by: str
) -> Override:
    """Record an override after checking the item and verdict against the graded result."""
    submission = store.submission(submission_id)
    result = store.latest_result(submission.id)
    graded = result.result if result is not None else None
    if graded is None or not graded.items:
        raise NotFound(
            f"submission {submission.id} has no graded result to override",
            hint="grade it first: dsim grade " + submission.id,
        )
    items = {i.id: i for i in graded.items}
    if item not in items:
        raise InvalidInput(
            f"no item {item!r} in submission {submission.id}", hint=f"items: {', '.join(items)}"
        )
    kind = items[item].kind
    allowed = [v.value for v in VERDICTS[kind]]
    if verdict not in allowed:
        raise InvalidInput(
            f"verdict {verdict!r} does not fit a {kind.value}",
            hint=f"use one of: {', '.join(allowed)}",
        )
    if not reason.strip() or not by.strip():
        raise InvalidInput(
            "an override needs a reason and who made it", hint="pass --reason TEXT and --by NAME"
        )
    row = Override(
        submission_id=submission.id,
        item=item,
        verdict=verdict,
        reason=reason.strip(),
        by=by.strip(),
    )
    store.add(row)
    return row
