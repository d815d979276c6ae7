"""Delivery claims: one row per (workspace, kind, target, slot), inserted before anything is
posted so that only one process posts it (``bot.usecases.delivery``)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models_digest import DeliveryClaim

CLAIMED, POSTED, FAILED, EXPIRED = "claimed", "posted", "failed", "expired"


class ClaimKey(NamedTuple):
    """What a claim is unique by: one each. ``**key._asdict()`` fills the arguments of
    ``get_claim`` and ``insert_claim``."""

    team_id: str
    kind: str
    target: str
    slot: datetime


def get_claim(
    *, session: Session, team_id: str, kind: str, target: str, slot: datetime
) -> DeliveryClaim | None:
    return session.exec(
        select(DeliveryClaim).where(
            DeliveryClaim.team_id == team_id,
            DeliveryClaim.kind == kind,
            DeliveryClaim.target == target,
            DeliveryClaim.slot == slot,
        )
    ).first()


def insert_claim(
    *,
    session: Session,
    team_id: str,
    kind: str,
    target: str,
    slot: datetime,
    by: str,
    now: datetime,
    payload: dict | None = None,
) -> DeliveryClaim:
    """Insert the claim; raises ``IntegrityError`` when the slot is claimed already (the
    unique constraint is what makes one process win)."""
    claim = DeliveryClaim(
        team_id=team_id,
        kind=kind,
        target=target,
        slot=slot,
        claimed_by=by,
        claimed_at=now,
        payload=payload,
    )
    session.add(claim)
    session.flush()
    return claim


def take_over_claim(
    *, session: Session, team_id: str, claim_id: int, attempt: int, by: str, now: datetime
) -> bool:
    """Compare-and-set: take an unfinished claim whose holder's lease ran out. Exactly one
    of several concurrent callers sees ``True`` (the attempt number moves on)."""
    result = session.exec(
        update(DeliveryClaim)
        .where(
            DeliveryClaim.team_id == team_id,
            DeliveryClaim.id == claim_id,
            DeliveryClaim.state == CLAIMED,
            DeliveryClaim.attempt == attempt,
        )
        .values(attempt=attempt + 1, claimed_by=by, claimed_at=now, last_error=None)
    )
    return result.rowcount == 1


def update_claim(
    *, session: Session, team_id: str, claim_id: int, attempt: int, **values: object
) -> bool:
    """Change a claim this attempt still holds; ``False`` when another attempt took it."""
    result = session.exec(
        update(DeliveryClaim)
        .where(
            DeliveryClaim.team_id == team_id,
            DeliveryClaim.id == claim_id,
            DeliveryClaim.attempt == attempt,
        )
        .values(**values)
    )
    return result.rowcount == 1


def list_unfinished_claims_all_teams(
    *, session: Session, kinds: tuple[str, ...], claimed_before: datetime
) -> list[DeliveryClaim]:
    """Claims of every workspace still ``claimed`` whose lease ran out (crashed or failed
    runs to finish)."""
    return list(
        session.exec(
            select(DeliveryClaim)
            .where(
                DeliveryClaim.state == CLAIMED,
                DeliveryClaim.claimed_at < claimed_before,
                col(DeliveryClaim.kind).in_(kinds),
            )
            .order_by(DeliveryClaim.slot, DeliveryClaim.id)
        ).all()
    )


def last_posted(
    *, session: Session, team_id: str, kind: str, target: str, before: datetime | None = None
) -> DeliveryClaim | None:
    """The latest posted claim for this target (before ``before``, when given)."""
    q = select(DeliveryClaim).where(
        DeliveryClaim.team_id == team_id,
        DeliveryClaim.kind == kind,
        DeliveryClaim.target == target,
        DeliveryClaim.state == POSTED,
    )
    if before is not None:
        q = q.where(DeliveryClaim.slot < before)
    return session.exec(q.order_by(col(DeliveryClaim.slot).desc())).first()


def posted_targets_since(*, session: Session, team_id: str, kind: str, since: datetime) -> set[str]:
    """Targets with a claim (any state but expired) for a slot after ``since``."""
    rows = session.exec(
        select(DeliveryClaim.target).where(
            DeliveryClaim.team_id == team_id,
            DeliveryClaim.kind == kind,
            DeliveryClaim.slot > since,
            DeliveryClaim.state != EXPIRED,
        )
    ).all()
    return set(rows)
