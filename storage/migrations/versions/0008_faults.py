"""Digest subscriptions: a manager confirmed posting in a channel shared with another
organisation (Slack Connect)
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_faults"
down_revision = "0008_salesflow"


def upgrade() -> None:
    with op.batch_alter_table("digest_subscription") as batch:
        batch.add_column(
            sa.Column("shared_ok", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("digest_subscription") as batch:
        batch.drop_column("shared_ok")
