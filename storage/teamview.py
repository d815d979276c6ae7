"""What managers read about the team (issue 14): open deals per rep and stage (the Home
tab), and the whole path a deal took in a period (the digest's "Moved").

Keyword-only ``verb_noun(*, session, team_id, ...)`` functions that never commit; every query
filters by ``team_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.stages import OPEN
from storage.models import Deal, StageMove


@dataclass(frozen=True)
class OwnerStageTotal:
    owner_id: str
    stage_id: int
    currency: str
    count: int
    value_cents: int


def open_totals_by_owner(*, session: Session, team_id: str) -> list[OwnerStageTotal]:
    """Open deals and value per owner, stage and currency, aggregated in SQL."""
    q = (
        select(
            Deal.owner_id,
            Deal.stage_id,
            Deal.currency,
            func.count(),
            func.coalesce(func.sum(Deal.value_cents), 0),
        )
        .where(Deal.team_id == team_id, Deal.status == OPEN)
        .group_by(Deal.owner_id, Deal.stage_id, Deal.currency)
    )
    return [OwnerStageTotal(o, st, c, n, int(v)) for o, st, c, n, v in session.exec(q).all()]


def list_move_paths(
    *, session: Session, team_id: str, deal_ids: list[int], since: datetime, until: datetime
) -> dict[int, list[tuple[str | None, str]]]:
    """``{deal_id: [(from name, to name), …]}``: each deal's moves in ``(since, until]``,
    oldest first — the whole path a deal took (a digest's "Moved" line). Undone moves and
    their undos are left out."""
    if not deal_ids:
        return {}
    q = (
        select(StageMove.deal_id, StageMove.from_name, StageMove.to_name)
        .where(
            StageMove.team_id == team_id,
            col(StageMove.deal_id).in_(deal_ids),
            StageMove.moved_at > since,
            StageMove.moved_at <= until,
            StageMove.undone_at.is_(None),
            StageMove.undo_of.is_(None),
        )
        .order_by(StageMove.deal_id, StageMove.moved_at, StageMove.id)
    )
    out: dict[int, list[tuple[str | None, str]]] = {}
    for deal_id, before, after in session.exec(q).all():
        out.setdefault(deal_id, []).append((before, after))
    return out
