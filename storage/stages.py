"""A workspace's stages: the default sales path seeded on first use, the stage editor's saves,
and when a deal entered the stage it is in."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.core.errors import InvalidInput, NotFound
from bot.core.i18n import N_
from bot.core.stages import DEFAULT_STAGES, OPEN
from storage.models import (
    Deal,
    Stage,
    StageMove,
)


def list_stages(*, session: Session, team_id: str) -> list[Stage]:
    """The workspace's stages in order, seeding the default sales path on first use."""
    stages = session.exec(
        select(Stage).where(Stage.team_id == team_id).order_by(Stage.position, Stage.id)
    ).all()
    if stages:
        return list(stages)
    try:
        with session.begin_nested():  # a savepoint: a concurrent seeding wins, we read it
            for spec in DEFAULT_STAGES:
                session.add(
                    Stage(
                        team_id=team_id,
                        key=spec.key,
                        name=spec.name,
                        position=spec.position,
                        probability=spec.probability,
                        kind=spec.kind,
                        gate_checklist=getattr(spec, "gate_checklist", None),
                        gate_mode=getattr(spec, "gate_mode", "off"),
                    )
                )
    except IntegrityError:
        pass
    return list(
        session.exec(
            select(Stage).where(Stage.team_id == team_id).order_by(Stage.position, Stage.id)
        ).all()
    )


def stage_entered_at(*, session: Session, team_id: str, deal_id: int) -> datetime | None:
    """When the deal entered the stage it is in (its last move)."""
    return session.exec(
        select(StageMove.moved_at)
        .where(StageMove.team_id == team_id, StageMove.deal_id == deal_id)
        .order_by(StageMove.moved_at.desc(), StageMove.id.desc())
    ).first()


def get_stage(*, session: Session, team_id: str, stage_id: int) -> Stage:
    stage = session.get(Stage, stage_id)
    if stage is None or stage.team_id != team_id:
        raise NotFound(N_("That stage no longer exists."))
    return stage


def stage_in_use(*, session: Session, team_id: str, stage_id: int) -> bool:
    deals = session.exec(
        select(func.count())
        .select_from(Deal)
        .where(Deal.team_id == team_id, Deal.stage_id == stage_id)
    ).one()
    moves = session.exec(
        select(func.count())
        .select_from(StageMove)
        .where(
            StageMove.team_id == team_id,
            (StageMove.to_stage_id == stage_id) | (StageMove.from_stage_id == stage_id),
        )
    ).one()
    return bool(deals or moves)


@dataclass(frozen=True)
class StageEdit:
    id: int | None  # None: a new stage
    name: str
    order: int
    probability: int
    stale_days: int | None
    remove: bool = False


def save_stages(*, session: Session, team_id: str, edits: Sequence[StageEdit]) -> None:
    """Apply the stage editor: renames, order, probabilities, additions, unused removals.

    Open stages are renumbered 1..n by (order, old position), a new stage before an old one
    given the same order (it takes the place asked for); Won and Lost stay last.
    """
    stages = {s.id: s for s in list_stages(session=session, team_id=team_id)}
    for e in edits:
        if e.id is not None and e.remove:
            if stage_in_use(session=session, team_id=team_id, stage_id=e.id):
                raise InvalidInput(
                    N_("“{name}” has deals or history, so it can't be removed."),
                    field=f"remove:{e.id}",
                    name=stages[e.id].name,
                )
            session.delete(stages.pop(e.id))
    session.flush()
    keep = []
    for e in edits:
        if e.id is None:
            key = re.sub(r"[^a-z0-9]+", "_", e.name.casefold()).strip("_")[:40] or "stage"
            taken = {s.key for s in stages.values()}
            base, n = key, 2
            while key in taken:
                key, n = f"{base}_{n}", n + 1
            st = Stage(
                team_id=team_id,
                key=key,
                name=e.name,
                position=e.order,
                probability=e.probability,
                kind=OPEN,
            )
            session.add(st)
            keep.append((e.order, -1, st))  # order 5 means "at 5": before the stage now at 5
        elif not e.remove:
            st = stages[e.id]
            st.name = e.name
            if st.kind == OPEN:
                st.probability = e.probability
                st.stale_days = e.stale_days
                keep.append((e.order, st.position, st))
    ordered = [st for _, _, st in sorted(keep, key=lambda x: (x[0], x[1]))]
    closed = sorted((s for s in stages.values() if s.kind != OPEN), key=lambda s: s.position)
    for pos, st in enumerate(ordered + closed, start=1):
        st.position = pos
        session.add(st)
    session.flush()
