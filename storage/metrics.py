"""The metrics' SQL (PRODUCT.md, "Metrics"; the definitions are in ``bot.core.metrics``):
counts, sums and averages as ``GROUP BY`` queries, nothing loads every deal into Python."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func, literal_column
from sqlmodel import Session, col, select

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


def is_open():
    """``status = 'open'`` written out, so that the partial indexes on open deals (whose
    predicate it is) serve the query; a bound parameter would hide it from the planner."""
    return col(Deal.status) == literal_column(f"'{OPEN}'")


def live():
    """Not deleted (issue 15). A deleted deal's status is ``deleted`` too, so the queries of
    open, won or lost deals leave it out already; this is for those that read any status
    (lookups, exports, stage moves, creations)."""
    return col(Deal.deleted_at).is_(None)


@dataclass(frozen=True)
class OpenRow:
    """Open deals of one stage in one currency: how many, their value, how many have a
    value, and their value weighted by probability (× 100: cents × percent)."""

    stage_id: int
    currency: str
    count: int
    value_cents: int
    valued: int
    weighted_x100: int


@dataclass(frozen=True)
class OpenPipeline:
    """Every open-deal figure of a scope, from one pass over its open deals."""

    rows: list[OpenRow]
    stages: list[StageOpen]
    totals: dict[str, Totals]
    weighted: dict[str, Money]


def open_rows(session: Session, scope: Scope, probabilities: dict[int, int]) -> list[OpenRow]:
    """One ``GROUP BY`` over the scope's open deals (a covering partial index): per stage and
    currency, the count, the value, and the value weighted by the deal's own probability or,
    without one, its stage's (``probabilities``: stage id → percent)."""
    own = func.sum(Deal.value_cents * Deal.probability)  # NULL probability: left out
    bare = func.sum(case((Deal.probability.is_(None), Deal.value_cents)))
    q = _scoped(
        select(
            Deal.stage_id,
            Deal.currency,
            func.count(),
            func.coalesce(func.sum(Deal.value_cents), 0),
            func.count(Deal.value_cents),
            func.coalesce(own, 0),
            func.coalesce(bare, 0),
        ).where(is_open()),
        scope,
    ).group_by(Deal.stage_id, Deal.currency)
    return [
        OpenRow(stage, currency, n, int(v), valued, int(o) + int(b) * probabilities.get(stage, 0))
        for stage, currency, n, v, valued, o, b in session.exec(q).all()
        if stage in probabilities
    ]


def open_pipeline(
    session: Session, scope: Scope, stages: Sequence[Stage] | None = None
) -> OpenPipeline:
    """Open deals by stage, totals per currency and the weighted pipeline, in one query."""
    if stages is None:
        stages = stage_store.list_stages(session=session, team_id=scope.team_id)
    rows = open_rows(session, scope, {s.id: s.probability for s in stages})
    counts: dict[int, int] = defaultdict(int)
    values: dict[int, dict[str, Money]] = defaultdict(dict)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    weighted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        counts[r.stage_id] += r.count
        if r.value_cents:
            values[r.stage_id][r.currency] = Money.from_cents(r.value_cents, r.currency)
        totals[r.currency][0] += r.count
        totals[r.currency][1] += r.value_cents
        weighted[r.currency][0] += r.valued
        weighted[r.currency][1] += r.weighted_x100
    opens = [s for s in stages if s.kind == OPEN]
    return OpenPipeline(
        rows=rows,
        stages=[
            StageOpen(s.id, s.name, s.position, s.probability, counts[s.id], values[s.id])
            for s in opens
        ],
        totals={c: Totals(n, Money.from_cents(v, c)) for c, (n, v) in totals.items()},
        weighted={c: Money.from_cents(Decimal(w) / 100, c) for c, (n, w) in weighted.items() if n},
    )


def open_totals(session: Session, scope: Scope) -> dict[str, Totals]:
    """Open deals and their value, per currency."""
    return open_pipeline(session, scope).totals


def weighted_pipeline(session: Session, scope: Scope) -> dict[str, Money]:
    """Σ open value × probability (the deal's override, else its stage's), per currency."""
    return open_pipeline(session, scope).weighted


