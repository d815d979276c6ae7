"""Sales targets (issue 15): what a manager expects a rep to win in a month or a quarter.
Every table carries the Slack ``team_id``. The workspace's "who sees the team" setting is a
column of ``Workspace`` (``storage.models``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import cents_field, ts_field


class SalesTarget(SQLModel, table=True):
    """One rep's target for one span (``bot.core.forecast.Span``: a month, ``months`` 1, or
    a quarter, 3, starting on ``period_start``); set again, it is replaced."""

    __tablename__ = "sales_target"
    __table_args__ = (
        UniqueConstraint("team_id", "owner_id", "period_start", "months"),
        Index("ix_sales_target_team_start", "team_id", "period_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    owner_id: str = Field(max_length=32)
    period_start: date
    months: int = 3
    amount_cents: int = cents_field(nullable=False)
    currency: str = Field(default="IDR", max_length=3)
    set_by: str = Field(max_length=32)
    set_at: datetime = ts_field()
