"""Reading and writing digest subscriptions and delivery claims.

Keyword-only functions named ``verb_noun(*, session, team_id, ...)``; they never commit
(the caller's ``Database.transaction()`` does). Every query filters by ``team_id``, except
the two the scheduler needs to find work across workspaces (``list_subscriptions_all_teams``,
``list_unfinished_claims_all_teams``), which say so in their names.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from bot.core.stages import LOST, OPEN, WON
from storage import record
from storage.inserts import insert_new
from storage.metrics import is_open, live
from storage.models import Deal, DealChange, Stage, StageMove, Workspace
from storage.models_digest import DigestSubscription

# --- subscriptions ----------------------------------------------------------------------


def get_subscription(
    *, session: Session, team_id: str, channel_id: str
) -> DigestSubscription | None:
    return session.exec(
        select(DigestSubscription).where(
            DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id
        )
    ).first()


def save_subscription(
    *,
    session: Session,
    team_id: str,
    channel_id: str,
    at: str,
    tz: str,
    weekdays: str,
    owners: list[str],
    locale: str,
    by: str,
    now: datetime,
    language_chosen: bool = False,
    shared_ok: bool = False,
) -> DigestSubscription:
    """Subscribe the channel, or change its subscription (one row per channel).
    ``shared_ok``: a manager confirmed posting in this Slack Connect channel."""
    says = {
        "at": at,
        "tz": tz,
        "weekdays": weekdays,
        "owners": list(owners),
        "locale": locale,
        "created_by": by,
        "language_chosen": language_chosen,
        "active": True,
        "updated_at": now,
        "shared_ok": shared_ok,
    }
    sub = get_subscription(session=session, team_id=team_id, channel_id=channel_id)
    if sub is None:
        sub = DigestSubscription(team_id=team_id, channel_id=channel_id, created_at=now, **says)
        if not insert_new(session=session, row=sub):  # subscribed meanwhile by another request
            sub = get_subscription(session=session, team_id=team_id, channel_id=channel_id)
    sub.sqlmodel_update(says)
    session.add(sub)
    session.flush()
    return sub


def stop_subscription(
    *, session: Session, team_id: str, channel_id: str, now: datetime
) -> DigestSubscription | None:
    """Deactivate the channel's digest (the row stays, so "since the last digest" survives a
    pause); ``None`` when there was no active one."""
    sub = get_subscription(session=session, team_id=team_id, channel_id=channel_id)
    if sub is None or not sub.active:
        return None
    sub.active, sub.updated_at = False, now
    session.add(sub)
    session.flush()
    return sub


def _uninstalled():
    """Workspaces that uninstalled the app (issue 12): nothing is posted there."""
    return select(Workspace.team_id).where(col(Workspace.uninstalled_at).is_not(None))


def list_subscriptions_all_teams(*, session: Session) -> list[DigestSubscription]:
    """Active subscriptions of every (installed) workspace: the scheduler builds its jobs
    from these."""
    return list(
        session.exec(
            select(DigestSubscription)
            .where(DigestSubscription.active == True)
            .where(col(DigestSubscription.team_id).not_in(_uninstalled()))
            .order_by(DigestSubscription.id)
        ).all()
    )


# --- claims -----------------------------------------------------------------------------


# --- what the digest and reminders list ---------------------------------------------------


def _deals_of(q, team_id: str, owners: tuple[str, ...]):
    q = q.where(Deal.team_id == team_id, live())
    return q.where(col(Deal.owner_id).in_(owners)) if owners else q


MOVE_KINDS = ("new", "moved", WON, LOST)


def _move_kind(kind: str):
    if kind == "new":
        return StageMove.from_stage_id.is_(None)
    if kind in (WON, LOST):
        return StageMove.to_status == kind
    return StageMove.from_stage_id.is_not(None) & (StageMove.to_status == OPEN)


def count_moves(
    *,
    session: Session,
    team_id: str,
    owners: tuple[str, ...] = (),
    since: datetime,
    until: datetime,
) -> dict[str, int]:
    """How many deals had a move of each kind (``MOVE_KINDS``) in ``(since, until]``: one
    query over the window's moves (the index on moves by time)."""
    counts = [
        func.count(func.distinct(case((_move_kind(kind), StageMove.deal_id))))
        for kind in MOVE_KINDS
    ]
    # the moves' own team_id scopes them to the workspace; the deal: not deleted, owners
    q = _deals_of(select(*counts).join(Deal, Deal.id == StageMove.deal_id), team_id, owners)
    found = session.exec(
        q.where(
            StageMove.team_id == team_id, StageMove.moved_at > since, StageMove.moved_at <= until
        )
    ).one()
    return {kind: int(n) for kind, n in zip(MOVE_KINDS, found, strict=True)}


