"""Results carry a summary (what scoring reads), filled from each result's data.

Revision ID: 0002
Revises: 0001

The summary is computed by a copy of ``result_summary`` as it stood when this revision was
written, not by importing the live function: a migration runs on data of its own era, and a later
revision that changes what ``data`` holds would otherwise break this one. A later revision that
changes the summary's shape refills it itself.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Rows read and written per round trip: a result's data is 10-20 KB, so about 10 MB at a time.
BATCH = 500


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    sections = data.get("sections") or {}
    review, scope = sections.get("review"), sections.get("scope")
    regression = data.get("regression") or {}
    return {
        "items": [
            {k: item[k] for k in ("id", "kind", "severity", "verdict") if k in item}
            for item in data.get("items") or []
        ],
        "regression": {"total": regression.get("total", 0), "passed": regression.get("passed", 0)},
        "sections": {
            **(
                {"review": {"recall": review["recall"], "precision": review["precision"]}}
                if review is not None
                else {}
            ),
            **(
                {"scope": {"in_scope": scope["in_scope"], "out_of_scope": scope["out_of_scope"]}}
                if scope is not None
                else {}
            ),
        },
    }


def upgrade() -> None:
    op.add_column("results", sa.Column("summary", sa.JSON(none_as_null=True), nullable=True))
    results = sa.table(
        "results",
        sa.column("id", sa.String),
        sa.column("data", sa.JSON),
        sa.column("summary", sa.JSON(none_as_null=True)),
    )
    fill = (
        sa.update(results)
        .where(results.c.id == sa.bindparam("rid"))
        .values(summary=sa.bindparam("new_summary", type_=sa.JSON(none_as_null=True)))
    )
    conn, last = op.get_bind(), ""
    while True:  # keyset pages by id: each page one SELECT and one executemany UPDATE
        rows = conn.execute(
            sa.select(results.c.id, results.c.data)
            .where(results.c.id > last)
            .order_by(results.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(fill, [{"rid": rid, "new_summary": _summary(data)} for rid, data in rows])
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.drop_column("summary")
