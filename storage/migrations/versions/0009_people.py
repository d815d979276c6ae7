"""People who join and leave, notification preferences (issue 15, items 4 and 7):
inactive_member, notify_preference, welcome_mark
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_people"
down_revision = "0009_import"


def _person() -> list[sa.Column]:
    return [
        sa.Column("team_id", sa.String(length=32), primary_key=True, nullable=False),
        sa.Column("user_id", sa.String(length=32), primary_key=True, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "inactive_member",
        *_person(),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "notify_preference",
        *_person(),
        sa.Column("days", sa.String(length=40), nullable=False),
        sa.Column("at", sa.String(length=5), nullable=False),
        sa.Column("quiet_weekends", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("nudges", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("stale_alerts", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "welcome_mark",
        *_person(),
        sa.Column("welcomed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("welcome_mark")
    op.drop_table("notify_preference")
    op.drop_table("inactive_member")