def list_moves(
    *,
    session: Session,
    team_id: str,
    owners: tuple[str, ...] = (),
    kind: str,
    since: datetime,
    until: datetime,
    limit: int,
) -> list[tuple[StageMove, Deal]]:
    """Stage moves of one kind (new / moved / won / lost) in ``(since, until]``: the latest
    move of up to ``limit`` deals, newest first (``count_moves`` counts them all)."""
    where = (
        StageMove.team_id == team_id,
        StageMove.moved_at > since,
        StageMove.moved_at <= until,
        _move_kind(kind),
    )
    base = _deals_of(
        select(StageMove, Deal).join(Deal, Deal.id == StageMove.deal_id), team_id, owners
    )
    rows: list[tuple[StageMove, Deal]] = []
    seen: set[int] = set()
    q = base.where(*where).order_by(col(StageMove.moved_at).desc(), col(StageMove.id).desc())
    for move, deal in session.exec(q.limit(limit * 4)).all():
        if deal.id not in seen and len(rows) < limit:
            seen.add(deal.id)
            rows.append((move, deal))
    return rows


def list_slipped(
    *,
    session: Session,
    team_id: str,
    owners: tuple[str, ...] = (),
    since: datetime,
    until: datetime,
    limit: int,
) -> tuple[list[tuple[Deal, date, date]], int]:
    """Open deals whose expected close date moved later in ``(since, until]``: the deal,
    the earliest date it had and the latest it moved to; and how many in all (one query
    over the changes in the window, then only the deals shown)."""
    per_deal = (
        _deals_of(
            select(
                DealChange.deal_id,
                func.min(DealChange.old).label("old"),
                func.max(DealChange.new).label("new"),
            ).join(Deal, Deal.id == DealChange.deal_id),
            team_id,
            owners,
        )
        .where(
            DealChange.team_id == team_id,
            DealChange.field == record.CLOSE,
            DealChange.at > since,
            DealChange.at <= until,
            col(DealChange.old).is_not(None),
            col(DealChange.new) > col(DealChange.old),  # ISO dates compare as text
            Deal.status == OPEN,
        )
        .group_by(DealChange.deal_id)
        .subquery()
    )
    order = (per_deal.c.new.desc(), per_deal.c.deal_id)
    top = select(per_deal, func.count().over().label("total")).order_by(*order).limit(limit)
    found = session.exec(top).all()
    if not found:
        return [], 0
    deals = session.exec(select(Deal).where(col(Deal.id).in_([r[0] for r in found]))).all()
    by_id = {d.id: d for d in deals}
    day = record.decode_date
    return [(by_id[i], day(old), day(new)) for i, old, new, _ in found], int(found[0][3])


def list_close_passed(
    *,
    session: Session,
    team_id: str,
    owners: tuple[str, ...] = (),
    first_day: date,
    today: date,
    limit: int,
) -> tuple[list[Deal], int]:
    """Open deals whose expected close date passed since the last digest (a date in
    ``[first_day, today)``) with nobody moving it: they slipped without a word."""
    where = (Deal.expected_close >= first_day, Deal.expected_close < today)
    return _top(session, team_id, owners, where, (Deal.expected_close, Deal.id), limit)


def _top(session: Session, team_id: str, owners: tuple[str, ...], where, order, limit: int):
    """The first ``limit`` open deals of the scope matching ``where`` in ``order``, and how
    many match in all, in one statement: the rows read in the order of a partial index on
    open deals (stopping at ``limit``), the count a scalar subquery over the same index
    alone. (``count(*) OVER ()`` would sort every match: 4× the work at 125,000.)"""
    total = _deals_of(select(func.count()), team_id, owners).where(is_open(), *where)
    q = _deals_of(select(Deal, total.scalar_subquery()), team_id, owners).where(is_open(), *where)
    found = session.exec(q.order_by(*order).limit(limit)).all()
    return [d for d, _ in found], int(found[0][1]) if found else 0


