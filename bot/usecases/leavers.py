"""Deactivated members who still own open deals (issue 15, item 4): what the managers' Home
tab and the digest list for reassignment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.core.money import Money
from storage import people as store


@dataclass(frozen=True)
class Leaver:
    user_id: str
    since: datetime
    count: int
    values: tuple[Money, ...]


def leavers_in(session: Session, team_id: str, owners: Sequence[str] = ()) -> list[Leaver]:
    """``owners``: only these (a digest for some owners); none: everyone."""
    gone = [
        m
        for m in store.list_inactive(session=session, team_id=team_id)
        if not owners or m.user_id in owners
    ]
    owned = store.count_open_deals_of(
        session=session, team_id=team_id, owner_ids=[m.user_id for m in gone]
    )
    return [
        Leaver(
            m.user_id,
            m.since,
            owned[m.user_id][0],
            tuple(Money.from_cents(c, cur) for cur, c in sorted(owned[m.user_id][1].items())),
        )
        for m in gone
        if m.user_id in owned
    ]
