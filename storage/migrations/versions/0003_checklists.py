"""Checklist versions and deal activities; default stage gates (a sibling of 0004: the app
upgrades "heads")
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("next_step", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("next_step_due", sa.Date(), nullable=True),
        sa.Column("stage_from", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("stage_to", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("message_link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("message_author", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activity_team_deal_on", ["team_id", "deal_id", "occurred_on"], unique=False
        )

    op.create_table(
        "checklist_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("filled", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "deal_id", "kind", "version"),
    )
    with op.batch_alter_table("checklist_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_version_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(
            "ix_checklist_version_team_at", ["team_id", "created_at"], unique=False
        )

    # Workspaces seeded before gates existed get the default gates (bot.core.stages): Presentation
    # wants SPIN, Negotiation wants BATNA, as warnings. Nobody could have set a gate yet.
    stage = sa.table(
        "stage",
        sa.column("key", sa.String),
        sa.column("gate_checklist", sa.String),
        sa.column("gate_mode", sa.String),
    )
    for key, checklist in (("presentation", "spin"), ("negotiation", "batna")):
        op.execute(
            stage.update()
            .where(stage.c.key == key, stage.c.gate_checklist.is_(None))
            .values(gate_checklist=checklist, gate_mode="warn")
        )


def downgrade() -> None:
    with op.batch_alter_table("checklist_version", schema=None) as batch_op:
        batch_op.drop_index("ix_checklist_version_team_at")
        batch_op.drop_index(batch_op.f("ix_checklist_version_deal_id"))
    op.drop_table("checklist_version")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_team_deal_on")
    op.drop_table("activity")
