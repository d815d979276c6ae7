"""Imports (issue 15): a deal's external id (the id it had in the file it was imported
from, indexed per workspace) and the CSV drafts ``/pipeline import`` keeps between steps
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_import"
down_revision = "0009_forecast"


def upgrade() -> None:
    with op.batch_alter_table("deal") as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=100), nullable=True))
    op.create_index("ix_deal_team_external_id", "deal", ["team_id", "external_id"])
    op.create_table(
        "import_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_import_draft_team_at", "import_draft", ["team_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_import_draft_team_at", table_name="import_draft")
    op.drop_table("import_draft")
    op.drop_index("ix_deal_team_external_id", table_name="deal")
    # in place on both databases (SQLite 3.35+): a batch copy of ``deal`` fails on the rows
    # that reference it, and would lose 0008_lookups' triggers
    op.execute("ALTER TABLE deal DROP COLUMN external_id")
