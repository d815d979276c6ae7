"""SQLModel tables. Every table carries the Slack ``team_id``.

Money is stored as integer hundredths (``*_cents``) next to its ISO currency so
sums are exact in SQL on SQLite and PostgreSQL alike. Timestamps are
timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.stages import OPEN


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; always returns aware UTC (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def ts_field(*, nullable: bool = False, index: bool = False, **kw) -> object:
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_column=Column(UTCDateTime(), nullable=nullable, index=index),
        **kw,
    )


def cents_field(*, nullable: bool = True) -> object:
    return Field(default=None, sa_column=Column(BigInteger(), nullable=nullable))


# --- Foundation -------------------------------------------------------------------------


class Workspace(SQLModel, table=True):
    """Per-workspace settings, created on first use. ``default_locale``: the language of
    channel posts and of people who chose none (``/pipeline settings``, issue 11)."""

    team_id: str = Field(primary_key=True, max_length=32)
    default_currency: str = Field(default="IDR", max_length=3)
    default_locale: str = Field(default="en", max_length=8)
    created_at: datetime = ts_field()
    #: the app was uninstalled (issue 12): the data is deleted after the grace period
    uninstalled_at: datetime | None = ts_field(nullable=True)


class UserSetting(SQLModel, table=True):
    """One person's own choices in a workspace (``/pipeline lang id``, the Home tab): the
    language they read and write in. No row: they chose nothing yet."""

    __tablename__ = "user_setting"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    language: str | None = Field(default=None, max_length=8)
    updated_at: datetime = ts_field()


class ProcessedRequest(SQLModel, table=True):
    """Idempotency: a Slack request (by trigger_id / event_id) that already made a change.

    Inserted in the same transaction as the change, so a retry either sees it or the
    change never happened.
    """

    __tablename__ = "processed_request"

    team_id: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=255)
    result: str = Field(default="")
    created_at: datetime = ts_field()


# --- Deals and stages -------------------------------------------------------------------


class Stage(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    key: str = Field(max_length=64)
    name: str = Field(max_length=80)
    position: int
    probability: int = 0
    kind: str = Field(default=OPEN, max_length=8)  # bot.core.stages.Status
    stale_days: int | None = None
    gate_checklist: str | None = Field(default=None, max_length=16)  # spin | batna
    gate_mode: str = Field(default="off", max_length=8)  # off | warn | require
    created_at: datetime = ts_field()


class Deal(SQLModel, table=True):
    __table_args__ = (
        Index("ix_deal_team_status_owner", "team_id", "status", "owner_id"),
        Index("ix_deal_team_name_key", "team_id", "name_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    value_cents: int | None = cents_field()
    currency: str = Field(default="IDR", max_length=3)
    source: str | None = Field(default=None, max_length=40)
    owner_id: str = Field(max_length=32)
    stage_id: int = Field(foreign_key="stage.id", index=True)
    status: str = Field(default=OPEN, max_length=8)  # bot.core.stages.Status
    lost_reason: str | None = Field(default=None, max_length=40)
    lost_note: str | None = Field(default=None, max_length=2000)
    probability: int | None = None  # per-deal override of the stage's
    expected_close: date | None = None
    next_step: str | None = Field(default=None, max_length=500)
    next_step_due: date | None = None
    created_by: str = Field(max_length=32)
    created_at: datetime = ts_field()
    updated_at: datetime = ts_field()
    last_activity_at: datetime = ts_field()
    closed_at: datetime | None = ts_field(nullable=True)
    snoozed_until: date | None = None
    snooze_reason: str | None = Field(default=None, max_length=500)
    # --- after the close (issue 14) ---
    won_technique: str | None = Field(default=None, max_length=32)  # bot.core.closing key
    win_back_on: date | None = None  # a lost deal: when to try again (a reminder)
    keep_check_on: date | None = None  # a won deal: when to ask whether Keep is safe
    grown_from_id: int | None = None  # a Grow deal: the won deal it grows (same workspace)


class StageMove(SQLModel, table=True):
    """Every move of a deal, kept forever. Names are snapshots so history reads after renames."""

    __tablename__ = "stage_move"
    __table_args__ = (
        Index("ix_stage_move_team_at", "team_id", "moved_at"),
        # Per-deal history inside a workspace (conversion, time in stage): keeps the joins
        # cheap even before PostgreSQL has statistics for a freshly filled table.
        Index("ix_stage_move_team_deal", "team_id", "deal_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    from_stage_id: int | None = Field(default=None, foreign_key="stage.id")
    to_stage_id: int = Field(foreign_key="stage.id")
    from_name: str | None = Field(default=None, max_length=80)
    to_name: str = Field(max_length=80)
    from_status: str | None = Field(default=None, max_length=8)
    to_status: str = Field(default=OPEN, max_length=8)
    moved_by: str = Field(max_length=32)
    moved_at: datetime = ts_field()
    # An Undo (issue 14): the compensating move names the move it undoes, which gets
    # ``undone_at``; stage conversion reads neither.
    undo_of: int | None = None
    undone_at: datetime | None = ts_field(nullable=True)


class Contact(SQLModel, table=True):
    """Decision-maker-unit contact on a deal."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    name: str = Field(max_length=200)
    role: str | None = Field(default=None, max_length=32)
    title: str | None = Field(default=None, max_length=200)  # free text: "IT manager"
    is_primary: bool = False
    created_at: datetime = ts_field()


class CloseDateChange(SQLModel, table=True):
    """Every change of a deal's expected close date (slips are counted from these)."""

    __tablename__ = "close_date_change"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id", index=True)
    old_date: date | None = None
    new_date: date | None = None
    changed_by: str = Field(max_length=32)
    changed_at: datetime = ts_field()


class Manager(SQLModel, table=True):
    """Managers named by the workspace (on top of Slack admins and owners)."""

    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    added_by: str = Field(max_length=32)
    created_at: datetime = ts_field()
