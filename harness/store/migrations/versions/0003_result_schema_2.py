"""Results stored by dsim 0.1.0 (untyped, findings as sentences) are rewritten as result schema 2.

Revision ID: 0003
Revises: 0002

Schema 2 is :class:`harness.result.GradingResult` as JSON: a ``schema`` key, findings as codes
with messages, the graders' sections as typed fields. The rewrite uses
:func:`harness._legacy_result.upgrade`, the converter that exists only for schema-1 data and
does not change with the live model; a row that already carries a ``schema`` key is left alone.
The summary column keeps its shape, so it is not refilled. Downgrading is not supported: 0.1.0
cannot read result schema 2, and it refuses exchange files of schema 2.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from harness._legacy_result import upgrade as to_schema_2

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: Rows read and written per round trip (a result's data is 10-20 KB).
BATCH = 500


def upgrade() -> None:
    results = sa.table("results", sa.column("id", sa.String), sa.column("data", sa.JSON))
    rewrite = (
        sa.update(results)
        .where(results.c.id == sa.bindparam("rid"))
        .values(data=sa.bindparam("new_data", type_=sa.JSON))
    )
    conn, last = op.get_bind(), ""
    while True:  # keyset pages by id, as 0002 does
        rows = conn.execute(
            sa.select(results.c.id, results.c.data)
            .where(results.c.id > last)
            .order_by(results.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        old = [
            {"rid": rid, "new_data": to_schema_2(data)}
            for rid, data in rows
            if "schema" not in data
        ]
        if old:
            conn.execute(rewrite, old)
        last = rows[-1][0]


def downgrade() -> None:
    raise NotImplementedError(
        "dsim 0.1.0 cannot read result schema 2: downgrading is not supported"
    )
