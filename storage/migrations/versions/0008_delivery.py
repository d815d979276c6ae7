"""Delivery claims: a post whose outcome is unknown, failed attempts, a /digest now's request"""

import sqlalchemy as sa
from alembic import op

revision = "0008_delivery"
down_revision = "0008_language"


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
