"""Merge the checklist and digest branches"""

revision = "0005"
down_revision = ("0003", "0004")


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
