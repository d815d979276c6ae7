"""SQLModel tables. Every table carries the Slack ``team_id``.

Money is stored as integer hundredths (``*_cents``) next to its ISO currency so
sums are exact in SQL on SQLite and PostgreSQL alike. Timestamps are
timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, TypeDecorator, UniqueConstraint, text
from sqlmodel import Field, SQLModel, Text

from bot.core.matching import name_keys
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


def name_key_field(which: str) -> object:
    """A matching key of ``name`` (``bot.core.matching.name_keys``). The ORM's writes set
    it (``storage.deals``); a bulk insert of rows without it gets it from ``name``."""

    def from_name(context) -> str:
        return getattr(name_keys(context.get_current_parameters()["name"]), which)

    return Field(max_length=200, sa_column_kwargs={"default": from_name})


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
    #: who sees the team's pipeline, stats, forecast and export (issue 15): everyone | managers
    team_view: str = Field(
        default="everyone", max_length=16, sa_column_kwargs={"server_default": "everyone"}
    )


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


def only_where(condition: str) -> dict:
    """A partial index's predicate, the same on both databases. A query uses the index when
    its WHERE states the predicate literally (``storage.metrics.is_open``)."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


OPEN_DEALS = "status = 'open'"


class Deal(SQLModel, table=True):
    # Besides these, 0008_lookups makes per database: the trigram index on name_fold, and
    # ix_deal_open_top / ix_deal_open_owner (open deals by stage, most valuable first:
    # /pipeline's deals; the owner's also holds currency and probability for the totals).
    __table_args__ = (
        Index("ix_deal_team_status_owner", "team_id", "status", "owner_id"),
        Index("ix_deal_team_name_key", "team_id", "name_key"),
        # Exact and prefix lookups of a typed name (``storage.lookups``): a range of the
        # B-tree, ``LIKE 'x%'`` on PostgreSQL (hence text_pattern_ops), ``GLOB`` on SQLite.
        Index(
            "ix_deal_team_name_compact",
            "team_id",
            "name_compact",
            postgresql_ops={"name_compact": "text_pattern_ops"},
        ),
        # Partial indexes on open deals holding every column their queries read, so that
        # they are read alone (``status`` too: SQLite needs it to call an index covering).
        # Every open-deal total of a workspace in one pass (``storage.metrics.open_pipeline``;
        # for some owners: ix_deal_open_owner, below):
        Index(
            "ix_deal_open_totals",
            *("team_id", "stage_id", "currency", "value_cents", "probability", "status"),
            **only_where(OPEN_DEALS),
        ),
        # What the digest, reminders and the Home tab list, each with its count, for the
        # workspace and for some owners (a rep may own most of a workspace's deals):
        Index(
            "ix_deal_open_activity",
            *("team_id", "last_activity_at", "id", "stage_id", "snoozed_until", "owner_id"),
            "status",
            **only_where(OPEN_DEALS),
        ),
        Index(
            "ix_deal_open_owner_activity",
            *("team_id", "owner_id", "last_activity_at", "id", "stage_id", "snoozed_until"),
            "status",
            **only_where(OPEN_DEALS),
        ),
        Index(
            "ix_deal_open_due",
            *("team_id", "next_step_due", "id", "snoozed_until", "owner_id", "status"),
            "next_step",
            **only_where(OPEN_DEALS + " AND next_step IS NOT NULL"),
        ),
        Index(
            "ix_deal_open_owner_due",
            *("team_id", "owner_id", "next_step_due", "id", "snoozed_until", "status"),
            "next_step",
            **only_where(OPEN_DEALS + " AND next_step IS NOT NULL"),
        ),
        # The deal pickers' first list: the user's open deals by name.
        Index(
            "ix_deal_open_owner_name",
            *("team_id", "owner_id", "name_fold", "id", "status"),
            **only_where(OPEN_DEALS),
        ),
        Index(
            "ix_deal_open_close",
            *("team_id", "expected_close", "id", "owner_id", "status"),
            **only_where(OPEN_DEALS),
        ),
        Index(
            "ix_deal_open_snoozed",
            *("team_id", "snoozed_until", "id", "owner_id", "status"),
            **only_where(OPEN_DEALS + " AND snoozed_until IS NOT NULL"),
        ),
        # Deals closed in a period (win rate, deal size, time to close).
        Index(
            "ix_deal_team_closed",
            *("team_id", "closed_at", "status", "currency", "value_cents", "created_at"),
            "owner_id",
            **only_where("closed_at IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name_key: str = name_key_field("key")  # normalise(name): duplicates, exact lookups
    name_fold: str = name_key_field("folded")  # fold(name): trigram index, word starts
    name_compact: str = name_key_field("compact")  # name_fold without spaces: prefixes
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
    # --- imports (issue 15) ---
    #: the deal's id in the file it was imported from (``/pipeline import``): a re-import
    #: updates the deal it names (index ``ix_deal_team_external_id``, below)
    external_id: str | None = Field(default=None, max_length=100)
    # --- deleted and merged (issue 15): a deleted deal's ``status`` is ``deleted`` (so the
    # open/won/lost queries and their partial indexes leave it out as they are); its stage
    # says what it was. ``merged_into``: the deal it was merged into (same workspace).
    deleted_at: datetime | None = ts_field(nullable=True)
    deleted_by: str | None = Field(default=None, max_length=32)
    merged_into: int | None = None


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


class Manager(SQLModel, table=True):
    """Managers named by the workspace (on top of Slack admins and owners)."""

    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    added_by: str = Field(max_length=32)
    created_at: datetime = ts_field()


# --- Imports (issue 15) -------------------------------------------------------------------

#: A re-import finds the deal a row names by its external id, within the workspace.
Index("ix_deal_team_external_id", Deal.__table__.c.team_id, Deal.__table__.c.external_id)


class ImportDraft(SQLModel, table=True):
    """A CSV a manager gave ``/pipeline import``, kept between the modal's steps (mapping,
    preview, confirm: a modal's metadata holds 3,000 characters, a file up to 2 MB).
    ``done_at``: confirmed. Drafts older than a day are deleted when a new one is saved."""

    __tablename__ = "import_draft"
    __table_args__ = (Index("ix_import_draft_team_at", "team_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    filename: str = Field(default="", max_length=200)
    content: str = Field(sa_column=Column(Text(), nullable=False))
    #: the last preview, as confirmed: the column mapping and each owner cell's user id
    #: (JSON), so the import writes what the preview showed, with no Slack call
    plan: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    created_at: datetime = ts_field()
    done_at: datetime | None = ts_field(nullable=True)


class DealChange(SQLModel, table=True):
    """Changes on record (issue 15): an edit of a deal's value, expected close date, owner or
    probability, who made it and when, written in the edit's transaction. ``old`` and ``new``
    as stored text (``storage.record``): ``"<cents> <currency>"``, an ISO date, a user id, a
    percentage; empty is none. Stage moves stay in ``stage_move`` (the record reads both);
    close-date slips are counted from the ``expected_close`` rows."""

    __tablename__ = "deal_change"
    __table_args__ = (
        Index("ix_deal_change_team_deal", "team_id", "deal_id", "at"),
        Index("ix_deal_change_team_field_at", "team_id", "field", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id")
    field: str = Field(max_length=24)
    old: str | None = Field(default=None, max_length=64)
    new: str | None = Field(default=None, max_length=64)
    user_id: str = Field(max_length=32)
    at: datetime = ts_field()
