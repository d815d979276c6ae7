"""The metrics' SQL (PRODUCT.md, "Metrics"; the definitions are in ``bot.core.metrics``):
counts, sums and averages as ``GROUP BY`` queries, nothing loads every deal into Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from bot.core.metrics import (
    ConversionStep,
    LostRow,
    Period,
    PeriodMetrics,
    Scope,
    StageOpen,
    TimeToClose,
    Totals,
    WinRate,
    velocity,
)
from bot.core.money import Money
from bot.core.stages import LOST, OPEN, WON
from storage import stages as stage_store
from storage.models import Deal, Stage, StageMove


def _scoped(q, scope: Scope):
    q = q.where(Deal.team_id == scope.team_id)
    if scope.owners:
        q = q.where(Deal.owner_id.in_(scope.owners))
    return q


def _closed_in(q, period: Period, status: str | tuple[str, ...]):
    statuses = (status,) if isinstance(status, str) else status
    return q.where(
        Deal.status.in_(statuses), Deal.closed_at >= period.start, Deal.closed_at < period.end
    )


def _days_to_close(session: Session):
    """Days from creation to close, as a SQL expression for the session's dialect."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(Deal.closed_at) - func.julianday(Deal.created_at)
    return func.extract("epoch", Deal.closed_at - Deal.created_at) / 86400.0


def open_by_stage(session: Session, scope: Scope) -> list[StageOpen]:
    stages = [
        s for s in stage_store.list_stages(session=session, team_id=scope.team_id) if s.kind == OPEN
    ]
    q = _scoped(
        select(
            Deal.stage_id,
            Deal.currency,
            func.count(),
            func.coalesce(func.sum(Deal.value_cents), 0),
        ).where(Deal.status == OPEN),
        scope,
    ).group_by(Deal.stage_id, Deal.currency)
    counts: dict[int, int] = defaultdict(int)
    values: dict[int, dict[str, Money]] = defaultdict(dict)
    for stage_id, currency, n, cents in session.exec(q).all():
        counts[stage_id] += n
        if cents:
            values[stage_id][currency] = Money.from_cents(cents, currency)
    return [
        StageOpen(s.id, s.name, s.position, s.probability, counts[s.id], values[s.id])
        for s in stages
    ]


def open_totals(session: Session, scope: Scope) -> dict[str, Totals]:
    """Open deals and their value, per currency."""
    q = _scoped(
        select(Deal.currency, func.count(), func.coalesce(func.sum(Deal.value_cents), 0)).where(
            Deal.status == OPEN
        ),
        scope,
    ).group_by(Deal.currency)
    return {c: Totals(n, Money.from_cents(v, c)) for c, n, v in session.exec(q).all()}


def weighted_pipeline(session: Session, scope: Scope) -> dict[str, Money]:
    """Σ open value × probability (the deal's override, else its stage's), per currency."""
    probability = func.coalesce(Deal.probability, Stage.probability)
    q = _scoped(
        select(Deal.currency, func.sum(Deal.value_cents * probability))
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.status == OPEN, Stage.team_id == scope.team_id, Deal.value_cents.is_not(None)),
        scope,
    ).group_by(Deal.currency)
    return {
        c: Money.from_cents(Decimal(v) / 100, c) for c, v in session.exec(q).all() if v is not None
    }


def win_rate(session: Session, scope: Scope, period: Period) -> WinRate:
    q = _closed_in(_scoped(select(Deal.status, func.count()), scope), period, (WON, LOST))
    got = dict(session.exec(q.group_by(Deal.status)).all())
    return WinRate(won=got.get(WON, 0), lost=got.get(LOST, 0))


def win_rate_by_currency(session: Session, scope: Scope, period: Period) -> dict[str, WinRate]:
    q = _closed_in(
        _scoped(select(Deal.currency, Deal.status, func.count()), scope), period, (WON, LOST)
    ).group_by(Deal.currency, Deal.status)
    got: dict[str, dict[str, int]] = defaultdict(dict)
    for currency, status, n in session.exec(q).all():
        got[currency][status] = n
    return {c: WinRate(won=s.get(WON, 0), lost=s.get(LOST, 0)) for c, s in got.items()}


def average_deal_size(session: Session, scope: Scope, period: Period) -> dict[str, Money]:
    """Mean value of deals won in the period, per currency (deals with no value left out)."""
    q = _closed_in(
        _scoped(
            select(Deal.currency, func.count(Deal.value_cents), func.sum(Deal.value_cents)), scope
        ),
        period,
        WON,
    ).group_by(Deal.currency)
    return {c: Money.from_cents(Decimal(s) / n, c) for c, n, s in session.exec(q).all() if n}


