"""Changes on record, deleted and merged deals (issue 15): one ``deal_change`` table for
edits of value, expected close date, owner and probability (the close-date changes of
``close_date_change`` move into it, which then goes); ``deal.deleted_at``, ``deleted_by``
and ``merged_into``
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_record"
down_revision = "0009_people"

DEAL_COLUMNS = (
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("deleted_by", sa.String(length=32), nullable=True),
    sa.Column("merged_into", sa.Integer(), nullable=True),
)


def upgrade() -> None:
    for column in DEAL_COLUMNS:
        op.add_column("deal", column)
    op.create_table(
        "deal_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=24), nullable=False),
        sa.Column("old", sa.String(length=64), nullable=True),
        sa.Column("new", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deal_change_team_deal", "deal_change", ["team_id", "deal_id", "at"])
    op.create_index("ix_deal_change_team_field_at", "deal_change", ["team_id", "field", "at"])
    # Dates as ISO text ("2026-12-05") on both databases: SQLite stores them so already.
    op.execute(
        "INSERT INTO deal_change (team_id, deal_id, field, old, new, user_id, at)"
        " SELECT team_id, deal_id, 'expected_close', CAST(old_date AS VARCHAR(10)),"
        " CAST(new_date AS VARCHAR(10)), changed_by, changed_at"
        " FROM close_date_change ORDER BY id"
    )
    op.drop_table("close_date_change")


def downgrade() -> None:
    op.create_table(
        "close_date_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("old_date", sa.Date(), nullable=True),
        sa.Column("new_date", sa.Date(), nullable=True),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_close_date_change_deal_id", "close_date_change", ["deal_id"])
    op.create_index("ix_close_date_change_team_at", "close_date_change", ["team_id", "changed_at"])
    day = "{}" if op.get_bind().dialect.name == "sqlite" else "CAST({} AS DATE)"
    op.execute(
        "INSERT INTO close_date_change (team_id, deal_id, old_date, new_date, changed_by,"
        f" changed_at) SELECT team_id, deal_id, {day.format('old')}, {day.format('new')},"
        " user_id, at FROM deal_change WHERE field = 'expected_close' ORDER BY id"
    )
    op.drop_table("deal_change")
    for column in reversed(DEAL_COLUMNS):
        # SQLite (3.35+) drops a column in place: a batch copy of ``deal`` would fail on the
        # rows that reference it (and lose 0008_lookups' triggers)
        op.execute(f"ALTER TABLE deal DROP COLUMN {column.name}")
