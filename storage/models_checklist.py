"""Tables for what is recorded after a meeting: checklist versions and deal activities.

Every row carries the Slack ``team_id``. Checklists are never edited in place: each
submission is a new version (``version`` counts up per deal and kind), so older answers stay
readable.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import ts_field


class ChecklistVersion(SQLModel, table=True):
    """One submission of a deal's SPIN checklist or BATNA sheet (``bot.core.checklists``)."""

    __tablename__ = "checklist_version"
    __table_args__ = (
        UniqueConstraint("team_id", "deal_id", "kind", "version"),
        Index("ix_checklist_version_team_at", "team_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    kind: str = Field(max_length=16)  # spin | batna
    version: int
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    filled: int = 0  # parts filled (bot.core.checklists.completion), for digests and cards
    parts: int = 0
    created_by: str = Field(max_length=32)
    created_at: datetime = ts_field()


class Activity(SQLModel, table=True):
    """Something that happened on a deal: a meeting log or a note (e.g. from a message)."""

    __table_args__ = (Index("ix_activity_team_deal_on", "team_id", "deal_id", "occurred_on"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id")
    kind: str = Field(max_length=16)  # meeting | note
    occurred_on: date
    notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    outcome: str | None = Field(default=None, max_length=500)
    attendees: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    next_step: str | None = Field(default=None, max_length=500)
    next_step_due: date | None = None
    stage_from: str | None = Field(default=None, max_length=80)  # a move made with the log
    stage_to: str | None = Field(default=None, max_length=80)
    message_link: str | None = Field(default=None, max_length=500)
    message_author: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    created_at: datetime = ts_field()
