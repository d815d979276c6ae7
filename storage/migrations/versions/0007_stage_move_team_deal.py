"""Index stage moves by workspace and deal"""

from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_index("ix_stage_move_team_deal", "stage_move", ["team_id", "deal_id"])


def downgrade() -> None:
    op.drop_index("ix_stage_move_team_deal", table_name="stage_move")
