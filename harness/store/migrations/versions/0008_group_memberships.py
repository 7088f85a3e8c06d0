"""Self-reported group memberships, for adverse-impact evidence (issue 18).

Revision ID: 0008
Revises: 0007

- ``group_memberships``: one row per (candidate, attribute) with the group the person reported;
  kept apart from results and never part of the exchange file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_memberships",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("candidate", sa.String(200), nullable=False),
        sa.Column("attribute", sa.String(100), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "candidate", "attribute", name="uq_group_memberships_candidate_attribute"
        ),
    )


def downgrade() -> None:
    op.drop_table("group_memberships")
