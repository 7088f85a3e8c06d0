"""Variant seeds are 64-bit: the default seed (a hash of candidate and scenario) goes up to
2**32 - 1, past PostgreSQL's 32-bit ``integer``; half of all candidates could not submit there.

Revision ID: 0007
Revises: 0006

SQLite stores any integer in any integer column, so nothing changes there but the declared type;
PostgreSQL widens ``assignments.seed`` and ``submissions.seed`` to ``bigint`` in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("assignments", "submissions"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "seed", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False
            )


def downgrade() -> None:
    for table in ("assignments", "submissions"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "seed", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
            )
