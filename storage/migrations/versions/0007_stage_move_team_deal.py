"""Index stage moves by workspace and deal

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 20:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_stage_move_team_deal", "stage_move", ["team_id", "deal_id"])


def downgrade() -> None:
    op.drop_index("ix_stage_move_team_deal", table_name="stage_move")
