"""Small pieces several use cases share: the deal the actor may change, the change itself
(recorded as the actor's), and the draft of a one-date form of a deal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.core.deals import Actor, ensure_can_change
from storage import deals as store
from storage.models import Deal


def deal_to_change(session: Session, actor: Actor, deal_id: int, *, lock: bool = False) -> Deal:
    """The deal ``deal_id`` — locked for the change with ``lock`` — once ``actor`` may change
    it (its owner or a manager; ``ensure_can_change`` refuses anyone else)."""
    get = store.lock_deal if lock else store.get_deal
    deal = get(session=session, team_id=actor.team_id, deal_id=deal_id)
    ensure_can_change(actor, deal)
    return deal


def change_deal(
    s: Session, actor: Actor, deal: Deal, changes: store.DealChanges, now: datetime
) -> None:
    """Apply ``changes`` to ``deal`` in ``actor``'s workspace, recorded as theirs."""
    store.update_deal(
        session=s, team_id=actor.team_id, deal=deal, changes=changes, by=actor.user_id, now=now
    )


@dataclass(frozen=True)
class DayDraft:
    """What a deal's one-date form opens with (a lost deal's win-back date, a snooze's end)."""

    deal_id: int
    deal_name: str
    initial: date
