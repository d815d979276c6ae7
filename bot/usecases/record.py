"""Changes on record, deleting and merging deals (issue 15).

The record: each change of a deal's value, expected close date, owner or probability, and
its stage moves, newest first (``storage.record``). A delete is soft (``storage.removal``):
the deal leaves every list, metric, lookup, digest and reminder, its history stays for
audit, and an Undo brings it back. A merge moves deal A's contacts, checklists, meetings
and notes, stage history and changes on record to deal B and deletes A, pointing to B.
Every write runs through ``run_once``: a replayed request is answered, never applied twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.deals import Actor
from bot.core.errors import InvalidInput, NotFound
from bot.core.i18n import N_
from bot.core.removal import check_merge, ensure_can_delete
from bot.usecases.common import deal_to_change
from bot.usecases.deals import Resolved, resolve_deal
from bot.usecases.views import DealView, deal_view
from storage import deals as store
from storage import record as record_store
from storage import removal
from storage import requests as requests_store
from storage import stages as stage_store
from storage.db import Database, run_once
from storage.models import Deal

CARD_LINES = 3  # the changes a card shows (the latest)


@dataclass(frozen=True)
class Line:
    """One change on record: ``field`` (``value``, ``expected_close``, ``owner``,
    ``probability``, ``stage``, ``merged``) with both values as stored: a ``Money``, a date,
    a user id, a percentage, a stage's name, a merged deal's name (``after``)."""

    field: str
    before: object
    after: object
    by: str
    at: datetime


_DECODE = {
    record_store.VALUE: record_store.decode_money,
    record_store.CLOSE: record_store.decode_date,
    record_store.PROBABILITY: lambda v: int(v) if v else None,
}


def _line(e: record_store.Entry) -> Line:
    decode = _DECODE.get(e.field, lambda v: v)
    return Line(e.field, decode(e.old), decode(e.new), e.user_id, e.at)


def lines(
    session: Session, team_id: str, deal_id: int, *, limit: int | None = None, stages: bool = True
) -> list[Line]:
    """A deal's record, newest first; without ``stages``, its changes alone (a card lists
    the moves in its own History)."""
    entries = record_store.deal_record(
        session=session, team_id=team_id, deal_id=deal_id, limit=None if not stages else limit
    )
    found = [_line(e) for e in entries if stages or e.field != record_store.STAGE]
    return found[:limit] if limit else found


@dataclass(frozen=True)
class Record:
    deal_id: int
    deal_name: str
    lines: list[Line]
    deleted: bool = False


def deal_record(db: Database, actor: Actor, *, deal_id: int, audit: bool = False) -> Record:
    """The whole record of a deal (``audit``: of a deleted one too)."""
    with db.read() as s:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id, deleted=audit)
        return Record(
            deal.id, deal.name, lines(s, actor.team_id, deal.id), deal.deleted_at is not None
        )


# --- an owner change, for any path that reassigns --------------------------------------


def change_owner(
    session: Session, actor: Actor, *, deal_id: int, owner_id: str, now: datetime
) -> bool:
    """Give a deal to ``owner_id`` on record, inside the caller's ``run_once`` work (a bulk
    reassign calls it per deal): only its owner or a manager may; False when it was theirs."""
    deal = deal_to_change(session, actor, deal_id, lock=True)
    return record_store.set_deal_owner(
        session=session,
        team_id=actor.team_id,
        deal=deal,
        owner_id=owner_id,
        by=actor.user_id,
        now=now,
    )


# --- deleting ---------------------------------------------------------------------------


def _done(s: Session, actor: Actor, key: str | None) -> str | None:
    """What a copy of this request recorded while this one waited for the deal's lock (a
    Slack retry racing the first copy): it is answered with the first one's result."""
    return (
        requests_store.previous_result(session=s, team_id=actor.team_id, key=key) if key else None
    )


def _named(s: Session, actor: Actor, text: str) -> Deal:
    """The one deal ``text`` names (exactly, or the only match); a deal merged away points
    to the deal it went into."""
    found: Resolved = resolve_deal(session=s, team_id=actor.team_id, text=text)
    if found.deal is not None:
        return found.deal
    if found.choices:
        raise InvalidInput(
            N_("“{typed}” matches several deals: {names}. Write the whole name."),
            typed=text,
            names=", ".join(f"“{c.name}”" for c in found.choices[:5]),
        )
    survivor = removal.merged_survivor(session=s, team_id=actor.team_id, text=text)
    if survivor is not None:
        raise NotFound(
            N_("“{typed}” was merged into “{into}”: look at /pipeline {into}."),
            typed=text,
            into=survivor.name,
        )
    close = ", ".join(f"“{c.name}”" for c in found.suggestions[:3])
    if close:
        raise NotFound(
            N_("No deal is called “{typed}”. Did you mean {names}?"), typed=text, names=close
        )
    raise NotFound(N_("No deal is called “{typed}”."), typed=text)


