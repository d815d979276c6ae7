"""Digest subscriptions: a manager confirmed posting in a channel shared with another
organisation (Slack Connect)

Revision ID: 0008_faults
Revises: 0008_salesflow
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_faults"
down_revision: str | None = "0008_salesflow"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digest_subscription") as batch:
        batch.add_column(
            sa.Column("shared_ok", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("digest_subscription") as batch:
        batch.drop_column("shared_ok")
