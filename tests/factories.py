"""Factories in one place: deals, managers, notes and digest subscriptions written straight
through storage."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.core.money import Money
from storage import deals as store
from storage import digests as digest_store
from storage import managers as manager_store
from storage import stages as stage_store
from storage.checklists import NewActivity, add_activity
from storage.db import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def make_deal(
    db: Database,
    *,
    team_id: str = "T1",
    name: str = "Acme Corp",
    owner_id: str = "U1",
    value: int | None = 50_000_000,
    currency: str = "IDR",
    stage_key: str | None = None,
    now: datetime = NOW,
    path: tuple = (),
    **kw,
) -> int:
    """A deal created at ``now``; ``stage_key`` moves it there at once, ``path``
    moves it along (stage key, when[, lost reason]) steps."""
    amount = Money(Decimal(value), currency) if value is not None else None
    new = store.NewDeal(name=name, owner_id=owner_id, value=amount, **kw)
    with db.transaction() as s:
        deal = store.create_deal(session=s, team_id=team_id, created_by=owner_id, now=now, new=new)
        stages = {st.key: st for st in stage_store.list_stages(session=s, team_id=team_id)}
        steps = ((stage_key, now),) if stage_key else ()
        for key, at, *reason in steps + tuple(path):
            store.move_deal(
                session=s,
                team_id=team_id,
                deal=deal,
                to_stage=stages[key],
                by=owner_id,
                now=at,
                lost_reason=reason[0] if reason else None,
            )
        return deal.id


def add_deal(
    db: Database,
    name: str,
    value: int | None = 10_000_000,
    *,
    created: datetime,
    currency: str = "IDR",
    owner: str = "U1",
    team: str = "T1",
    path: tuple = (),
    **kw,
) -> int:
    """``make_deal`` in the metrics fixtures' words: created at ``created``, then moved
    along ``path`` of (stage key, when[, lost reason])."""
    return make_deal(
        db,
        team_id=team,
        name=name,
        owner_id=owner,
        value=value,
        currency=currency,
        now=created,
        path=path,
        **kw,
    )


def add_manager(db: Database, user_id: str, *, team_id: str = "T1") -> None:
    with db.transaction() as s:
        manager_store.add_manager(session=s, team_id=team_id, user_id=user_id, by="UADMIN", now=NOW)


def edit_deal(
    db: Database, deal_id: int, *, by: str = "U1", now: datetime = NOW, **changes
) -> None:
    """Change a deal's fields (``storage.deals.DealChanges``), in whichever workspace it is."""
    with db.transaction() as s:
        deal = s.get(store.Deal, deal_id)
        new = store.DealChanges(**changes)
        store.update_deal(session=s, team_id=deal.team_id, deal=deal, by=by, now=now, changes=new)


def add_note(
    db: Database, deal_id: int, notes: str, *, kind: str = "note", now: datetime = NOW
) -> None:
    """A note (or, with ``kind="meeting"``, a meeting log) U1 wrote on the deal at ``now``."""
    new = NewActivity(kind=kind, occurred_on=now.date(), notes=notes)
    with db.transaction() as s:
        deal = s.get(store.Deal, deal_id)
        add_activity(session=s, team_id=deal.team_id, deal=deal, new=new, by="U1", now=now)


def subscribe(db: Database, channel: str = "C1", *, now: datetime, **more: object) -> None:
    """``channel`` subscribed at ``now``: by default U1 of T1 asked for everyone's deals at
    09:00 in Asia/Jakarta, every day, in English (``more`` overrides ``team_id``, ``at``,
    ``tz``, ``weekdays``, ``owners``, ``by``, ``locale``)."""
    fields = {
        "team_id": "T1",
        "at": "09:00",
        "tz": "Asia/Jakarta",
        "weekdays": "mon,tue,wed,thu,fri,sat,sun",
        "owners": [],
        "by": "U1",
        "locale": "en",
    }
    with db.transaction() as s:
        digest_store.save_subscription(session=s, channel_id=channel, now=now, **fields | more)
