"""Forecast and targets, who sees the team (issue 15): per-rep sales targets per month or
quarter, and the workspace's setting for who may see the team's pipeline
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_forecast"
down_revision = "0008_faults"


def upgrade() -> None:
    op.create_table(
        "sales_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("owner_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("set_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "owner_id", "period_start", "months"),
    )
    op.create_index("ix_sales_target_team_start", "sales_target", ["team_id", "period_start"])
    op.add_column(
        "workspace",
        sa.Column(
            "team_view",
            sqlmodel.sql.sqltypes.AutoString(length=16),
            nullable=False,
            server_default="everyone",
        ),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE workspace DROP COLUMN team_view")  # in place (SQLite 3.35+)
    op.drop_index("ix_sales_target_team_start", table_name="sales_target")
    op.drop_table("sales_target")