def _stale_where(cutoffs: dict[int, datetime], today: date):
    quiet = or_(
        *(
            (Deal.stage_id == stage_id) & (Deal.last_activity_at <= cutoff)
            for stage_id, cutoff in cutoffs.items()
        )
    )
    awake = or_(Deal.snoozed_until.is_(None), Deal.snoozed_until <= today)
    # The latest cutoff bounds the range of the index on last activity.
    return Deal.last_activity_at <= max(cutoffs.values()), quiet, awake


def list_stale(
    *,
    session: Session,
    team_id: str,
    owners: tuple[str, ...] = (),
    cutoffs: dict[int, datetime],
    today: date,
    limit: int,
) -> tuple[list[Deal], int]:
    """Open deals with no activity or move since their stage's cutoff (``{stage id: last
    activity at or before this is stale}``), not snoozed past ``today``; quietest first."""
    if not cutoffs:
        return [], 0
    order = (Deal.last_activity_at, Deal.id)
    return _top(session, team_id, owners, _stale_where(cutoffs, today), order, limit)


def list_due(
    *,
    session: Session,
    team_id: str,
    owners: tuple[str, ...] = (),
    today: date,
    limit: int,
    include_today: bool = False,
    awake_only: bool = True,
) -> tuple[list[Deal], int]:
    """Open deals whose next step is overdue (due before ``today``), or due by ``today``
    with ``include_today``; oldest first. Snoozed deals wait until they wake (unless not
    ``awake_only``)."""
    due = Deal.next_step_due <= today if include_today else Deal.next_step_due < today
    where = [Deal.next_step.is_not(None), due]
    if awake_only:
        where.append(or_(Deal.snoozed_until.is_(None), Deal.snoozed_until <= today))
    return _top(session, team_id, owners, where, (Deal.next_step_due, Deal.id), limit)


def list_snoozed(
    *, session: Session, team_id: str, owners: tuple[str, ...] = (), today: date, limit: int
) -> tuple[list[Deal], int]:
    where = (Deal.snoozed_until > today,)
    return _top(session, team_id, owners, where, (Deal.snoozed_until, Deal.id), limit)


def snooze_deal(
    *, session: Session, team_id: str, deal: Deal, until: date, reason: str, now: datetime
) -> Deal:
    """Not stale (and no reminders) until ``until``; the reason shows in the digest."""
    if deal.team_id != team_id:
        raise ValueError("deal of another workspace")
    deal.snoozed_until, deal.snooze_reason = until, reason
    deal.updated_at = now
    session.add(deal)
    session.flush()
    return deal


def list_teams_with_open_deals_all_teams(*, session: Session) -> list[str]:
    """Installed workspaces that have open deals: where the reminder sweep looks."""
    return list(
        session.exec(
            select(Deal.team_id)
            .where(Deal.status == OPEN, col(Deal.team_id).not_in(_uninstalled()))
            .distinct()
        ).all()
    )


def list_owners_to_remind(
    *, session: Session, team_id: str, due_by: date, quiet_since: datetime
) -> list[str]:
    """Owners who may have something to be reminded of: a next step due by ``due_by`` or a
    deal quiet since ``quiet_since`` (a wide net; each owner's list is then exact)."""
    q = (
        select(Deal.owner_id)
        .where(
            Deal.team_id == team_id,
            Deal.status == OPEN,
            or_(
                Deal.next_step_due <= due_by,
                Deal.last_activity_at <= quiet_since,
            ),
        )
        .distinct()
    )
    return sorted(session.exec(q).all())


# --- export -------------------------------------------------------------------------------


def iter_deals_for_export(
    *, session: Session, team_id: str, owners: tuple[str, ...] = (), batch: int = 500
) -> Iterator[tuple[Deal, str]]:
    """Every deal of the scope with its stage's name, streamed in batches."""
    q = _deals_of(
        select(Deal, Stage.name).join(Stage, Stage.id == Deal.stage_id), team_id, owners
    ).order_by(Deal.id)
    yield from session.exec(q.execution_options(yield_per=batch))


def iter_moves_for_export(
    *, session: Session, team_id: str, owners: tuple[str, ...] = (), batch: int = 500
) -> Iterator[tuple[StageMove, str]]:
    """Every stage move of the scope's deals with the deal's name, oldest first."""
    q = _deals_of(
        select(StageMove, Deal.name).join(Deal, Deal.id == StageMove.deal_id), team_id, owners
    ).where(StageMove.team_id == team_id)
    q = q.order_by(StageMove.deal_id, StageMove.moved_at, StageMove.id)
    yield from session.exec(q.execution_options(yield_per=batch))
