"""When a queued job may be claimed again: ``jobs.not_before``.

Revision ID: 0006
Revises: 0005

A job that hit an infrastructure error goes back to ``queued`` with ``not_before`` set to the end
of its backoff, so a worker polling the store (no broker) waits before trying it again; a
broker-delivered retry carries its own delay. NULL: claimable at once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("not_before")
