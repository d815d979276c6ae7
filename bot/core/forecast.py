"""Forecast and targets (issue 15): periods as people type them, open value by expected close
month (weighted and unweighted), and attainment against a rep's target. Plain arithmetic on
rows the storage layer summed; money is always per currency, never summed across currencies.

Periods: a *span* is a calendar month or quarter. ``Q1``, ``K1``, ``kuartal 1``, ``triwulan
1``, ``Q1 2027``, ``2027Q1``, ``this quarter`` / ``kuartal ini``, ``next quarter`` /
``kuartal depan``, ``last quarter`` / ``kuartal lalu``; months by name in either language
(``March``, ``Maret 2027``, ``mar``), ``this month`` / ``bulan ini``, ``next month`` /
``bulan depan``, ``2027-03``. A quarter or month written without a year is the next one
that has not ended yet (in November, ``Q1`` is next year's; ``Q4`` this year's) — the
answer always writes the year out.

Definitions:

* *Forecast* of a span = open deals whose expected close falls in it (from this month on),
  by month: count, value, and value × win probability (the deal's own, else its stage's).
  Deals without a close date, and deals whose close date is before this month (overdue),
  are counted apart, whatever the span.
* *Target*: an amount in one currency a manager set for a rep for a month or a quarter. A
  quarter without a target of its own takes the sum of its months' targets (when they are
  in one currency).
* *Attainment* = won value in the span (deals won in the span, in the target's currency) ÷
  target. *Gap* = target − won (never below zero). *Covered* = the part of the gap the
  weighted pipeline closing in the span (same currency) would fill; *coverage* = that
  weighted pipeline ÷ gap.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.errors import DomainError, InvalidInput, field_errors
from bot.core.i18n import N_
from bot.core.money import SUPPORTED_CURRENCIES, AmbiguousAmount, Money, parse_amount

MONTH, QUARTER = 1, 3


@dataclass(frozen=True, order=True)
class Span:
    """A calendar month (``months`` 1) or quarter (3) starting on ``start`` (a 1st)."""

    start: date
    months: int = QUARTER

    @property
    def end(self) -> date:
        """The first day after the span."""
        return add_months(self.start, self.months)

    @property
    def is_quarter(self) -> bool:
        return self.months == QUARTER

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def key(self) -> str:
        """``2027-Q1`` or ``2027-03``."""
        if self.is_quarter:
            return f"{self.start.year}-Q{self.quarter}"
        return f"{self.start.year}-{self.start.month:02d}"

    def month_starts(self) -> list[date]:
        return [add_months(self.start, i) for i in range(self.months)]

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def add_months(day: date, n: int) -> date:
    """The 1st of the month ``n`` months after ``day``'s."""
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_span(day: date) -> Span:
    return Span(day.replace(day=1), MONTH)


def quarter_span(day: date) -> Span:
    return Span(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), QUARTER)


def span_from_key(key: str) -> Span:
    """``2027-Q1`` / ``2027-03`` (``Span.key``) back to the span; ``InvalidInput`` else."""
    m = re.fullmatch(r"(\d{4})-(?:Q([1-4])|(0[1-9]|1[0-2]))", key or "")
    if m is None:
        raise InvalidInput(N_("Pick a month or a quarter."), field="period")
    year = int(m.group(1))
    if m.group(2):
        return Span(date(year, 3 * int(m.group(2)) - 2, 1), QUARTER)
    return Span(date(year, int(m.group(3)), 1), MONTH)


