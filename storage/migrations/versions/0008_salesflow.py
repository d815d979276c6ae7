"""After the close and the sales path at the moment it matters (issue 14): a won deal's
closing technique, Keep check and Grow link; a lost deal's win-back date; Undo of a move;
free-text attendee titles; won announcements in a digest channel
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_salesflow"
down_revision = "0008_lookups"

NEW_COLUMNS = (
    ("deal", sa.Column("won_technique", sa.String(length=32), nullable=True)),
    ("deal", sa.Column("win_back_on", sa.Date(), nullable=True)),
    ("deal", sa.Column("keep_check_on", sa.Date(), nullable=True)),
    ("deal", sa.Column("grown_from_id", sa.Integer(), nullable=True)),
    ("stage_move", sa.Column("undo_of", sa.Integer(), nullable=True)),
    ("stage_move", sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True)),
    ("contact", sa.Column("title", sa.String(length=200), nullable=True)),
    ("digest_subscription", sa.Column("wins_from", sa.DateTime(timezone=True), nullable=True)),
)


def upgrade() -> None:
    for table, column in NEW_COLUMNS:
        op.add_column(table, column)


def downgrade() -> None:
    for table, column in reversed(NEW_COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column.name)
