"""bot.core.forecast by value: periods as typed in both languages, a target as typed, the
forecast's months and its apart buckets, targets of a quarter, attainment arithmetic."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
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


def q(year: int, month: int) -> Span:
    return Span(date(year, month, 1), QUARTER)


def m(year: int, month: int) -> Span:
    return Span(date(year, month, 1), MONTH)


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


@pytest.mark.parametrize("key", ["2027-13", "2027-Q5", "27-Q1", "", None])
def test_a_period_key_that_is_none_asks_for_a_month_or_quarter(key):
    with pytest.raises(InvalidInput) as err:
        f.span_from_key(key)
    assert (str(err.value), err.value.field) == ("Pick a month or a quarter.", "period")


def test_span_bounds_are_in_utc_whatever_the_machines_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        start, end = f.span_bounds(Span(date(2027, 1, 1), QUARTER), "Asia/Jakarta")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert (start.utcoffset(), end.utcoffset()) == (timedelta(0), timedelta(0))
    assert (start, end) == (
        datetime(2026, 12, 31, 17, tzinfo=UTC),
        datetime(2027, 3, 31, 17, tzinfo=UTC),
    )


def test_the_targets_modal_offers_four_quarters_then_six_months():
    assert f.spans_to_pick(TODAY) == [
        *(q(2026, 10), q(2027, 1), q(2027, 4), q(2027, 7)),
        *(m(2026, 11), m(2026, 12), m(2027, 1), m(2027, 2), m(2027, 3), m(2027, 4)),
    ]


def _form(**kw):
    base = {"owner_id": "U1", "period": "2027-Q1", "amount": "20k", "currency": "USD"}
    return f.read_target_form(**(base | kw))


@pytest.mark.parametrize(
    ("wrong", "field", "said"),
    [
        ({"owner_id": ""}, "owner", "Pick a rep."),
        ({"period": "soon"}, "period", "Pick a month or a quarter."),
        ({"currency": "XYZ"}, "currency", "Pick a currency from the list."),
        (
            {"amount": "lots"},
            "value",
            "I couldn't read “lots” as an amount. Write it like 50jt, 1.5m or Rp 50.000.000.",
        ),
    ],
)
def test_each_wrong_field_of_the_targets_form_is_said_under_it(wrong, field, said):
    with pytest.raises(FieldErrors) as err:
        _form(**wrong)
    assert list(err.value.errors) == [field]
    problem = err.value.errors[field]
    assert (problem.field, str(problem)) == (field, said)


def test_the_targets_form_reads_the_amount_in_the_picked_currency():
    assert _form() == (Money(Decimal(20000), "USD"), Span(date(2027, 1, 1), QUARTER))
    assert _form(amount=" 1.5 m ", currency="IDR")[0] == rp(1.5)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("", q(2026, 10)),
        ("next quarter", q(2027, 1)),
        ("last quarter", q(2026, 7)),
        ("Q1", q(2027, 1)),
        ("Q4", q(2026, 10)),
        ("Q1 2027", q(2027, 1)),
        ("kuartal 1", q(2027, 1)),
        ("triwulan 1 2026", q(2026, 1)),
        ("this month", m(2026, 11)),
        ("March", m(2027, 3)),
        ("December", m(2026, 12)),
        ("maret 2026", m(2026, 3)),
        ("1 2027", m(2027, 1)),
        ("12 2027", m(2027, 12)),
        ("2027-01", m(2027, 1)),
    ],
)
def test_a_period_starts_on_the_first_of_its_month(text, span):
    assert f.parse_span(text, today=TODAY) == span


@pytest.mark.parametrize(
    ("day", "span"),
    [
        (date(2027, 1, 1), q(2027, 1)),
        (date(2027, 3, 31), q(2027, 1)),
        (date(2027, 4, 1), q(2027, 4)),
        (date(2027, 12, 31), q(2027, 10)),
    ],
)
def test_the_quarter_of_a_day(day, span):
    assert f.quarter_span(day) == span


@pytest.mark.parametrize(
    ("text", "today", "span"),
    [
        ("Q1", date(2027, 3, 31), q(2027, 1)),
        ("Q1", date(2027, 4, 1), q(2028, 1)),  # Q1 ended yesterday: the next one
        ("March", date(2027, 4, 1), m(2028, 3)),
        ("Q4", date(2027, 1, 1), q(2027, 10)),
    ],
)
def test_a_period_without_a_year_is_the_next_that_has_not_ended(text, today, span):
    assert f.parse_span(text, today=today) == span


@pytest.mark.parametrize("text", ["Q1!", "someday", "Q5", "2027", "003 2027", "13 2027"])
def test_an_unread_period_is_quoted_back_with_how_to_write_one(text):
    with pytest.raises(InvalidInput) as err:
        f.parse_span(f" {text} ", today=TODAY)
    assert str(err.value) == (
        f"“{text}” is not a period I know. Write a quarter (`Q1`, `Q1 2027`, `next quarter`, "
        "`kuartal depan`) or a month (`March`, `Maret 2027`, `this month`, `bulan depan`)."
    )


def test_a_target_without_an_amount_is_quoted_back():
    with pytest.raises(InvalidInput) as err:
        f.read_target(" next quarter ", today=TODAY)
    assert str(err.value) == (
        "I couldn't find the target's amount in “next quarter”. Write it like `/pipeline target "
        "@maria 500jt Q1` (an amount, then a month or quarter; none: this quarter)."
    )


def test_an_amount_is_only_weighed_beside_words_that_read_as_a_period():
    # "1.5m" alone is ambiguous in Indonesian, but "5" is no period: nothing here is a target.
    with pytest.raises(InvalidInput) as err:
        f.read_target("5 1.5m", today=TODAY, language="id")
    assert not isinstance(err.value, AmbiguousAmount)
    assert "couldn't find the target's amount" in str(err.value)


@pytest.mark.parametrize("text", ["500jt for the month of March", "for the month of March 500jt"])
def test_a_targets_period_is_read_from_four_words_at_most(text):
    assert f.read_target("500jt the month of March", today=TODAY, language="id") == (
        rp(500),
        m(2027, 3),
    )
    with pytest.raises(InvalidInput, match="couldn't find the target's amount"):
        f.read_target(text, today=TODAY, language="id")


def test_a_deal_closing_on_the_first_of_this_month_is_in_the_forecast_not_overdue():
    span = f.quarter_span(TODAY)
    rows = [ForecastRow(date(2026, 11, 1), RP, 1, 10_000_000_00, 10_000_000_00 * 50)]
    out = f.forecast(rows, span=span, today=TODAY)
    assert out.span == span and dict(out.months)[date(2026, 11, 1)].count == 1
    assert out.total.value == {RP: rp(10)} and out.overdue.count == 0


def test_a_quarters_months_are_summed_only_from_inside_it():
    q1 = q(2027, 1)
    targets = [Target("U1", m(2027, 2), rp(150)), Target("U1", m(2027, 4), rp(70))]
    assert f.target_for(targets, "U1", q1) == rp(150)  # one month is enough
    assert f.target_for(targets, "U1", q(2027, 4)) == rp(70)
    assert f.target_for(targets, "U1", q(2027, 7)) is None


def test_attainment_keeps_its_span_and_counts_no_pipeline_as_zero():
    span = f.quarter_span(TODAY)
    a = f.attainment(
        "U1", span, rp(100), won={RP: rp(40)}, weighted={"USD": Money(Decimal(1), "USD")}
    )
    assert (a.owner_id, a.span, a.target) == ("U1", span, rp(100))
    assert (a.weighted, a.covered, a.coverage) == (rp(0), rp(0), 0.0)


def test_attainments_list_every_rep_with_a_target_in_each_span():
    jan, feb = m(2027, 1), m(2027, 2)
    targets = [Target("U1", feb, rp(10)), Target("U2", jan, rp(20)), Target("U2", feb, rp(30))]
    rows = f.attainments(
        targets,
        [jan, feb],
        won={(feb, "U2"): {RP: rp(3)}},
        weighted={(jan, "U2"): {RP: rp(5)}, (feb, "U1"): {RP: rp(7)}},
    )
    assert [(r.span, r.owner_id, r.target, r.won, r.weighted) for r in rows] == [
        (jan, "U2", rp(20), rp(0), rp(5)),  # U1 has no target in January: skipped, not the end
        (feb, "U1", rp(10), rp(0), rp(7)),
        (feb, "U2", rp(30), rp(3), rp(0)),
    ]