def span_bounds(span: Span, tz: str) -> tuple[datetime, datetime]:
    """The span's first and first-after instants in ``tz`` (aware UTC)."""
    zone = ZoneInfo(tz)
    start = datetime.combine(span.start, time(), zone)
    end = datetime.combine(span.end, time(), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def spans_to_pick(today: date) -> list[Span]:
    """What the targets modal offers: this and the next five months, this and the next
    three quarters."""
    here_m, here_q = current_spans(today)
    months = [Span(add_months(here_m.start, i), MONTH) for i in range(6)]
    quarters = [Span(add_months(here_q.start, 3 * i), QUARTER) for i in range(4)]
    return quarters + months


def current_spans(today: date) -> tuple[Span, Span]:
    """This month and this quarter: the spans whose targets stats, Home and digest show."""
    return month_span(today), quarter_span(today)


# --- reading a period -----------------------------------------------------------------

QUARTER_WORDS = frozenset({"quarter", "q", "kuartal", "triwulan", "qtr"})
MONTH_UNIT_WORDS = frozenset({"month", "bulan", "bln"})
THIS_WORDS = frozenset({"this", "ini", "current", "sekarang", "now"})
NEXT_WORDS = frozenset({"next", "depan", "berikutnya", "mendatang"})
LAST_WORDS = frozenset({"last", "previous", "lalu", "kemarin", "sebelumnya"})
FILLER_WORDS = frozenset({"of", "in", "for", "the", "di", "pada", "untuk"})
MONTH_NAMES = {
    **dict.fromkeys(("january", "jan", "januari"), 1),
    **dict.fromkeys(("february", "feb", "februari", "pebruari"), 2),
    **dict.fromkeys(("march", "mar", "maret"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("may", "mei"), 5),
    **dict.fromkeys(("june", "jun", "juni"), 6),
    **dict.fromkeys(("july", "jul", "juli"), 7),
    **dict.fromkeys(("august", "aug", "agustus", "agu", "agt", "ags"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("october", "oct", "oktober", "okt"), 10),
    **dict.fromkeys(("november", "nov", "nop", "nopember"), 11),
    **dict.fromkeys(("december", "dec", "desember", "des"), 12),
}
_TOKEN_RE = re.compile(r"\d{4}|[qk][1-4](?![0-9])|[^\W\d_]+|\d+")

BAD_PERIOD = N_(
    "“{text}” is not a period I know. Write a quarter (`Q1`, `Q1 2027`, `next quarter`, "
    "`kuartal depan`) or a month (`March`, `Maret 2027`, `this month`, `bulan depan`)."
)


@dataclass
class _Read:
    year: int | None = None
    quarter: int | None = None
    month: int | None = None
    number: int | None = None
    unit: int | None = None
    shift: int | None = None


def _read_token(tok: str, r: _Read) -> bool:
    if len(tok) == 4 and tok.isdigit():
        r.year = int(tok)
    elif len(tok) == 2 and tok[0] in "qk" and tok[1] in "1234":
        r.quarter, r.unit = int(tok[1]), QUARTER
    elif tok in QUARTER_WORDS:
        r.unit = QUARTER
    elif tok in MONTH_UNIT_WORDS:
        r.unit = MONTH
    elif tok in THIS_WORDS | NEXT_WORDS | LAST_WORDS:
        r.shift = 0 if tok in THIS_WORDS else 1 if tok in NEXT_WORDS else -1
    elif tok in MONTH_NAMES:
        r.month, r.unit = MONTH_NAMES[tok], MONTH
    elif tok.isdigit() and len(tok) <= 2:
        r.number = int(tok)
    elif tok not in FILLER_WORDS:
        return False
    return True


def _upcoming(year: int | None, start_month: int, months: int, today: date) -> Span:
    """The span starting in ``start_month`` of ``year``; without a year, the next one that
    has not ended."""
    if year is not None:
        return Span(date(year, start_month, 1), months)
    span = Span(date(today.year, start_month, 1), months)
    return span if span.end > today else Span(date(today.year + 1, start_month, 1), months)


def parse_span(text: str, *, today: date) -> Span:
    """A period as typed (see the module docstring); empty: this quarter. Raises
    ``InvalidInput`` saying how to write one."""
    words = _TOKEN_RE.findall(text.lower())
    r = _Read()
    if "".join(words) != re.sub(r"[\s,./-]+", "", text.lower()):
        raise InvalidInput(BAD_PERIOD, text=text.strip())
    if not all(_read_token(w, r) for w in words):
        raise InvalidInput(BAD_PERIOD, text=text.strip())
    if r.number is not None:
        if r.unit == QUARTER and r.quarter is None and 1 <= r.number <= 4:
            r.quarter = r.number
        elif r.unit is None and r.year is not None and 1 <= r.number <= 12:
            r.month, r.unit = r.number, MONTH
        else:
            raise InvalidInput(BAD_PERIOD, text=text.strip())
    if r.quarter is not None:
        return _upcoming(r.year, 3 * r.quarter - 2, QUARTER, today)
    if r.month is not None:
        return _upcoming(r.year, r.month, MONTH, today)
    if r.year is not None and r.shift is None:
        raise InvalidInput(BAD_PERIOD, text=text.strip())
    unit = r.unit or QUARTER
    here = quarter_span(today) if unit == QUARTER else month_span(today)
    return Span(add_months(here.start, unit * (r.shift or 0)), unit)


# --- a target as typed: ``500jt Q1`` --------------------------------------------------

NO_AMOUNT = N_(
    "I couldn't find the target's amount in “{text}”. Write it like `/pipeline target "
    "@maria 500jt Q1` (an amount, then a month or quarter; none: this quarter)."
)


def _amount(words: list[str], **how) -> Money | None:
    if not words:
        return None
    try:
        return parse_amount(" ".join(words), **how)
    except AmbiguousAmount:
        raise
    except InvalidInput:
        return None


def _span(words: list[str], today: date) -> Span | None:
    if not words:
        return quarter_span(today)
    try:
        return parse_span(" ".join(words), today=today)
    except InvalidInput:
        return None


def read_target(
    text: str, *, today: date, language: str = "en", default_currency: str = "IDR"
) -> tuple[Money, Span]:
    """``500jt Q1``, ``Q1 2027 Rp 500 juta``, ``$20k march`` → the amount and the span
    (none: this quarter). The amount is read in the writer's language."""
    words = text.split()
    how = {"language": language, "default_currency": default_currency}
    for n in range(min(len(words) - 1, 4), -1, -1):  # the longest period that reads
        splits = ((words[: len(words) - n], words[len(words) - n :]), (words[n:], words[:n]))
        for amount_words, period_words in splits:
            span = _span(period_words, today)
            money = _amount(amount_words, **how) if span is not None else None
            if money is not None and span is not None:
                return money, span
    raise InvalidInput(NO_AMOUNT, text=text.strip())


REMOVE_WORDS = frozenset({"off", "clear", "remove", "none", "hapus", "kosongkan"})


def read_target_form(
    *, owner_id: str, period: str, amount: str, currency: str, language: str = "en"
) -> tuple[Money, Span]:
    """The targets modal's fields: every problem at once, under its field."""
    errors: dict[str, DomainError] = {}
    if not owner_id:
        errors["owner"] = InvalidInput(N_("Pick a rep."), field="owner")
    span = money = None
    try:
        span = span_from_key(period)
    except InvalidInput as err:
        errors["period"] = err
    if currency not in SUPPORTED_CURRENCIES:  # the menu offers no other (a forged form might)
        errors["currency"] = InvalidInput(N_("Pick a currency from the list."), field="currency")
    else:
        try:
            money = parse_amount(amount.strip(), default_currency=currency, language=language)
        except InvalidInput as err:
            errors["value"] = err
    field_errors(errors)
    return money, span


# --- forecast arithmetic ----------------------------------------------------------------


@dataclass(frozen=True)
class ForecastRow:
    """Open deals summed by storage: ``when`` a close date (its day), ``None`` (no date) or
    ``"overdue"``; per currency, count, value and value × percent."""

    when: date | str | None
    currency: str
    count: int
    value_cents: int
    weighted_x100: int


@dataclass(frozen=True)
class Bucket:
    count: int = 0
    value: dict[str, Money] = field(default_factory=dict)
    weighted: dict[str, Money] = field(default_factory=dict)


def _bucket(rows: Iterable[ForecastRow]) -> Bucket:
    count = 0
    value: dict[str, Decimal] = defaultdict(Decimal)
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        count += r.count
        value[r.currency] += Decimal(r.value_cents)
        weighted[r.currency] += Decimal(r.weighted_x100) / 100
    return Bucket(
        count,
        {c: Money.from_cents(v, c) for c, v in sorted(value.items()) if v},
        {c: Money.from_cents(v, c) for c, v in sorted(weighted.items()) if v},
    )


@dataclass(frozen=True)
class Forecast:
    span: Span
    months: list[tuple[date, Bucket]]  # each month of the span, first day → its bucket
    total: Bucket  # the span
    undated: Bucket  # open deals without an expected close
    overdue: Bucket  # expected close before this month
    this_month: date  # the 1st of the reader's month: what "overdue" is before


def forecast(rows: Iterable[ForecastRow], *, span: Span, today: date) -> Forecast:
    """Rows bucketed by the month of their close date within ``span``; undated and overdue
    apart (a dated row outside the span and not overdue is left out)."""
    rows = list(rows)
    this_month = today.replace(day=1)
    dated = [r for r in rows if isinstance(r.when, date) and r.when >= this_month]
    inside = [r for r in dated if span.contains(r.when)]
    months = [
        (m, _bucket(r for r in inside if r.when.replace(day=1) == m)) for m in span.month_starts()
    ]
    overdue = [
        r for r in rows if r.when == "overdue" or (isinstance(r.when, date) and r.when < this_month)
    ]
    return Forecast(
        span=span,
        months=months,
        total=_bucket(inside),
        undated=_bucket(r for r in rows if r.when is None),
        overdue=_bucket(overdue),
        this_month=this_month,
    )


# --- targets and attainment ----------------------------------------------------------


@dataclass(frozen=True)
class Target:
    owner_id: str
    span: Span
    amount: Money


def target_for(targets: Iterable[Target], owner_id: str, span: Span) -> Money | None:
    """The rep's target for ``span``: its own, else (a quarter) the sum of its months'
    targets when they share one currency."""
    mine = [x for x in targets if x.owner_id == owner_id]
    exact = next((x.amount for x in mine if x.span == span), None)
    if exact is not None or not span.is_quarter:
        return exact
    parts = [x.amount for x in mine if not x.span.is_quarter and span.contains(x.span.start)]
    if not parts or len({p.currency for p in parts}) > 1:
        return None
    return Money(sum((p.amount for p in parts), Decimal(0)), parts[0].currency)


@dataclass(frozen=True)
class Attainment:
    owner_id: str
    span: Span
    target: Money
    won: Money  # won in the span, in the target's currency
    weighted: Money  # open, weighted, closing in the span, in the target's currency

    @property
    def rate(self) -> float:
        return float(self.won.amount / self.target.amount) if self.target.amount else 0.0

    @property
    def gap(self) -> Money:
        return Money(max(self.target.amount - self.won.amount, Decimal(0)), self.target.currency)

    @property
    def covered(self) -> Money:
        """The part of the gap the weighted pipeline closing in the span would fill."""
        return Money(min(self.weighted.amount, self.gap.amount), self.target.currency)

    @property
    def coverage(self) -> float | None:
        """Weighted pipeline ÷ gap; ``None`` when there is no gap left."""
        if not self.gap.amount:
            return None
        return float(self.weighted.amount / self.gap.amount)


def attainment(
    owner_id: str,
    span: Span,
    target: Money,
    *,
    won: dict[str, Money],
    weighted: dict[str, Money],
) -> Attainment:
    """``won`` and ``weighted``: the rep's per currency; only the target's currency counts."""
    zero = Money(Decimal(0), target.currency)
    return Attainment(
        owner_id,
        span,
        target,
        won.get(target.currency, zero),
        weighted.get(target.currency, zero),
    )


def attainments(
    targets: list[Target],
    spans: Iterable[Span],
    *,
    won: dict[tuple[Span, str], dict[str, Money]],
    weighted: dict[tuple[Span, str], dict[str, Money]],
) -> list[Attainment]:
    """Every rep with a target in each span (month before quarter), by owner."""
    out = []
    for span in spans:
        for owner in sorted({x.owner_id for x in targets}):
            goal = target_for(targets, owner, span)
            if goal is None:
                continue
            out.append(
                attainment(
                    owner,
                    span,
                    goal,
                    won=won.get((span, owner), {}),
                    weighted=weighted.get((span, owner), {}),
                )
            )
    return out