def time_to_close(session: Session, scope: Scope, period: Period) -> TimeToClose:
    days = _days_to_close(session)
    base = _closed_in(_scoped(select(func.count(), func.avg(days)), scope), period, WON)
    n, mean = session.exec(base).one()
    if not n:
        return TimeToClose(0, None, None)
    middle = _closed_in(_scoped(select(days.label("d")), scope), period, WON)
    middle = middle.order_by(days).offset((n - 1) // 2).limit(1 if n % 2 else 2)
    values = [float(v) for v in session.exec(middle).all()]
    return TimeToClose(n, float(mean), sum(values) / len(values))


def period_metrics(session: Session, scope: Scope, period: Period) -> PeriodMetrics:
    totals = open_totals(session, scope)
    by_currency = win_rate_by_currency(session, scope, period)
    sizes = average_deal_size(session, scope, period)
    rate = win_rate(session, scope, period)
    ttc = time_to_close(session, scope, period)
    return PeriodMetrics(
        period=period,
        win_rate=rate,
        win_rate_by_currency=by_currency,
        average_deal_size=sizes,
        time_to_close=ttc,
        velocity=velocity(
            open_totals=totals,
            win_rate=rate,
            average_sizes=sizes,
            mean_days=ttc.mean_days,
        ),
        open_totals=totals,
    )


def stage_conversion(
    session: Session, scope: Scope, *, created_from: datetime | None = None
) -> list[ConversionStep]:
    """From history, for each open stage: of the deals that were in it, how many went on to
    a later open stage or to Won (the last open stage: to Won). A deal that skipped a stage
    was never in it and does not count for it; an undone move and its undo count for
    nothing. ``created_from`` limits it to deals created since then (a cohort)."""
    stages = stage_store.list_stages(session=session, team_id=scope.team_id)
    opens = sorted((s for s in stages if s.kind == OPEN), key=lambda s: (s.position, s.id))
    won = next((s for s in stages if s.kind == WON), None)
    kept = (StageMove.undone_at.is_(None), StageMove.undo_of.is_(None))
    entries = _scoped(
        select(
            StageMove.deal_id.label("deal_id"),
            StageMove.to_stage_id.label("stage_id"),
            func.min(StageMove.id).label("first_id"),
        )
        .join(Deal, Deal.id == StageMove.deal_id)
        .where(StageMove.team_id == scope.team_id, StageMove.to_status == OPEN, *kept),
        scope,
    )
    if created_from is not None:
        entries = entries.where(Deal.created_at >= created_from)
    e = entries.group_by(StageMove.deal_id, StageMove.to_stage_id).subquery()
    here = aliased(Stage)
    later, there = aliased(StageMove), aliased(Stage)
    went_on = (
        select(later.id)
        .join(there, there.id == later.to_stage_id)
        .where(
            later.team_id == scope.team_id,
            later.deal_id == e.c.deal_id,
            later.id > e.c.first_id,
            later.undone_at.is_(None),
            later.undo_of.is_(None),
            (later.to_status == WON)
            | ((later.to_status == OPEN) & (there.position > here.position)),
        )
        .exists()
    )
    counts = {
        stage_id: (int(n), int(on or 0))
        for stage_id, n, on in session.exec(
            select(e.c.stage_id, func.count(), func.sum(case((went_on, 1), else_=0)))
            .join(here, here.id == e.c.stage_id)
            .where(here.team_id == scope.team_id)
            .group_by(e.c.stage_id)
        ).all()
    }
    steps: list[ConversionStep] = []
    nexts = [*opens[1:], won] if won is not None else opens[1:]
    for stage, nxt in zip(opens, nexts, strict=False):
        n, on = counts.get(stage.id, (0, 0))
        steps.append(ConversionStep(stage.name, nxt.name, n, on))
    return steps


def lost_breakdown(session: Session, scope: Scope, period: Period) -> list[LostRow]:
    """Deals lost in the period, by the stage they were lost from and the reason."""
    last_lost = (
        select(StageMove.deal_id, func.max(StageMove.id).label("move_id"))
        .where(
            StageMove.team_id == scope.team_id,
            StageMove.to_status == LOST,
            StageMove.moved_at >= period.start,  # a deal lost in the period was moved then
        )
        .group_by(StageMove.deal_id)
        .subquery()
    )
    q = _closed_in(
        _scoped(
            select(StageMove.from_stage_id, StageMove.from_name, Deal.lost_reason, func.count())
            .join(last_lost, last_lost.c.move_id == StageMove.id)
            .join(Deal, Deal.id == StageMove.deal_id),
            scope,
        ),
        period,
        LOST,
    ).group_by(StageMove.from_stage_id, StageMove.from_name, Deal.lost_reason)
    names = {s.id: s.name for s in stage_store.list_stages(session=session, team_id=scope.team_id)}
    merged: dict[tuple[str, str | None], int] = defaultdict(int)
    for stage_id, from_name, reason, n in session.exec(q).all():
        merged[(names.get(stage_id, from_name or "?"), reason)] += n
    rows = [LostRow(stage, reason, n) for (stage, reason), n in merged.items()]
    return sorted(rows, key=lambda r: (-r.count, r.stage, r.reason or ""))
