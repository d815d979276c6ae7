"""After a deal closes, and undoing a move (issue 14): what a won deal's after-sales and a
lost deal's win back record, the reminders they lead to, the wins a channel announces,
and the Undo of a move.

Keyword-only functions named ``verb_noun(*, session, team_id, ...)`` that never commit (the
caller's ``Database.transaction()`` does). Every query filters by ``team_id``, except
``list_teams_with_followups_all_teams``, which says so in its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session, col, select

from bot.core.stages import LOST, WON
from storage import record
from storage.db import exists
from storage.metrics import live
from storage.models import Contact, Deal, StageMove, Workspace
from storage.models_digest import DigestSubscription

# --- a deal's after-close fields ------------------------------------------------------------

#: The columns this module sets on a deal (``set_after_close``).
AFTER_CLOSE_FIELDS = frozenset({"won_technique", "win_back_on", "keep_check_on", "grown_from_id"})


def set_after_close(
    *, session: Session, team_id: str, deal: Deal, now: datetime, **fields: object
) -> Deal:
    """Set a deal's closing technique, win-back date, Keep check or Grow link."""
    if deal.team_id != team_id:
        raise ValueError("deal of another workspace")
    unknown = set(fields) - AFTER_CLOSE_FIELDS
    if unknown:
        raise ValueError(f"not an after-close field: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(deal, name, value)
    deal.updated_at = now
    session.add(deal)
    session.flush()
    return deal


def set_deal_value(
    *,
    session: Session,
    team_id: str,
    deal: Deal,
    cents: int,
    currency: str,
    now: datetime,
    by: str,
) -> Deal:
    """The final value recorded when a deal is won (on record: ``storage.record``)."""
    if deal.team_id != team_id:
        raise ValueError("deal of another workspace")
    old = record.encode_money(deal.value_cents, deal.currency)
    new = record.encode_money(cents, currency)
    record.record_deal_change(
        session=session, deal=deal, field=record.VALUE, old=old, new=new, by=by, now=now
    )
    deal.value_cents, deal.currency, deal.updated_at = cents, currency, now
    session.add(deal)
    session.flush()
    return deal


def has_decision_maker(*, session: Session, team_id: str, deal_id: int) -> bool:
    """Whether the deal's decision-maker unit names its decision maker."""
    return exists(
        session,
        select(Contact.id).where(
            Contact.team_id == team_id,
            Contact.deal_id == deal_id,
            Contact.role == "decision_maker",
        ),
    )


def list_grow_deals(*, session: Session, team_id: str, deal_id: int) -> list[Deal]:
    """The Grow deals started from a won deal, oldest first."""
    return list(
        session.exec(
            select(Deal)
            .where(Deal.team_id == team_id, Deal.grown_from_id == deal_id, live())
            .order_by(Deal.id)
        ).all()
    )


# --- reminders: win back, Keep check --------------------------------------------------------


def _due(
    session: Session,
    team_id: str,
    owner_id: str,
    status: str,
    on: InstrumentedAttribute,
    today: date,
    limit: int,
) -> tuple[list[Deal], int]:
    """The owner's ``status`` deals whose date ``on`` has come: the first ``limit`` of them
    (earliest first) and how many there are."""
    q = select(Deal).where(
        Deal.team_id == team_id, Deal.owner_id == owner_id, Deal.status == status, on <= today
    )
    rows = session.exec(q.order_by(on, Deal.id).limit(limit)).all()
    return list(rows), len(session.exec(q.with_only_columns(Deal.id)).all())


def list_win_backs_due(
    *, session: Session, team_id: str, owner_id: str, today: date, limit: int
) -> tuple[list[Deal], int]:
    """The owner's lost deals whose win-back date has come."""
    return _due(session, team_id, owner_id, LOST, Deal.win_back_on, today, limit)


def list_keep_checks_due(
    *, session: Session, team_id: str, owner_id: str, today: date, limit: int
) -> tuple[list[Deal], int]:
    """The owner's won deals whose Keep check has come."""
    return _due(session, team_id, owner_id, WON, Deal.keep_check_on, today, limit)


def list_owners_with_followups(*, session: Session, team_id: str, due_by: date) -> list[str]:
    """Owners with a win back or a Keep check due by ``due_by``."""
    q = (
        select(Deal.owner_id)
        .where(
            Deal.team_id == team_id,
            or_(
                (Deal.status == LOST) & (Deal.win_back_on <= due_by),
                (Deal.status == WON) & (Deal.keep_check_on <= due_by),
            ),
        )
        .distinct()
    )
    return sorted(session.exec(q).all())


def _uninstalled():
    """Workspaces that uninstalled the app: nothing is posted there (as ``storage.digests``)."""
    return select(Workspace.team_id).where(col(Workspace.uninstalled_at).is_not(None))


def list_teams_with_followups_all_teams(*, session: Session) -> list[str]:
    """Installed workspaces with a win back or a Keep check set: where the reminder sweep
    also looks (each owner's list is then exact)."""
    q = (
        select(Deal.team_id)
        .where(
            or_(
                (Deal.status == LOST) & Deal.win_back_on.is_not(None),
                (Deal.status == WON) & Deal.keep_check_on.is_not(None),
            ),
            col(Deal.team_id).not_in(_uninstalled()),
        )
        .distinct()
    )
    return sorted(session.exec(q).all())


# --- wins a channel announces ---------------------------------------------------------------


@dataclass(frozen=True)
class Win:
    move_id: int
    moved_at: datetime
    deal: Deal


def list_wins(
    *,
    session: Session,
    team_id: str,
    since: datetime,
    until: datetime,
    owners: tuple[str, ...] = (),
    deal_id: int | None = None,
) -> list[Win]:
    """Moves to Won in ``(since, until]`` of deals still won (not undone), oldest first."""
    q = (
        select(StageMove, Deal)
        .join(Deal, Deal.id == StageMove.deal_id)
        .where(
            StageMove.team_id == team_id,
            Deal.team_id == team_id,
            StageMove.to_status == WON,
            StageMove.undone_at.is_(None),
            StageMove.moved_at > since,
            StageMove.moved_at <= until,
            Deal.status == WON,
        )
    )
    if owners:
        q = q.where(col(Deal.owner_id).in_(owners))
    if deal_id is not None:
        q = q.where(Deal.id == deal_id)
    rows = session.exec(q.order_by(StageMove.moved_at, StageMove.id)).all()
    return [Win(m.id, m.moved_at, d) for m, d in rows]


# --- Undo -----------------------------------------------------------------------------------


def last_move(*, session: Session, team_id: str, deal_id: int) -> StageMove | None:
    return session.exec(
        select(StageMove)
        .where(StageMove.team_id == team_id, StageMove.deal_id == deal_id)
        .order_by(col(StageMove.moved_at).desc(), col(StageMove.id).desc())
    ).first()


def record_undo(
    *, session: Session, team_id: str, undone: StageMove, compensating: StageMove, now: datetime
) -> None:
    """``compensating`` (a move back) undoes ``undone``: both are left out of stage
    conversion."""
    if undone.team_id != team_id or compensating.team_id != team_id:
        raise ValueError("move of another workspace")
    undone.undone_at = now
    compensating.undo_of = undone.id
    session.add(undone)
    session.add(compensating)
    session.flush()


def set_wins(
    *, session: Session, team_id: str, channel_id: str, since: datetime | None
) -> DigestSubscription | None:
    """Announce won deals in a digest channel from ``since`` on (``None``: stop). Turning it
    on again keeps the first moment, so a win is never announced twice."""
    sub = session.exec(
        select(DigestSubscription).where(
            DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id
        )
    ).first()
    if sub is None:
        return None
    sub.wins_from = None if since is None else (sub.wins_from or since)
    session.add(sub)
    session.flush()
    return sub


def list_win_channels_all_teams(*, session: Session) -> list[DigestSubscription]:
    """Active digest subscriptions that announce wins, in every installed workspace: where
    the announcement sweep looks."""
    return list(
        session.exec(
            select(DigestSubscription)
            .where(DigestSubscription.active == True, DigestSubscription.wins_from.is_not(None))
            .where(col(DigestSubscription.team_id).not_in(_uninstalled()))
            .order_by(DigestSubscription.id)
        ).all()
    )


def list_win_channels(*, session: Session, team_id: str) -> list[DigestSubscription]:
    """A workspace's active subscriptions that announce wins."""
    return list(
        session.exec(
            select(DigestSubscription).where(
                DigestSubscription.team_id == team_id,
                DigestSubscription.active == True,
                DigestSubscription.wins_from.is_not(None),
            )
        ).all()
    )


def workspace_locale(*, session: Session, team_id: str) -> str:
    """The workspace's default language (channel posts with no language of their own)."""
    ws = session.get(Workspace, team_id)
    return ws.default_locale if ws and ws.default_locale else "en"
