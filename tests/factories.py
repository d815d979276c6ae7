"""Factories in one place: deals and managers written straight through storage."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.money import Money
from storage import deals as store
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
    **kw,
) -> int:
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
        if stage_key:
            stages = store.list_stages(session=s, team_id=team_id)
            target = next(st for st in stages if st.key == stage_key)
            store.move_deal(
                session=s, team_id=team_id, deal=deal, to_stage=target, by=owner_id, now=now
            )
        return deal.id


def add_manager(db: Database, user_id: str, *, team_id: str = "T1") -> None:
    with db.transaction() as s:
        store.add_manager(session=s, team_id=team_id, user_id=user_id, by="UADMIN", now=NOW)
