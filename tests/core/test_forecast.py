"""bot.core.forecast by value: periods as typed in both languages, a target as typed, the
forecast's months and its apart buckets, targets of a quarter, attainment arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.core import forecast as f
from bot.core.errors import FieldErrors, InvalidInput
from bot.core.forecast import MONTH, QUARTER, ForecastRow, Span, Target
from bot.core.money import AmbiguousAmount, Money

TODAY = date(2026, 11, 23)
RP = "IDR"


def rp(jt: int | float) -> Money:
    return Money(Decimal(str(jt)) * 1_000_000, RP)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "2026-Q4"),
        ("this quarter", "2026-Q4"),
        ("kuartal ini", "2026-Q4"),
        ("quarter", "2026-Q4"),
        ("next quarter", "2027-Q1"),
        ("kuartal depan", "2027-Q1"),
        ("triwulan depan", "2027-Q1"),
        ("last quarter", "2026-Q3"),
        ("kuartal lalu", "2026-Q3"),
        ("Q1", "2027-Q1"),  # no year: the next Q1 that has not ended
        ("Q4", "2026-Q4"),  # this one has not ended yet
        ("Q3", "2027-Q3"),
        ("Q1 2027", "2027-Q1"),
        ("q3 2026", "2026-Q3"),
        ("2027Q1", "2027-Q1"),
        ("2027-Q2", "2027-Q2"),
        ("K1", "2027-Q1"),
        ("K2 2027", "2027-Q2"),
        ("kuartal 2", "2027-Q2"),
        ("triwulan 4 2026", "2026-Q4"),
        ("March", "2027-03"),
        ("maret 2027", "2027-03"),
        ("Nov", "2026-11"),
        ("desember", "2026-12"),
        ("agustus 2026", "2026-08"),
        ("this month", "2026-11"),
        ("bulan ini", "2026-11"),
        ("next month", "2026-12"),
        ("bulan depan", "2026-12"),
        ("2027-03", "2027-03"),
    ],
)
def test_periods_as_typed(text, key):
    assert f.parse_span(text, today=TODAY).key == key


@pytest.mark.parametrize("text", ["someday", "Q5", "2027", "kuartal 7", "13 2027", "q1 blah"])
def test_a_period_that_cannot_be_read_says_how_to_write_one(text):
    with pytest.raises(InvalidInput) as err:
        f.parse_span(text, today=TODAY)
    assert "is not a period I know" in err.value.message
    assert err.value.params["text"] == text


def test_spans_know_their_bounds_months_and_keys():
    q = Span(date(2026, 10, 1), QUARTER)
    assert q.end == date(2027, 1, 1) and q.quarter == 4 and q.key == "2026-Q4"
    assert q.month_starts() == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    assert q.contains(date(2026, 12, 31)) and not q.contains(date(2027, 1, 1))
    m = Span(date(2026, 12, 1), MONTH)
    assert m.end == date(2027, 1, 1) and m.key == "2026-12"
    assert f.span_from_key("2027-Q1") == Span(date(2027, 1, 1), QUARTER)
    assert f.span_from_key("2027-03") == Span(date(2027, 3, 1), MONTH)
    with pytest.raises(InvalidInput):
        f.span_from_key("2027-13")
    assert f.current_spans(TODAY) == (Span(date(2026, 11, 1), MONTH), q)
    # Jakarta's November starts at 17:00 UTC on 31 October.
    start, end = f.span_bounds(Span(date(2026, 11, 1), MONTH), "Asia/Jakarta")
    assert start == datetime(2026, 10, 31, 17, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 17, tzinfo=UTC)
    assert [s.key for s in f.spans_to_pick(TODAY)][:5] == [
        "2026-Q4",
        "2027-Q1",
        "2027-Q2",
        "2027-Q3",
        "2026-11",
    ]


@pytest.mark.parametrize(
    ("text", "language", "amount", "key"),
    [
        ("500jt", "id", rp(500), "2026-Q4"),
        ("500jt Q1", "id", rp(500), "2027-Q1"),
        ("Q1 2027 500jt", "id", rp(500), "2027-Q1"),
        ("Rp 500 juta kuartal depan", "id", rp(500), "2027-Q1"),
        ("1,5 M maret", "id", rp(1500), "2027-03"),
        ("1.5bn month", "en", rp(1500), "2026-11"),
        ("$20k March 2027", "en", Money(Decimal(20000), "USD"), "2027-03"),
        ("500 k", "en", Money(Decimal(500_000), "IDR"), "2026-Q4"),  # k is thousand, not K1
    ],
)
def test_a_target_as_typed(text, language, amount, key):
    money, span = f.read_target(text, today=TODAY, language=language)
    assert (money, span.key) == (amount, key)


def test_a_target_without_an_amount_or_with_an_ambiguous_one():
    with pytest.raises(InvalidInput) as err:
        f.read_target("Q1", today=TODAY)
    assert "couldn't find the target's amount" in err.value.message
    with pytest.raises(AmbiguousAmount):  # rupiah "2 M" in English: million or miliar?
        f.read_target("2 M Q1", today=TODAY, language="en")


def test_the_targets_form_reports_every_field():
    with pytest.raises(FieldErrors) as err:
        f.read_target_form(owner_id="", period="x", amount="lots", currency=RP)
    assert set(err.value.errors) == {"owner", "period", "value"}
    money, span = f.read_target_form(
        owner_id="U1", period="2027-Q1", amount="2,5 M", currency=RP, language="id"
    )
    assert money == rp(2500) and span.key == "2027-Q1"


def test_forecast_buckets_months_undated_and_overdue_per_currency():
    span = f.quarter_span(TODAY)
    rows = [
        ForecastRow(date(2026, 11, 28), RP, 1, 50_000_000_00, 50_000_000_00 * 70),
        ForecastRow(date(2026, 12, 10), RP, 2, 100_000_000_00, 100_000_000_00 * 10),
        ForecastRow(date(2026, 12, 1), "USD", 1, 5_000_00, 5_000_00 * 10),
        ForecastRow(date(2026, 10, 5), RP, 1, 30_000_000_00, 30_000_000_00 * 10),  # overdue
        ForecastRow("overdue", RP, 1, 5_000_000_00, 0),
        ForecastRow(None, RP, 3, 40_000_000_00, 40_000_000_00 * 20),
        ForecastRow(date(2027, 2, 1), RP, 1, 99_000_000_00, 0),  # outside the span
    ]
    out = f.forecast(rows, span=span, today=TODAY)
    months = dict(out.months)
    assert months[date(2026, 10, 1)].count == 0  # October is past: its deals are overdue
    assert months[date(2026, 11, 1)].value == {RP: rp(50)}
    assert months[date(2026, 11, 1)].weighted == {RP: rp(35)}
    assert months[date(2026, 12, 1)].count == 3
    assert months[date(2026, 12, 1)].value == {RP: rp(100), "USD": Money(Decimal(5000), "USD")}
    assert months[date(2026, 12, 1)].weighted == {RP: rp(10), "USD": Money(Decimal(500), "USD")}
    assert out.total.count == 4 and out.total.value[RP] == rp(150)
    assert out.total.weighted == {RP: rp(45), "USD": Money(Decimal(500), "USD")}
    assert out.undated.count == 3 and out.undated.weighted == {RP: rp(8)}
    assert out.overdue.count == 2 and out.overdue.value == {RP: rp(35)}
    assert out.this_month == date(2026, 11, 1)


def test_a_quarters_target_is_its_own_else_the_sum_of_its_months():
    q1 = Span(date(2027, 1, 1), QUARTER)
    jan, feb = Span(date(2027, 1, 1), MONTH), Span(date(2027, 2, 1), MONTH)
    targets = [
        Target("U1", jan, rp(100)),
        Target("U1", feb, rp(150)),
        Target("U2", q1, rp(900)),
        Target("U2", jan, rp(100)),
        Target("U3", jan, rp(1)),
        Target("U3", feb, Money(Decimal(10), "USD")),
    ]
    assert f.target_for(targets, "U1", q1) == rp(250)
    assert f.target_for(targets, "U2", q1) == rp(900)  # its own wins over the months
    assert f.target_for(targets, "U3", q1) is None  # months in two currencies: no sum
    assert f.target_for(targets, "U1", jan) == rp(100)
    assert f.target_for(targets, "U1", Span(date(2027, 3, 1), MONTH)) is None


def test_attainment_gap_and_how_much_of_it_the_weighted_pipeline_covers():
    q = f.quarter_span(TODAY)
    a = f.attainment(
        "U1",
        q,
        rp(500),
        won={RP: rp(120), "USD": Money(Decimal(9999), "USD")},  # dollars don't count
        weighted={RP: rp(48)},
    )
    assert a.won == rp(120) and a.rate == pytest.approx(0.24)
    assert a.gap == rp(380) and a.covered == rp(48)
    assert a.coverage == pytest.approx(48 / 380)
    done = f.attainment("U1", q, rp(100), won={RP: rp(130)}, weighted={RP: rp(50)})
    assert done.gap == rp(0) and done.coverage is None and done.covered == rp(0)
    more = f.attainment("U1", q, rp(100), won={}, weighted={RP: rp(150)})
    assert more.won == rp(0) and more.covered == rp(100) and more.coverage == 1.5
    rows = f.attainments(
        [Target("U2", q, rp(10)), Target("U1", q, rp(20))],
        [q],
        won={(q, "U1"): {RP: rp(5)}},
        weighted={},
    )
    assert [(r.owner_id, r.won) for r in rows] == [("U1", rp(5)), ("U2", rp(0))]
