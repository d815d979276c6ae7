"""Factories in one place: deals, managers, notes and digest subscriptions written straight
through storage."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.core.money import Money
from storage import checklists as checklist_store
from storage import deals as store
from storage import digests as digest_store
from storage import managers as manager_store
from storage import stages as stage_store
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
    with db.transaction() as s:
        deal = store.create_deal(
            session=s,
            team_id=team_id,
            created_by=owner_id,
            now=now,
            new=store.NewDeal(
                name=name,
                owner_id=owner_id,
                value=Money(Decimal(value), currency) if value is not None else None,
                **kw,
            ),
        )
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
    db: Database,
    deal_id: int,
    *,
    team_id: str = "T1",
    by: str = "U1",
    now: datetime = NOW,
    **changes,
) -> None:
    """Change a deal's fields straight through storage (``storage.deals.DealChanges``)."""
    with db.transaction() as s:
        deal = store.get_deal(session=s, team_id=team_id, deal_id=deal_id)
        store.update_deal(
            session=s,
            team_id=team_id,
            deal=deal,
            by=by,
            now=now,
            changes=store.DealChanges(**changes),
        )


def add_note(
    db: Database,
    deal_id: int,
    notes: str,
    *,
    kind: str = "note",
    team_id: str = "T1",
    now: datetime = NOW,
) -> None:
    """A note (or, with ``kind="meeting"``, a meeting log) U1 wrote on the deal at ``now``."""
    with db.transaction() as s:
        checklist_store.add_activity(
            session=s,
            team_id=team_id,
            deal=store.get_deal(session=s, team_id=team_id, deal_id=deal_id),
            new=checklist_store.NewActivity(kind=kind, occurred_on=now.date(), notes=notes),
            by="U1",
            now=now,
        )


def subscribe(
    db: Database,
    channel: str = "C1",
    *,
    now: datetime,
    team_id: str = "T1",
    at: str = "09:00",
    tz: str = "Asia/Jakarta",
    days: str = "mon,tue,wed,thu,fri,sat,sun",
    owners: tuple[str, ...] = (),
    by: str = "U1",
) -> None:
    """``channel`` subscribed at ``now`` to the digest at ``at`` in ``tz`` on ``days`` (of
    ``owners``' deals; of everyone's when empty)."""
    with db.transaction() as s:
        digest_store.save_subscription(
            session=s,
            team_id=team_id,
            channel_id=channel,
            at=at,
            tz=tz,
            weekdays=days,
            owners=list(owners),
            locale="en",
            by=by,
            now=now,
        )
