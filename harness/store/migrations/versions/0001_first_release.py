"""The store of dsim's first release: assignments, submissions, results, overrides, records.

Revision ID: 0001
Revises: -
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("candidate", sa.String(200), nullable=False, index=True),
        sa.Column("scenario_id", sa.String(100), nullable=False, index=True),
        sa.Column("scenario_version", sa.String(40), nullable=False),
        sa.Column("scenario_hash", sa.String(64), nullable=False),
        sa.Column("scenario_ref", sa.Text, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("variables", sa.JSON, nullable=False),
        sa.Column("workspace", sa.Text, nullable=False),
        sa.Column("base_commit", sa.String(64), nullable=False),
        sa.Column("started_at", _WHEN, nullable=False),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("assignment_id", sa.String(32), sa.ForeignKey("assignments.id"), nullable=True),
        sa.Column("candidate", sa.String(200), nullable=False, index=True),
        sa.Column("scenario_id", sa.String(100), nullable=False, index=True),
        sa.Column("scenario_version", sa.String(40), nullable=False),
        sa.Column("scenario_ref", sa.Text, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("diff", sa.Text, nullable=False),
        sa.Column("review", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, index=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("elapsed_seconds", sa.Float, nullable=True),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("submitted_at", _WHEN, nullable=False),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "submission_id",
            sa.String(32),
            sa.ForeignKey("submissions.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("key", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("backend", sa.String(20), nullable=False),
        sa.Column("isolated", sa.Boolean, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("graded_at", _WHEN, nullable=False),
    )
    op.create_table(
        "overrides",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "submission_id",
            sa.String(32),
            sa.ForeignKey("submissions.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("engineer", sa.String(200), nullable=False, index=True),
        sa.Column("date", _WHEN, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("dimension", sa.String(20), nullable=True),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("records", "overrides", "results", "submissions", "assignments"):
        op.drop_table(table)
