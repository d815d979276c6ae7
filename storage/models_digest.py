"""Digest subscriptions and delivery claims. Every table carries the Slack ``team_id``.

A *claim* is how a digest (per channel) or a reminder (per user) is delivered exactly once:
the row for ``(team_id, kind, target, slot)`` is inserted before anything is posted — the
unique constraint lets one process win — and moves ``claimed → posted`` when done (or
``failed`` / ``expired``, see ``bot/usecases/delivery.py``). ``file_id`` (the chart,
uploaded first) and ``message_ts`` record what was already done, so a run that resumes a
crashed one never does a part twice; ``post_started_at`` without a ``message_ts`` says a
post's outcome is unknown (it is looked for before posting again); after a failed attempt
``retry_at`` says when the next may start (exponential backoff).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from storage.models import ts_field


class DigestSubscription(SQLModel, table=True):
    """A channel's daily digest: when (local time, weekdays, IANA timezone) and for whom."""

    __tablename__ = "digest_subscription"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    at: str = Field(max_length=5)  # "HH:MM", local time in ``tz``
    tz: str = Field(max_length=64)  # IANA name, e.g. Asia/Jakarta
    weekdays: str = Field(max_length=40)  # cron day_of_week, e.g. "mon,tue,wed,thu,fri"
    owners: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    locale: str = Field(default="en", max_length=16)  # the language the digest is written in
    # True: chosen for this channel (/digest here … bahasa); False: the workspace default,
    # followed when a manager changes it (/pipeline settings).
    language_chosen: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_by: str = Field(max_length=32)
    active: bool = True
    # Slack Connect: a manager confirmed the pipeline may be posted in this shared channel
    shared_ok: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    #: won deals are announced in the channel from this moment (``None``: not announced)
    wins_from: datetime | None = ts_field(nullable=True)
    created_at: datetime = ts_field()
    updated_at: datetime = ts_field()


class DeliveryClaim(SQLModel, table=True):
    """One scheduled post (digest to a channel, reminder to a user) for one slot."""

    __tablename__ = "delivery_claim"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "target", "slot", name="uq_delivery_claim_slot"),
        Index("ix_delivery_claim_state", "state", "claimed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    kind: str = Field(max_length=16)  # digest | digest_now | reminder
    target: str = Field(max_length=32)  # channel id (digest) or user id (reminder)
    slot: datetime = ts_field()  # the scheduled time, UTC
    state: str = Field(default="claimed", max_length=8)  # claimed | posted | failed | expired
    claimed_by: str = Field(default="", max_length=64)  # the process that holds it
    claimed_at: datetime = ts_field()
    posted_at: datetime | None = ts_field(nullable=True)
    message_ts: str | None = Field(default=None, max_length=32)
    file_id: str | None = Field(default=None, max_length=32)
    attempt: int = 1  # moves on whenever another run takes the claim over (compare-and-set)
    last_error: str | None = Field(default=None, max_length=500)
    retry_at: datetime | None = ts_field(nullable=True)  # a failed attempt: not before this
    #: set right before a post is sent, cleared when Slack's answer says what happened: set
    #: with no ``message_ts``, the post's outcome is unknown (a timeout, a crash) — look for
    #: it in the channel before posting again (``bot.usecases.delivery``)
    post_started_at: datetime | None = ts_field(nullable=True)
    failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # for backoff
    #: what a resumed run needs that the claim's key doesn't say (a /digest now's scope)
    payload: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
