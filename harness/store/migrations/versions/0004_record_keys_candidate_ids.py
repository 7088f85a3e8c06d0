"""Delivery records get a stable key and tombstones; candidate ids are normalised.

Revision ID: 0004
Revises: 0003

- ``records.key``: every existing record gets its content key, computed by a copy of
  ``record_key`` as it stood when this revision was written (a migration runs on data of its own
  era). Rows that are the same record imported more than once (the bug this revision closes) keep
  the earliest as it is; each later copy is tombstoned (``deleted_by`` names this upgrade) and its
  key suffixed with its row id, so the audit trail keeps them and scores stop counting them twice.
- ``records.source_id``, ``deleted_at``, ``deleted_by``, ``deleted_reason``: empty.
- Candidate ids (``assignments.candidate``, ``submissions.candidate``, ``records.engineer``) are
  case-folded and trimmed; the name as stored before goes to ``candidate_name`` /
  ``engineer_name``. Scoring groups by id, so ``Ada`` and ``ada`` become one person.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)
#: Rows read and written per round trip.
BATCH = 1000
_BY = "dsim upgrade 0004: the same record imported more than once"


def _normalise(name: str) -> str:
    return " ".join(name.casefold().split())


def _display(name: str) -> str:
    return " ".join(name.split())


def _key(row: Any) -> str:
    """``record_key`` for a row without a source id, as of this revision."""
    date: datetime = row.date
    if isinstance(date, str):  # SQLite without the column's type processor
        date = datetime.fromisoformat(date)
    moment = date.astimezone(UTC) if date.tzinfo else date.replace(tzinfo=UTC)
    fields = (
        _normalise(row.engineer),
        moment.isoformat(),
        row.source.strip(),
        row.dimension or "",
        row.outcome.lower(),
        repr(float(row.weight)),
        (row.note or "").strip(),
    )
    return "sha256:" + hashlib.sha256("\0".join(fields).encode()).hexdigest()


def _pages(conn: sa.Connection, table: sa.TableClause, *columns: str) -> Any:
    """Keyset pages of ``table`` by id."""
    last = ""
    while True:
        rows = conn.execute(
            sa.select(*(table.c[c] for c in ("id", *columns)))
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _names(conn: sa.Connection, table: str, column: str, display: str) -> None:
    rows_table = sa.table(
        table, sa.column("id", sa.String), sa.column(column, sa.String), sa.column(display)
    )
    fill = (
        sa.update(rows_table)
        .where(rows_table.c.id == sa.bindparam("rid"))
        .values({column: sa.bindparam("new_id"), display: sa.bindparam("new_name")})
    )
    for rows in _pages(conn, rows_table, column):
        conn.execute(
            fill,
            [
                {
                    "rid": r.id,
                    "new_id": _normalise(r._mapping[column]),
                    "new_name": _display(r._mapping[column]),
                }
                for r in rows
            ],
        )


def upgrade() -> None:
    for table in ("assignments", "submissions"):
        op.add_column(
            table,
            sa.Column("candidate_name", sa.String(200), nullable=False, server_default=""),
        )
    op.add_column(
        "records", sa.Column("engineer_name", sa.String(200), nullable=False, server_default="")
    )
    # 100: a content key (71) plus "#" and a row id (13) for a copy an older dsim imported twice.
    op.add_column("records", sa.Column("key", sa.String(100), nullable=True))
    op.add_column("records", sa.Column("source_id", sa.String(200), nullable=True))
    op.add_column("records", sa.Column("deleted_at", _WHEN, nullable=True))
    op.add_column("records", sa.Column("deleted_by", sa.String(200), nullable=True))
    op.add_column("records", sa.Column("deleted_reason", sa.Text, nullable=True))
    conn = op.get_bind()
    _names(conn, "assignments", "candidate", "candidate_name")
    _names(conn, "submissions", "candidate", "candidate_name")
    _names(conn, "records", "engineer", "engineer_name")

    records = sa.table(
        "records",
        sa.column("id", sa.String),
        sa.column("key", sa.String),
        sa.column("engineer", sa.String),
        sa.column("date", _WHEN),
        sa.column("source", sa.String),
        sa.column("dimension", sa.String),
        sa.column("outcome", sa.String),
        sa.column("weight", sa.Float),
        sa.column("note", sa.Text),
        sa.column("deleted_at", _WHEN),
        sa.column("deleted_by", sa.String),
    )
    rows = conn.execute(
        sa.select(records).order_by(records.c.date, records.c.id)  # the earliest copy is kept
    ).all()
    seen: set[str] = set()
    keep, repeat = [], []
    for row in rows:
        key = _key(row)
        if key in seen:
            repeat.append({"rid": row.id, "new_key": f"{key}#{row.id}"})
        else:
            seen.add(key)
            keep.append({"rid": row.id, "new_key": key})
    by_id = records.c.id == sa.bindparam("rid")
    if keep:
        conn.execute(sa.update(records).where(by_id).values(key=sa.bindparam("new_key")), keep)
    if repeat:
        conn.execute(
            sa.update(records)
            .where(by_id)
            .values(key=sa.bindparam("new_key"), deleted_at=datetime.now(UTC), deleted_by=_BY),
            repeat,
        )
    with op.batch_alter_table("records") as batch:
        batch.alter_column("key", existing_type=sa.String(100), nullable=False)
        batch.create_unique_constraint("uq_records_key", ["key"])


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_constraint("uq_records_key", type_="unique")
        for column in ("deleted_reason", "deleted_by", "deleted_at", "source_id", "key"):
            batch.drop_column(column)
        batch.drop_column("engineer_name")
    for table in ("submissions", "assignments"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("candidate_name")
