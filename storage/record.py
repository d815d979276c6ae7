"""Changes on record (issue 15): who changed a deal's value, expected close date, owner or
probability, and when — one ``deal_change`` row per field changed, written by the storage
function that makes the change, in the caller's transaction. Stage moves are not copied:
``deal_record`` reads them from ``stage_move`` beside the changes.

Values are kept as text so one table holds every field: ``encode_*`` / ``decode_*`` say how.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.money import Money
from storage.models import Deal, DealChange, StageMove

VALUE, CLOSE, OWNER, PROBABILITY, STAGE = "value", "expected_close", "owner", "probability", "stage"
FIELDS = (VALUE, CLOSE, OWNER, PROBABILITY)  # kept in ``deal_change``; STAGE in stage_move


def encode_money(cents: int | None, currency: str) -> str | None:
    return None if cents is None else f"{cents} {currency}"


def decode_money(text: str | None) -> Money | None:
    if not text:
        return None
    cents, currency = text.split(" ", 1)
    return Money.from_cents(int(cents), currency)


def encode_date(day: date | None) -> str | None:
    return day.isoformat() if day else None


def decode_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def record_change(
    *,
    session: Session,
    team_id: str,
    deal_id: int,
    field: str,
    old: str | None,
    new: str | None,
    user_id: str,
    at: datetime,
) -> DealChange | None:
    """One change of ``field`` (already encoded); nothing when the value stays the same."""
    if old == new:
        return None
    row = DealChange(
        team_id=team_id, deal_id=deal_id, field=field, old=old, new=new, user_id=user_id, at=at
    )
    session.add(row)
    return row


def record_deal_change(
    *,
    session: Session,
    deal: Deal,
    field: str,
    old: str | None,
    new: str | None,
    by: str,
    now: datetime,
) -> DealChange | None:
    """``record_change`` of ``deal`` (its workspace and id), by ``by`` at ``now``."""
    return record_change(
        session=session,
        team_id=deal.team_id,
        deal_id=deal.id,
        field=field,
        old=old,
        new=new,
        user_id=by,
        at=now,
    )


def set_deal_owner(
    *, session: Session, team_id: str, deal: Deal, owner_id: str, by: str, now: datetime
) -> bool:
    """Give ``deal`` to ``owner_id``, on record (the edit form, a bulk reassign). ``deal``
    comes from ``storage.deals.lock_deal``; the caller checks who may do it. False: it was
    theirs already."""
    if deal.team_id != team_id:
        raise ValueError("deal of another workspace")
    if deal.owner_id == owner_id:
        return False
    record_deal_change(
        session=session, deal=deal, field=OWNER, old=deal.owner_id, new=owner_id, by=by, now=now
    )
    deal.owner_id, deal.updated_at = owner_id, now
    session.add(deal)
    return True


@dataclass(frozen=True)
class Entry:
    """One line of a deal's record: a field's change, or a stage move (``field`` STAGE, the
    stages' names as ``old`` / ``new``)."""

    field: str
    old: str | None
    new: str | None
    user_id: str
    at: datetime
    deal_id: int


def deal_record(
    *, session: Session, team_id: str, deal_id: int, limit: int | None = None
) -> list[Entry]:
    """A deal's changes and stage moves, newest first (``limit``: the latest few). The first
    move (the deal's creation) and the moves an Undo took back are left out."""
    changes = select(DealChange).where(DealChange.team_id == team_id, DealChange.deal_id == deal_id)
    moves = select(StageMove).where(
        StageMove.team_id == team_id,
        StageMove.deal_id == deal_id,
        col(StageMove.from_stage_id).is_not(None),
    )
    changes = changes.order_by(col(DealChange.at).desc(), col(DealChange.id).desc())
    moves = moves.order_by(col(StageMove.moved_at).desc(), col(StageMove.id).desc())
    if limit:
        changes, moves = changes.limit(limit), moves.limit(limit)
    entries = [
        Entry(c.field, c.old, c.new, c.user_id, c.at, c.deal_id)
        for c in session.exec(changes).all()
    ] + [
        Entry(STAGE, m.from_name, m.to_name, m.moved_by, m.moved_at, m.deal_id)
        for m in session.exec(moves).all()
    ]
    entries.sort(key=lambda e: e.at, reverse=True)  # stable: the later row first at a tie
    return entries[:limit] if limit else entries


def close_date_slips(*, session: Session, team_id: str, deal_id: int) -> int:
    """How often the expected close date moved later (a slip). ISO dates compare as text."""
    q = select(func.count()).where(
        DealChange.team_id == team_id,
        DealChange.deal_id == deal_id,
        DealChange.field == CLOSE,
        col(DealChange.old).is_not(None),
        col(DealChange.new) > col(DealChange.old),
    )
    return int(session.exec(q).one())


def move_record(*, session: Session, team_id: str, from_id: int, to_id: int) -> int:
    """A merge: the changes on record of ``from_id`` become ``to_id``'s; how many."""
    rows = session.exec(
        select(DealChange).where(DealChange.team_id == team_id, DealChange.deal_id == from_id)
    ).all()
    for row in rows:
        row.deal_id = to_id
        session.add(row)
    return len(rows)
