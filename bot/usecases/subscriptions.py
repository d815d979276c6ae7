"""A channel's daily digest: subscribe (time, timezone, weekdays, owners), status, stop.

The scheduler is told about changes through ``services.scheduler`` by the listener (it
lives in the composition root); this module only reads and writes subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.deals import Actor
from bot.core.slots import Schedule, trigger_for, upcoming_slot
from bot.usecases.digest import DIGEST
from storage import claims as claim_store
from storage import digests as store
from storage import preferences as preference_store
from storage.db import Database
from storage.models_digest import DigestSubscription


@dataclass(frozen=True)
class Subscribed:
    sub: DigestSubscription
    next_at: datetime | None
    changed: bool  # the channel had a digest already: its schedule changed


def subscribe(
    db: Database,
    actor: Actor,
    *,
    channel_id: str,
    schedule: Schedule,
    now: datetime,
) -> Subscribed:
    """Subscribe the channel (or change its schedule). Its digest is written in the language
    the schedule names, else in the workspace's default, which it then follows."""
    with db.transaction() as s:
        before = store.get_subscription(session=s, team_id=actor.team_id, channel_id=channel_id)
        default, _ = preference_store.workspace_settings(session=s, team_id=actor.team_id)
        sub = store.save_subscription(
            session=s,
            team_id=actor.team_id,
            channel_id=channel_id,
            at=schedule.at,
            tz=schedule.tz,
            weekdays=schedule.cron_days,
            owners=list(schedule.owners),
            locale=schedule.language or default,
            language_chosen=schedule.language is not None,
            by=actor.user_id,
            now=now,
        )
    nxt = upcoming_slot(trigger_for(sub.at, sub.tz, sub.weekdays), now)
    return Subscribed(sub, nxt, before is not None and before.active)


@dataclass(frozen=True)
class Status:
    sub: DigestSubscription | None  # None: no digest here
    next_at: datetime | None = None
    last_at: datetime | None = None


def status(db: Database, actor: Actor, *, channel_id: str, now: datetime) -> Status:
    with db.read() as s:
        sub = store.get_subscription(session=s, team_id=actor.team_id, channel_id=channel_id)
        last = claim_store.last_posted(
            session=s, team_id=actor.team_id, kind=DIGEST, target=channel_id
        )
    if sub is None or not sub.active:
        return Status(None)
    nxt = upcoming_slot(trigger_for(sub.at, sub.tz, sub.weekdays), now)
    return Status(sub, nxt, last.posted_at if last else None)


def stop(db: Database, actor: Actor, *, channel_id: str, now: datetime) -> bool:
    """Whether a digest was stopped (False: there was none)."""
    with db.transaction() as s:
        sub = store.stop_subscription(
            session=s, team_id=actor.team_id, channel_id=channel_id, now=now
        )
    return sub is not None


def active(db: Database, actor: Actor, *, channel_id: str) -> DigestSubscription | None:
    with db.read() as s:
        sub = store.get_subscription(session=s, team_id=actor.team_id, channel_id=channel_id)
    return sub if sub is not None and sub.active else None


def of_channel(db: Database, *, team_id: str, channel_id: str) -> DigestSubscription | None:
    """The channel's active subscription (for the scheduled jobs, which act for no user)."""
    with db.read() as s:
        sub = store.get_subscription(session=s, team_id=team_id, channel_id=channel_id)
    return sub if sub is not None and sub.active else None
