"""Deals, stages, stage history, contacts, close-date changes, managers"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"


def _workspace_table(name: str, *items: sa.schema.SchemaItem) -> None:
    """Create ``name``: an integer ``id`` (its primary key) and ``team_id``, then ``items``."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        *items,
        sa.PrimaryKeyConstraint("id"),
    )


def _deal_table(name: str, *columns: sa.Column, stage_columns: tuple[str, ...] = ()) -> None:
    """Create a table of a deal's rows: ``deal_id`` (referencing ``deal``, indexed) before
    ``columns``, of which ``stage_columns`` reference ``stage``."""
    _workspace_table(
        name,
        sa.Column("deal_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"]),
        *(sa.ForeignKeyConstraint([column], ["stage.id"]) for column in stage_columns),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_deal_id"), ["deal_id"], unique=False)


def upgrade() -> None:
    _workspace_table(
        "manager",
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "user_id"),
    )

    _workspace_table(
        "stage",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("stale_days", sa.Integer(), nullable=True),
        sa.Column("gate_checklist", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("gate_mode", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "key"),
    )
    with op.batch_alter_table("stage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stage_team_id"), ["team_id"], unique=False)

    _workspace_table(
        "deal",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("value_cents", sa.BigInteger(), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("owner_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("lost_reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("lost_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("probability", sa.Integer(), nullable=True),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("next_step", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("next_step_due", sa.Date(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("snooze_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(["stage_id"], ["stage.id"]),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_stage_id"), ["stage_id"], unique=False)
        batch_op.create_index("ix_deal_team_name_key", ["team_id", "name_key"], unique=False)
        batch_op.create_index(
            "ix_deal_team_status_owner", ["team_id", "status", "owner_id"], unique=False
        )

    _deal_table(
        "close_date_change",
        sa.Column("old_date", sa.Date(), nullable=True),
        sa.Column("new_date", sa.Date(), nullable=True),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )

    _deal_table(
        "contact",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )

    _deal_table(
        "stage_move",
        sa.Column("from_stage_id", sa.Integer(), nullable=True),
        sa.Column("to_stage_id", sa.Integer(), nullable=False),
        sa.Column("from_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("to_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("from_status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("to_status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("moved_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        stage_columns=("from_stage_id", "to_stage_id"),
    )
    op.create_index("ix_stage_move_team_at", "stage_move", ["team_id", "moved_at"], unique=False)


def downgrade() -> None:
    op.drop_table("stage_move")
    op.drop_table("contact")
    op.drop_table("close_date_change")
    op.drop_table("deal")
    op.drop_table("stage")
    op.drop_table("manager")
