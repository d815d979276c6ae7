"""Delivery claims: a post whose outcome is unknown, failed attempts, a /digest now's request

Revision ID: 0008_delivery
Revises: 0008_language
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_delivery"
down_revision: str | None = "0008_language"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("delivery_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post_started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("payload", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery_claim", schema=None) as batch_op:
        batch_op.drop_column("payload")
        batch_op.drop_column("failures")
        batch_op.drop_column("post_started_at")
