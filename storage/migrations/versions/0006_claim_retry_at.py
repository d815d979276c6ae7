"""Delivery claims: when the next attempt after a failed one may start (backoff)"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    with op.batch_alter_table("delivery_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery_claim", schema=None) as batch_op:
        batch_op.drop_column("retry_at")