def _median_days(session: Session, scope: Scope, period: Period, n: int) -> float | None:
    """The median of the ``n`` won deals' days to close (the middle one or two, by SQL)."""
    if not n:
        return None
    days = _days_to_close(session)
    middle = _closed_in(_scoped(select(days.label("d")), scope), period, WON)
    middle = middle.order_by(days).offset((n - 1) // 2).limit(1 if n % 2 else 2)
    values = [float(v) for v in session.exec(middle).all()]
    return sum(values) / len(values)


def period_metrics(
    session: Session, scope: Scope, period: Period, totals: dict[str, Totals] | None = None
) -> PeriodMetrics:
    """The period's metrics from one pass over the deals closed in it (and one more for the
    median time to close); ``totals``: the scope's open totals when already read."""
    totals = open_totals(session, scope) if totals is None else totals
    days = _days_to_close(session)
    q = _closed_in(
        _scoped(
            select(
                Deal.currency,
                Deal.status,
                func.count(),
                func.count(Deal.value_cents),
                func.sum(Deal.value_cents),
                func.sum(days),
            ),
            scope,
        ),
        period,
        (WON, LOST),
    ).group_by(Deal.currency, Deal.status)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    sizes: dict[str, Money] = {}
    won_days, won = 0.0, 0
    for currency, status, n, valued, cents, total_days in session.exec(q).all():
        counts[currency][status] = n
        if status == WON:
            if valued:
                sizes[currency] = Money.from_cents(Decimal(cents) / valued, currency)
            won, won_days = won + n, won_days + float(total_days or 0)
    by_currency = {c: WinRate(won=x.get(WON, 0), lost=x.get(LOST, 0)) for c, x in counts.items()}
    rate = WinRate(
        won=sum(r.won for r in by_currency.values()), lost=sum(r.lost for r in by_currency.values())
    )
    ttc = TimeToClose(
        won, won_days / won if won else None, _median_days(session, scope, period, won)
    )
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
    # Won is seeded with the workspace's stages and can't be removed (only open ones can).
    won = next(s for s in stages if s.kind == WON)
    counts = _conversion_counts(session, scope, created_from)
    steps: list[ConversionStep] = []
    for stage, nxt in zip(opens, [*opens[1:], won], strict=True):
        n, on = counts.get(stage.id, (0, 0))
        steps.append(ConversionStep(stage.name, nxt.name, n, on))
    return steps


def _conversion_counts(
    session: Session, scope: Scope, created_from: datetime | None
) -> dict[int, tuple[int, int]]:
    """Per open stage: (deals that were in it, of which went on), in one pass over the kept
    moves. Each move scores how far it got (Won above every open stage, Lost below); a
    window gives each move the best score of the deal's *later* moves, so a deal went on
    from a stage when the best after its first entry there is past that stage's position
    (the first entry has the best later score of all its entries: taking the max per deal
    and stage is taking the first)."""
    far = case(
        (StageMove.to_status == WON, 1_000_000),
        (StageMove.to_status == OPEN, func.coalesce(Stage.position, -1)),
        else_=-1,
    )
    moves = _scoped(
        select(
            StageMove.deal_id.label("deal_id"),
            StageMove.to_stage_id.label("stage_id"),
            StageMove.to_status.label("status"),
            Stage.position.label("position"),
            func.max(far)
            .over(partition_by=StageMove.deal_id, order_by=StageMove.id, rows=(1, None))
            .label("later"),
        )
        .join(Deal, Deal.id == StageMove.deal_id)
        .outerjoin(Stage, Stage.id == StageMove.to_stage_id)
        .where(
            StageMove.team_id == scope.team_id,
            StageMove.undone_at.is_(None),
            StageMove.undo_of.is_(None),
            live(),
        ),
        scope,
    )
    if created_from is not None:
        # A deal's moves come after its creation: the index on moves by time narrows
        # them to the cohort's period before the join.
        moves = moves.where(Deal.created_at >= created_from, StageMove.moved_at >= created_from)
    m = moves.subquery()
    per_deal = (
        select(
            m.c.stage_id,
            case((func.max(m.c.later) > func.max(m.c.position), 1), else_=0).label("on"),
        )
        .where(m.c.status == OPEN)
        .group_by(m.c.deal_id, m.c.stage_id)
        .subquery()
    )
    rows = session.exec(
        select(per_deal.c.stage_id, func.count(), func.sum(per_deal.c.on)).group_by(
            per_deal.c.stage_id
        )
    ).all()
    return {stage_id: (int(n), int(on or 0)) for stage_id, n, on in rows}


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
