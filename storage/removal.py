"""Deleting a deal (softly: kept for audit, left out of everything else) and merging one
deal into another (issue 15). The caller locks both deals (``storage.deals.lock_deal``),
checks who may do it and owns the transaction.

A deleted deal keeps its row, history, checklists and meetings; its ``status`` becomes
``deleted`` so that every query of open, won or lost deals (and their partial indexes)
leaves it out unchanged, and ``deleted_at`` keeps it out of the queries of any status
(``storage.metrics.live``). Its stage still says where it was: a restore sets the status
back from the stage's kind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.matching import normalise
from storage import record
from storage.models import Contact, Deal, DealChange, Stage, StageMove
from storage.models_checklist import Activity, ChecklistVersion

DELETED = "deleted"  # a deleted deal's status
MERGED = "merged"  # deal_change.field on the survivor: old = the merged deal's id, new its name


def delete_deal(
    *, session: Session, team_id: str, deal: Deal, by: str, now: datetime, into: int | None = None
) -> Deal:
    """Soft-delete ``deal`` (``into``: it was merged into that deal)."""
    if deal.team_id != team_id:
        raise ValueError("deal of another workspace")
    deal.status, deal.deleted_at, deal.deleted_by, deal.merged_into = DELETED, now, by, into
    deal.updated_at = now
    session.add(deal)
    session.flush()
    return deal


def restore_deal(*, session: Session, team_id: str, deal: Deal, now: datetime) -> Deal:
    """Undo a delete: the deal is back as it was (its status from its stage's kind)."""
    if deal.team_id != team_id:
        raise ValueError("deal of another workspace")
    stage = session.get(Stage, deal.stage_id)
    deal.status = stage.kind
    deal.deleted_at = deal.deleted_by = deal.merged_into = None
    deal.updated_at = now
    session.add(deal)
    session.flush()
    return deal


def merged_survivor(*, session: Session, team_id: str, text: str) -> Deal | None:
    """The deal a merged deal called ``text`` (its whole name) went into, if it still
    stands: what a name typed for a merged deal is pointed to."""
    gone = session.exec(
        select(Deal)
        .where(
            Deal.team_id == team_id,
            Deal.name_key == normalise(text),
            col(Deal.merged_into).is_not(None),
        )
        .order_by(col(Deal.deleted_at).desc())
    ).first()
    for _ in range(20):  # a chain of merges, followed to the deal still standing
        if gone is None or gone.merged_into is None:
            break
        gone = session.get(Deal, gone.merged_into)
        if gone is not None and gone.team_id != team_id:
            return None
    return gone if gone is not None and gone.deleted_at is None else None


def _move_rows(session: Session, model, team_id: str, loser: int, survivor: int, **set_) -> int:
    rows = session.exec(select(model).where(model.team_id == team_id, model.deal_id == loser)).all()
    for row in rows:
        row.deal_id = survivor
        for k, v in set_.items():
            setattr(row, k, v)
        session.add(row)
    return len(rows)


def _move_checklists(session: Session, team_id: str, loser: int, survivor: int) -> int:
    """The merged deal's checklist versions, moved with a provisional (negative, unique)
    version each: ``_renumber_checklists`` then counts them among the survivor's."""
    rows = session.exec(
        select(ChecklistVersion).where(
            ChecklistVersion.team_id == team_id, ChecklistVersion.deal_id == loser
        )
    ).all()
    for row in rows:
        row.deal_id, row.version = survivor, -row.id
        session.add(row)
    session.flush()
    return len(rows)


def _renumber_checklists(session: Session, team_id: str, survivor: int) -> None:
    """The survivor's checklist versions, each kind counted again by when it was saved (the
    merged deal's versions among its own): twice, through negatives, for the unique key."""
    rows = session.exec(
        select(ChecklistVersion)
        .where(ChecklistVersion.team_id == team_id, ChecklistVersion.deal_id == survivor)
        .order_by(ChecklistVersion.kind, ChecklistVersion.created_at, ChecklistVersion.id)
    ).all()
    for row in rows:  # out of the way of both the old and the new numbers
        row.version = -row.id - 1_000_000
        session.add(row)
    session.flush()
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.kind] = counts.get(row.kind, 0) + 1
        row.version = counts[row.kind]
        session.add(row)
    session.flush()


def merge_deals(
    *, session: Session, team_id: str, loser: Deal, survivor: Deal, by: str, now: datetime
) -> dict[str, int]:
    """Move ``loser``'s contacts, checklists, meetings and notes, stage history and changes
    on record to ``survivor``, and soft-delete ``loser`` pointing to it; how many of each
    moved. The survivor keeps its own primary contact, stage, value and owner."""
    if loser.team_id != team_id or survivor.team_id != team_id or loser.id == survivor.id:
        raise ValueError("merge within one workspace, of two deals")
    has_primary = session.exec(
        select(Contact.id).where(
            Contact.team_id == team_id, Contact.deal_id == survivor.id, Contact.is_primary
        )
    ).first()
    extra = {"is_primary": False} if has_primary is not None else {}
    moved = {
        "contacts": _move_rows(session, Contact, team_id, loser.id, survivor.id, **extra),
        "checklists": _move_checklists(session, team_id, loser.id, survivor.id),
        "activities": _move_rows(session, Activity, team_id, loser.id, survivor.id),
        "moves": _move_rows(session, StageMove, team_id, loser.id, survivor.id),
        "changes": record.move_record(
            session=session, team_id=team_id, from_id=loser.id, to_id=survivor.id
        ),
    }
    session.flush()
    _renumber_checklists(session, team_id, survivor.id)
    for grown in session.exec(
        select(Deal).where(Deal.team_id == team_id, Deal.grown_from_id == loser.id)
    ).all():
        grown.grown_from_id = survivor.id
        session.add(grown)
    session.add(
        DealChange(
            team_id=team_id,
            deal_id=survivor.id,
            field=MERGED,
            old=str(loser.id),
            new=loser.name[:64],
            user_id=by,
            at=now,
        )
    )
    survivor.last_activity_at = max(survivor.last_activity_at, loser.last_activity_at)
    survivor.updated_at = now
    session.add(survivor)
    delete_deal(session=session, team_id=team_id, deal=loser, by=by, now=now, into=survivor.id)
    return moved


def count_attached(*, session: Session, team_id: str, deal_id: int) -> dict[str, int]:
    """What a merge would move from this deal: contacts, checklist versions, meetings and
    notes, stage moves and changes on record."""
    counts = {}
    for key, model in (
        ("contacts", Contact),
        ("checklists", ChecklistVersion),
        ("activities", Activity),
        ("moves", StageMove),
        ("changes", DealChange),
    ):
        q = select(func.count()).select_from(model)
        counts[key] = int(
            session.exec(q.where(model.team_id == team_id, model.deal_id == deal_id)).one()
        )
    return counts
