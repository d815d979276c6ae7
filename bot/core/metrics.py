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
* *Stage conversion* = of the deals that were in a stage, the share that went on to a later
  open stage or to won, from stage history. A deal was in a stage when its history moved
  it there (or it was created there); a deal that skipped a stage (Prospecting → Won) was
  never in it and does not count for it. An undone move and its undo count for nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.errors import InvalidInput
from bot.core.i18n import N_
from bot.core.money import Money
from bot.core.stages import LOST, OPEN, WON  # noqa: F401 - re-exported for the metric queries

PERIODS = ("7d", "30d", "90d", "quarter")


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


@dataclass(frozen=True)
class Totals:
    count: int
    value: Money


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


@dataclass(frozen=True)
class TimeToClose:
    count: int  # deals won in the period
    mean_days: float | None
    median_days: float | None


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
        out[currency] = Money.from_cents(per_day * 100, currency)
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


# --- where deals go, and where they drop ------------------------------------------------


@dataclass(frozen=True)
class ConversionStep:
    """One open stage's conversion: ``reached_from`` deals were in ``from_stage``, and
    ``reached_to`` of them went on to a later open stage or to Won. ``to_stage``: the next
    stage's name (Won after the last open stage), for labels."""

    from_stage: str
    to_stage: str
    reached_from: int
    reached_to: int

    @property
    def rate(self) -> float | None:
        return self.reached_to / self.reached_from if self.reached_from else None


@dataclass(frozen=True)
class LostRow:
    stage: str  # the stage the deal was lost from
    reason: str | None  # a ``bot.core.reasons`` key
    count: int


def lost_by_reason(rows: Sequence[LostRow]) -> dict[str | None, int]:
    out: dict[str | None, int] = defaultdict(int)
    for r in rows:
        out[r.reason] += r.count
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
