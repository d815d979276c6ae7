"""Pipeline metrics, each defined once (PRODUCT.md, "Metrics") and computed as SQL aggregates.

Nothing here loads every deal into Python: counts, sums and averages are ``GROUP BY``
queries; the median time to close reads at most two rows (``ORDER BY … LIMIT/OFFSET``).
Money is always per currency, never summed across currencies. Definitions:

* *Win rate* over a period = won ÷ (won + lost) among deals closed in it — a deal counts by
  its current status and ``closed_at``: a deal closed in the period and later re-opened is
  not closed, so it does not count; one re-opened and closed again counts once.
* *Average deal size* = mean value of deals won in the period (deals without a value are
  left out of the mean), per currency.
* *Time to close* = days from creation to won, mean and median, for deals won in the period.
* *Pipeline velocity* (value per day, per currency) = open deals × win rate × average deal
  size ÷ mean time to close, each factor taken in that currency. No deal won in the period →
  no velocity. A mean time to close under one day counts as one day (no division by ~0).
* *Weighted pipeline* = Σ open value × stage probability — the deal's own win probability
  where a manager or owner overrode it (issue 3: it defaults to its stage's).
* *Stage conversion* = of the deals that reached a stage, the share that reached the next,
  from stage history. A deal "reached" a stage when its history moved it there or to a
  later open stage, or won it (a deal moved straight to Won passed every stage); a move to
  Lost reaches nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, select

from bot.core.errors import InvalidInput
from bot.core.i18n import N_
from bot.core.money import Money, currency_places
from storage import deals as store
from storage.models import Deal, Stage, StageMove

OPEN, WON, LOST = "open", "won", "lost"
PERIODS = ("7d", "30d", "90d", "quarter")
WON_RANK = 1_000_000  # "reached" rank of a won deal: beyond every open stage


@dataclass(frozen=True)
class Scope:
    """Whose deals: the whole team, or only some owners."""

    team_id: str
    owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Period:
    key: str  # 7d | 30d | 90d | quarter
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive


def parse_period(text: str) -> str:
    word = text.strip().lower()
    aliases = {"week": "7d", "month": "30d", "kuartal": "quarter", "q": "quarter"}
    word = aliases.get(word, word)
    if word not in PERIODS:
        raise InvalidInput(
            N_("“{text}” is not a period I know. Use one of: 7d, 30d, 90d, quarter."), text=text
        )
    return word


def period_bounds(key: str, *, now: datetime, tz: str = "UTC") -> Period:
    """The last 7/30/90 days up to ``now``, or this calendar quarter so far in ``tz``."""
    if key == "quarter":
        local = now.astimezone(ZoneInfo(tz))
        first_month = 3 * ((local.month - 1) // 3) + 1
        start = local.replace(month=first_month, day=1, hour=0, minute=0, second=0, microsecond=0)
        return Period(key, start.astimezone(now.tzinfo), now)
    days = {"7d": 7, "30d": 30, "90d": 90}[key]
    return Period(key, now - timedelta(days=days), now)


# --- building blocks --------------------------------------------------------------------


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


def money(cents: int | Decimal, currency: str) -> Money:
    """Hundredths of a currency unit (as stored) → ``Money``, rounded to the currency."""
    quantum = Decimal(1).scaleb(-currency_places(currency))
    amount = (Decimal(cents) / 100).quantize(quantum, rounding=ROUND_HALF_UP)
    return Money(amount, currency)


# --- open pipeline ----------------------------------------------------------------------


@dataclass(frozen=True)
class StageOpen:
    """Open deals in one stage: how many and their value per currency."""

    stage_id: int
    name: str
    position: int
    probability: int
    count: int
    value: dict[str, Money] = field(default_factory=dict)


def open_by_stage(session: Session, scope: Scope) -> list[StageOpen]:
    stages = [
        s for s in store.list_stages(session=session, team_id=scope.team_id) if s.kind == OPEN
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
            values[stage_id][currency] = money(cents, currency)
    return [
        StageOpen(s.id, s.name, s.position, s.probability, counts[s.id], values[s.id])
        for s in stages
    ]


@dataclass(frozen=True)
class Totals:
    count: int
    value: Money


def open_totals(session: Session, scope: Scope) -> dict[str, Totals]:
    """Open deals and their value, per currency."""
    q = _scoped(
        select(Deal.currency, func.count(), func.coalesce(func.sum(Deal.value_cents), 0)).where(
            Deal.status == OPEN
        ),
        scope,
    ).group_by(Deal.currency)
    return {c: Totals(n, money(v, c)) for c, n, v in session.exec(q).all()}


def weighted_pipeline(session: Session, scope: Scope) -> dict[str, Money]:
    """Σ open value × probability (the deal's override, else its stage's), per currency."""
    probability = func.coalesce(Deal.probability, Stage.probability)
    q = _scoped(
        select(Deal.currency, func.sum(Deal.value_cents * probability))
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.status == OPEN, Stage.team_id == scope.team_id, Deal.value_cents.is_not(None)),
        scope,
    ).group_by(Deal.currency)
    return {c: money(Decimal(v) / 100, c) for c, v in session.exec(q).all() if v is not None}


# --- closed deals in a period -----------------------------------------------------------


@dataclass(frozen=True)
class WinRate:
    won: int
    lost: int

    @property
    def closed(self) -> int:
        return self.won + self.lost

    @property
    def rate(self) -> float | None:
        """won ÷ (won + lost); ``None`` when nothing closed."""
        return self.won / self.closed if self.closed else None


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
    return {c: money(Decimal(s) / n, c) for c, n, s in session.exec(q).all() if n}


@dataclass(frozen=True)
class TimeToClose:
    count: int  # deals won in the period
    mean_days: float | None
    median_days: float | None


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


def velocity(
    *,
    open_totals: dict[str, Totals],
    win_rate: WinRate,
    average_sizes: dict[str, Money],
    mean_days: float | None,
) -> dict[str, Money | None]:
    """Open deals × win rate × average deal size ÷ mean time to close (value per day).

    Win rate and mean time to close are the period's own, the figures the digest shows
    next to it; the open deals and the average size are per currency, so is the result.
    ``None`` for a currency with nothing won in the period. A mean time to close under
    one day counts as one day: a deal logged and won the same minute (closed offline)
    would otherwise make velocity thousands of times the pipeline."""
    out: dict[str, Money | None] = {}
    for currency in sorted(set(open_totals) | set(average_sizes)):
        size = average_sizes.get(currency)
        opened = open_totals[currency].count if currency in open_totals else 0
        if win_rate.rate is None or size is None or mean_days is None:
            out[currency] = None
            continue
        per_day = (
            Decimal(opened)
            * Decimal(win_rate.won)
            / Decimal(win_rate.closed)
            * size.amount
            / Decimal(str(max(mean_days, 1.0)))
        )
        out[currency] = money(per_day * 100, currency)
    return out


@dataclass(frozen=True)
class PeriodMetrics:
    period: Period
    win_rate: WinRate
    win_rate_by_currency: dict[str, WinRate]
    average_deal_size: dict[str, Money]
    time_to_close: TimeToClose
    velocity: dict[str, Money | None]
    open_totals: dict[str, Totals]


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


# --- where deals go, and where they drop ------------------------------------------------


@dataclass(frozen=True)
class ConversionStep:
    from_stage: str
    to_stage: str
    reached_from: int
    reached_to: int

    @property
    def rate(self) -> float | None:
        return self.reached_to / self.reached_from if self.reached_from else None


def stage_conversion(
    session: Session, scope: Scope, *, created_from: datetime | None = None
) -> list[ConversionStep]:
    """From history: for each open stage, of the deals that reached it, how many reached the
    next one (the last open stage converts to Won). ``created_from`` limits it to deals
    created since then (a cohort)."""
    stages = store.list_stages(session=session, team_id=scope.team_id)
    opens = sorted((s for s in stages if s.kind == OPEN), key=lambda s: (s.position, s.id))
    won = next((s for s in stages if s.kind == WON), None)
    rank = case(
        (StageMove.to_status == WON, WON_RANK),
        (StageMove.to_status == LOST, None),
        else_=Stage.position,
    )
    per_deal = _scoped(
        select(StageMove.deal_id, func.max(rank).label("reach"))
        .join(Stage, Stage.id == StageMove.to_stage_id)
        .join(Deal, Deal.id == StageMove.deal_id)
        .where(StageMove.team_id == scope.team_id, Stage.team_id == scope.team_id),
        scope,
    )
    if created_from is not None:
        per_deal = per_deal.where(Deal.created_at >= created_from)
    sub = per_deal.group_by(StageMove.deal_id).subquery()
    counts = session.exec(select(sub.c.reach, func.count()).group_by(sub.c.reach)).all()

    def reached(position: int) -> int:
        return sum(n for r, n in counts if r is not None and r >= position)

    steps: list[ConversionStep] = []
    for here, nxt in pairwise(opens):
        steps.append(
            ConversionStep(here.name, nxt.name, reached(here.position), reached(nxt.position))
        )
    if opens and won is not None:
        last = opens[-1]
        steps.append(ConversionStep(last.name, won.name, reached(last.position), reached(WON_RANK)))
    return steps


@dataclass(frozen=True)
class LostRow:
    stage: str  # the stage the deal was lost from
    reason: str | None  # a ``bot.core.reasons`` key
    count: int


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
    names = {s.id: s.name for s in store.list_stages(session=session, team_id=scope.team_id)}
    merged: dict[tuple[str, str | None], int] = defaultdict(int)
    for stage_id, from_name, reason, n in session.exec(q).all():
        merged[(names.get(stage_id, from_name or "?"), reason)] += n
    rows = [LostRow(stage, reason, n) for (stage, reason), n in merged.items()]
    return sorted(rows, key=lambda r: (-r.count, r.stage, r.reason or ""))


def lost_by_reason(rows: Sequence[LostRow]) -> dict[str | None, int]:
    out: dict[str | None, int] = defaultdict(int)
    for r in rows:
        out[r.reason] += r.count
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