def _view(s: Session, deal: Deal) -> DealView:
    return deal_view(deal, stage_store.list_stages(session=s, team_id=deal.team_id))


def delete_preview(db: Database, actor: Actor, *, text: str) -> DealView:
    """``/pipeline delete <deal>``: the deal, to confirm (refused now to whom may not)."""
    with db.read() as s:
        deal = _named(s, actor, text)
        ensure_can_delete(actor, deal)
        return _view(s, deal)


def delete_check(db: Database, actor: Actor, *, deal_id: int) -> DealView:
    """The card's "Delete deal…": the deal, to confirm."""
    with db.read() as s:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        ensure_can_delete(actor, deal)
        return _view(s, deal)


@dataclass(frozen=True)
class Deleted:
    deal_id: int
    name: str
    into: str | None = None  # merged: the deal it went into


def delete(db: Database, actor: Actor, *, deal_id: int, key: str | None, now: datetime) -> Deleted:
    """Soft-delete a deal (its owner or a manager)."""

    def work(s: Session) -> tuple[Deleted, str | None]:
        deal = store.lock_deal(session=s, team_id=actor.team_id, deal_id=deal_id, deleted=True)
        if _done(s, actor, key) is not None:  # a copy of this request deleted it meanwhile
            return replay(s, ""), None
        store.ensure_live(session=s, deal=deal)
        ensure_can_delete(actor, deal)
        removal.delete_deal(session=s, team_id=actor.team_id, deal=deal, by=actor.user_id, now=now)
        return Deleted(deal.id, deal.name), str(deal.id)

    def replay(s: Session, _record: str) -> Deleted:
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id, deleted=True)
        return Deleted(deal.id, deal.name)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


@dataclass(frozen=True)
class Restored:
    deal: DealView


def restore(
    db: Database, actor: Actor, *, deal_id: int, key: str | None, now: datetime
) -> Restored:
    """Undo a delete (not a merge: its rows moved already)."""

    def work(s: Session) -> tuple[Restored, str]:
        deal = store.lock_deal(session=s, team_id=actor.team_id, deal_id=deal_id, deleted=True)
        ensure_can_delete(actor, deal)
        if deal.merged_into is not None:
            raise InvalidInput(N_("A merged deal can't be brought back: its history moved."))
        if deal.deleted_at is not None:
            removal.restore_deal(session=s, team_id=actor.team_id, deal=deal, now=now)
        return Restored(_view(s, deal)), str(deal.id)

    def replay(s: Session, _record: str) -> Restored:
        return Restored(_view(s, store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)))

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


# --- merging ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MergePreview:
    merged: DealView  # A: goes
    survivor: DealView  # B: stays
    moving: dict[str, int]  # what moves from A to B: contacts, checklists, activities, moves


def merge_preview_named(db: Database, actor: Actor, *, merged: str, survivor: str) -> MergePreview:
    """``/pipeline merge <A> into <B>``: what would move, to confirm."""
    with db.read() as s:
        a, b = _named(s, actor, merged), _named(s, actor, survivor)
        return _preview(s, actor, a, b)


def merge_preview(db: Database, actor: Actor, *, merged_id: int, survivor_id: int) -> MergePreview:
    with db.read() as s:
        a = store.get_deal(session=s, team_id=actor.team_id, deal_id=merged_id)
        b = store.get_deal(session=s, team_id=actor.team_id, deal_id=survivor_id)
        return _preview(s, actor, a, b)


def _preview(s: Session, actor: Actor, a: Deal, b: Deal) -> MergePreview:
    check_merge(actor, a, b)
    moving = removal.count_attached(session=s, team_id=actor.team_id, deal_id=a.id)
    return MergePreview(_view(s, a), _view(s, b), moving)


@dataclass(frozen=True)
class Merged:
    merged: str
    survivor: DealView
    moved: dict[str, int]


def merge(
    db: Database,
    actor: Actor,
    *,
    merged_id: int,
    survivor_id: int,
    key: str | None,
    now: datetime,
) -> Merged:
    """Merge deal A into deal B in one transaction (both locked, in id order)."""

    def work(s: Session) -> tuple[Merged, str | None]:
        team = actor.team_id
        locked = {
            i: store.lock_deal(session=s, team_id=team, deal_id=i, deleted=True)
            for i in sorted((merged_id, survivor_id))
        }
        if (done := _done(s, actor, key)) is not None:  # a copy of this request merged them
            return replay(s, done), None
        a, b = locked[merged_id], locked[survivor_id]
        store.ensure_live(session=s, deal=a)
        store.ensure_live(session=s, deal=b)
        check_merge(actor, a, b)
        moved = removal.merge_deals(
            session=s, team_id=actor.team_id, loser=a, survivor=b, by=actor.user_id, now=now
        )
        return Merged(a.name, _view(s, b), moved), a.name

    def replay(s: Session, record: str) -> Merged:
        b = store.get_deal(session=s, team_id=actor.team_id, deal_id=survivor_id)
        return Merged(record, _view(s, b), {})

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)
