"""A channel's daily digest: subscribe (time, timezone, weekdays, owners), status, stop.

Who may change a channel's digest: a manager, or whoever subscribed it; anyone else is told
who can. A channel shared with another organisation (Slack Connect) gets the pipeline only
once a manager confirmed it (``shared_ok``). Each change runs once per request
(``run_once``): a replay answers with the first result (``fresh`` False), and the listener
announces a change in the channel only when it is fresh.

The scheduler is told about changes through ``services.scheduler`` by the listener (it
lives in the composition root); this module only reads and writes subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.deals import Actor
from bot.core.errors import PermissionDenied
from bot.core.i18n import N_
from bot.core.slots import Schedule, trigger_for, upcoming_slot
from bot.usecases.digest import DIGEST
from bot.usecases.forecast import TEAM_DIGEST, check_team_view
from storage import aftersales as after_store
from storage import claims as claim_store
from storage import digests as store
from storage import preferences as preference_store
from storage.db import Database, run_once
from storage.models_digest import DigestSubscription

SHARED_NOT_MANAGER = N_(
    "This channel is shared with another organisation, so only a manager can send the "
    "pipeline here (workspace admins and owners, and people named with /pipeline managers "
    "add). Ask one of them, or use a channel of your own workspace."
)
NOT_YOURS = N_(
    "Only a manager or <@{subscriber}>, who set up this channel's digest, can change or stop "
    "it. Ask one of them."
)


@dataclass(frozen=True)
class Subscribed:
    sub: DigestSubscription
    next_at: datetime | None
    changed: bool  # the channel had a digest already: its schedule changed
    fresh: bool = True  # False: a replay of a request already applied (nothing new happened)
    wins: bool = False  # won deals are announced here (issue 14)


@dataclass(frozen=True)
class SharedChannel:
    """A Slack Connect channel: a manager confirms before the pipeline is posted there."""

    channel_id: str


def ensure_may_change(actor: Actor, sub: DigestSubscription | None) -> None:
    """A channel's active digest is changed or stopped by a manager or its subscriber."""
    if sub is None or not sub.active or actor.is_manager or actor.user_id == sub.created_by:
        return
    raise PermissionDenied(NOT_YOURS, subscriber=sub.created_by)


def needs_confirmation(actor: Actor, *, shared: bool, confirmed: bool) -> bool:
    """A shared channel: refused to anyone but a manager, who confirms it first."""
    if not shared:
        return False
    if not actor.is_manager:
        raise PermissionDenied(SHARED_NOT_MANAGER)
    return not confirmed


def subscribe(
    db: Database,
    actor: Actor,
    *,
    channel_id: str,
    schedule: Schedule,
    now: datetime,
    key: str | None = None,
    shared: bool = False,
    confirmed: bool = False,
    wins: bool = False,
) -> Subscribed | SharedChannel:
    """Subscribe the channel or change its digest (a manager or its subscriber); a shared
    channel needs a manager's confirmation (``SharedChannel`` asks for it). Its digest is
    written in the language the schedule names, else in the workspace's default, which it
    then follows; ``wins``: announce won deals there too (``/digest here … wins``), in the
    digest's language."""
    if needs_confirmation(actor, shared=shared, confirmed=confirmed):
        return SharedChannel(channel_id)

    def work(s: Session) -> tuple[Subscribed, str]:
        before = store.get_subscription(session=s, team_id=actor.team_id, channel_id=channel_id)
        ensure_may_change(actor, before)
        if set(schedule.owners) != {actor.user_id}:  # anything but the rep's own deals
            check_team_view(s, actor, TEAM_DIGEST, user=actor.user_id)
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
            shared_ok=shared and confirmed,
        )
        sub = after_store.set_wins(
            session=s, team_id=actor.team_id, channel_id=channel_id, since=now if wins else None
        )
        changed = before is not None and before.active
        return _subscribed(sub, now, changed, True), "changed" if changed else "new"

    def replay(s: Session, record: str) -> Subscribed:
        sub = store.get_subscription(session=s, team_id=actor.team_id, channel_id=channel_id)
        return _subscribed(sub, now, record == "changed", False)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


def _subscribed(sub: DigestSubscription, now: datetime, changed: bool, fresh: bool) -> Subscribed:
    nxt = upcoming_slot(trigger_for(sub.at, sub.tz, sub.weekdays), now) if sub.active else None
    return Subscribed(sub, nxt, changed, fresh, sub.wins_from is not None)


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


@dataclass(frozen=True)
class Stopped:
    stopped: bool  # False: there was no digest to stop
    fresh: bool = True  # False: a replay of a stop already made


def stop(
    db: Database, actor: Actor, *, channel_id: str, now: datetime, key: str | None = None
) -> Stopped:
    """Stop the channel's digest (a manager or its subscriber)."""

    def work(s: Session) -> tuple[Stopped, str]:
        before = store.get_subscription(session=s, team_id=actor.team_id, channel_id=channel_id)
        ensure_may_change(actor, before)
        sub = store.stop_subscription(
            session=s, team_id=actor.team_id, channel_id=channel_id, now=now
        )
        return Stopped(sub is not None), "stopped" if sub is not None else "none"

    def replay(_s: Session, record: str) -> Stopped:
        return Stopped(record == "stopped", fresh=False)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


def may_post(sub: DigestSubscription, *, shared: bool) -> bool:
    """Whether the pipeline may be posted in the subscribed channel now: not shared with
    another organisation, or a manager confirmed it (for the scheduled post, which checks
    ``conversations.info``'s ``is_ext_shared`` before posting)."""
    return not shared or sub.shared_ok


def active(db: Database, actor: Actor, *, channel_id: str) -> DigestSubscription | None:
    with db.read() as s:
        sub = store.get_subscription(session=s, team_id=actor.team_id, channel_id=channel_id)
    return sub if sub is not None and sub.active else None


def of_channel(db: Database, *, team_id: str, channel_id: str) -> DigestSubscription | None:
    """The channel's active subscription (for the scheduled jobs, which act for no user)."""
    with db.read() as s:
        sub = store.get_subscription(session=s, team_id=team_id, channel_id=channel_id)
    return sub if sub is not None and sub.active else None
