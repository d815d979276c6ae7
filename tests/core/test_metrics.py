"""Metrics against a hand-computed fixture, on SQLite and PostgreSQL (the SQL differs for
time to close). The numbers in the comments are worked out by hand from the deals below."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from bot.core import metrics as m
from bot.core.money import Money
from bot.core.stages import DEFAULT_STAGES, open_stages
from storage import aftersales as after_store
from storage import metrics as metric_store
from storage import stages as stage_store
from storage.db import Database
from tests.factories import add_deal as add

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PERIOD = m.period_bounds("30d", now=NOW)  # [2026-10-24 09:00, 2026-11-23 09:00)
T1 = m.Scope("T1")


def day(month: int, d: int, year: int = 2026) -> datetime:
    return datetime(year, month, d, 9, 0, tzinfo=UTC)


@pytest.fixture
def fixture(db: Database) -> Database:
    jt = 1_000_000
    add(db, "A", 100 * jt, created=day(10, 1), path=(("won", day(11, 1)),))  # 31 days
    add(db, "B", 50 * jt, created=day(11, 1), path=(("won", day(11, 11)),))  # 10 days
    add(
        db,
        "C",
        30 * jt,
        created=day(10, 20),
        path=(("negotiation", day(10, 25)), ("lost", day(11, 5), "price")),
    )
    add(db, "D", 5_000, currency="USD", created=day(11, 10), path=(("won", day(11, 13)),))
    add(
        db,
        "E",
        2_000,
        currency="USD",
        created=day(11, 2),
        path=(("probing", day(11, 3)), ("lost", day(11, 20), "competitor")),
    )
    add(db, "F", 20 * jt, created=day(8, 1), path=(("won", day(9, 1)),))  # before the period
    # Lost, then re-opened: open now, so neither lost nor won in the period.
    add(
        db,
        "G",
        40 * jt,
        created=day(10, 28),
        path=(("lost", day(11, 2), "price"), ("probing", day(11, 15))),
    )
    # Won, re-opened, won again: counts once, 5 days from creation to the last close.
    add(
        db,
        "H",
        10 * jt,
        created=day(11, 1),
        path=(("won", day(11, 3)), ("probing", day(11, 4)), ("won", day(11, 6))),
    )
    add(db, "I", 200 * jt, created=day(11, 5), path=(("negotiation", day(11, 6)),))
    add(db, "J", 10_000, currency="USD", created=day(11, 12))  # prospecting
    add(db, "K", None, created=day(11, 12), path=(("closing", day(11, 14)),))  # no value
    add(db, "Other team", 999 * jt, created=day(11, 1), path=(("won", day(11, 2)),), team="T2")
    return db


def test_win_rate_counts_current_status_of_deals_closed_in_the_period(fixture):
    with fixture.read() as s:
        pm = metric_store.period_metrics(s, T1, PERIOD)
    rate, by_currency = pm.win_rate, pm.win_rate_by_currency
    assert (rate.won, rate.lost) == (4, 2)  # A B D H won; C E lost; G re-opened; F too early
    assert rate.rate == pytest.approx(4 / 6)
    assert (by_currency["IDR"].won, by_currency["IDR"].lost) == (3, 1)
    assert (by_currency["USD"].won, by_currency["USD"].lost) == (1, 1)


def test_average_deal_size_is_per_currency(fixture):
    with fixture.read() as s:
        sizes = metric_store.period_metrics(s, T1, PERIOD).average_deal_size
    # IDR: (100 + 50 + 10) jt / 3 = 53 333 333.33… → whole rupiah; USD: 5 000.
    assert sizes == {"IDR": Money(Decimal(53_333_333), "IDR"), "USD": Money(Decimal(5000), "USD")}


def test_time_to_close_mean_and_median(fixture):
    with fixture.read() as s:
        ttc = metric_store.period_metrics(s, T1, PERIOD).time_to_close
    assert ttc.count == 4
    assert ttc.mean_days == pytest.approx((31 + 10 + 3 + 5) / 4)  # 12.25
    assert ttc.median_days == pytest.approx((5 + 10) / 2)  # 3 5 | 10 31


def test_open_totals_weighted_pipeline_and_velocity(fixture):
    with fixture.read() as s:
        totals = metric_store.open_totals(s, T1)
        weighted = metric_store.weighted_pipeline(s, T1)
        pm = metric_store.period_metrics(s, T1, PERIOD)
    assert totals["IDR"].count == 3 and totals["IDR"].value == Money(Decimal(240_000_000), "IDR")
    assert totals["USD"].count == 1 and totals["USD"].value == Money(Decimal(10_000), "USD")
    # G 40jt × 30% + I 200jt × 70% (K has no value); J $10 000 × 10%.
    assert weighted == {
        "IDR": Money(Decimal(152_000_000), "IDR"),
        "USD": Money(Decimal(1_000), "USD"),
    }
    # The period's win rate (4 of 6) and mean time to close (12.25 days), as shown:
    # IDR: 3 open × 4/6 × (160jt / 3) ÷ 12.25 = 8 707 482.99 → Rp8.707.483
    assert pm.velocity["IDR"] == Money(Decimal(8_707_483), "IDR")
    # USD: 1 open × 4/6 × 5 000 ÷ 12.25 = 272.108… → $272.11
    assert pm.velocity["USD"] == Money(Decimal("272.11"), "USD")


def test_open_by_stage(fixture):
    with fixture.read() as s:
        rows = {r.name: r for r in metric_store.open_pipeline(s, T1).stages}
    assert list(rows) == [spec.name for spec in open_stages(DEFAULT_STAGES)]  # in their order
    assert [(r.position, r.probability) for r in rows.values()] == [
        (spec.position, spec.probability) for spec in open_stages(DEFAULT_STAGES)
    ]
    with fixture.read() as s:
        ids = {st.name: st.id for st in stage_store.list_stages(session=s, team_id="T1")}
    assert all(r.stage_id == ids[name] for name, r in rows.items())
    assert rows["Probing"].count == 1 and rows["Probing"].value == {
        "IDR": Money(Decimal(40_000_000), "IDR")
    }
    assert rows["Prospecting"].value == {"USD": Money(Decimal(10_000), "USD")}
    assert rows["Closing"].count == 1 and rows["Closing"].value == {}
    assert rows["Approaching"].count == 0


def test_stage_conversion_from_history(fixture):
    with fixture.read() as s:
        steps = metric_store.stage_conversion(s, T1)
    got = [(x.from_stage, x.to_stage, x.reached_from, x.reached_to) for x in steps]
    # Of the deals that were in a stage, those that went on to a later open stage or to
    # Won (PRODUCT.md): every deal was created in Prospecting and all but J went on. Nobody
    # was ever in Approaching or Presentation: skipping a stage is not passing it. Probing:
    # E (then lost), G (re-opened there) and H (re-opened there, then won again: went on).
    # Negotiation: C (lost) and I (still there). Closing: K (still there). T2's deal is not
    # counted.
    assert got == [
        ("Prospecting", "Approaching", 11, 10),
        ("Approaching", "Probing", 0, 0),
        ("Probing", "Presentation", 3, 1),
        ("Presentation", "Negotiation", 0, 0),
        ("Negotiation", "Closing", 2, 0),
        ("Closing", "Won", 1, 0),
    ]
    assert steps[1].rate is None and steps[2].rate == pytest.approx(1 / 3)
    with fixture.read() as s:
        cohort = metric_store.stage_conversion(s, T1, created_from=day(11, 1))
    assert cohort[0].reached_from == 7  # B D E H I J K were created from 1 Nov
    assert [(c.reached_from, c.reached_to) for c in cohort[2:]] == [(2, 1), (0, 0), (1, 0), (1, 0)]
    # E H in Probing (H went on); I in Negotiation; K in Closing.


def test_stage_conversion_skipped_stages_and_undone_moves(db):
    """The issue's case: Prospecting → Won leaves Presentation and Negotiation at 0 of 0,
    not 100%; a move undone (and its undo) counts for nothing."""
    from storage import stages as stage_store
    from storage.models import StageMove

    add(db, "Straight", created=day(11, 1), path=(("won", day(11, 2)),))
    mistake = add(db, "Oops", created=day(11, 1), path=(("negotiation", day(11, 3)),))
    with db.transaction() as s:
        wrong = s.exec(
            select(StageMove).where(StageMove.deal_id == mistake).order_by(StageMove.id)
        ).all()[-1]
        prospecting = next(
            st for st in stage_store.list_stages(session=s, team_id="T1") if st.key == "prospecting"
        )
        back = StageMove(
            team_id="T1",
            deal_id=mistake,
            from_stage_id=wrong.to_stage_id,
            to_stage_id=prospecting.id,
            from_name="Negotiation",
            to_name="Prospecting",
            from_status="open",
            to_status="open",
            moved_by="U1",
            moved_at=day(11, 3),
        )
        s.add(back)
        s.flush()
        after_store.record_undo(session=s, team_id="T1", undone=wrong, compensating=back, now=NOW)
    with db.read() as s:
        steps = {
            x.from_stage: (x.reached_from, x.reached_to)
            for x in metric_store.stage_conversion(s, T1)
        }
    assert steps["Prospecting"] == (2, 1)  # "Oops" never went on: its move was undone
    assert steps["Presentation"] == (0, 0) and steps["Negotiation"] == (0, 0)


def test_lost_breakdown_by_stage_and_reason(fixture):
    with fixture.read() as s:
        rows = metric_store.lost_breakdown(s, T1, PERIOD)
    assert sorted((r.stage, r.reason, r.count) for r in rows) == [
        ("Negotiation", "price", 1),
        ("Probing", "competitor", 1),
    ]
    assert m.lost_by_reason(rows) == {"price": 1, "competitor": 1}


def test_scope_by_owner(db):
    add(db, "Mine", 10_000_000, created=day(11, 1), path=(("won", day(11, 3)),), owner="U1")
    add(db, "Theirs", 30_000_000, created=day(11, 1), path=(("won", day(11, 5)),), owner="U2")
    with db.read() as s:
        mine, both = (
            metric_store.period_metrics(s, m.Scope("T1", owners), PERIOD).average_deal_size
            for owners in (("U1",), ("U1", "U2"))
        )
    assert mine == {"IDR": Money(Decimal(10_000_000), "IDR")}
    assert both == {"IDR": Money(Decimal(20_000_000), "IDR")}


def test_no_closed_deals(db):
    add(db, "Open only", 10_000_000, created=day(11, 1))
    with db.read() as s:
        pm = metric_store.period_metrics(s, T1, PERIOD)
        steps = metric_store.stage_conversion(s, T1)
    assert pm.win_rate.rate is None and pm.win_rate.closed == 0
    assert pm.average_deal_size == {}
    assert pm.time_to_close == m.TimeToClose(0, None, None)
    assert pm.velocity == {"IDR": None}
    assert steps[0].reached_from == 1 and steps[0].reached_to == 0 and steps[0].rate == 0
    assert steps[1].rate is None  # nobody reached Approaching


def test_empty_workspace(db):
    with db.read() as s:
        pm = metric_store.period_metrics(s, m.Scope("T9"), PERIOD)
        assert metric_store.weighted_pipeline(s, m.Scope("T9")) == {}
        assert metric_store.lost_breakdown(s, m.Scope("T9"), PERIOD) == []
    assert pm.open_totals == {} and pm.velocity == {}


def test_one_currency_single_win(db):
    add(db, "Quick", 1_000, currency="USD", created=day(11, 20), path=(("won", day(11, 20)),))
    add(db, "Pipe", 4_000, currency="USD", created=day(11, 20))
    with db.read() as s:
        pm = metric_store.period_metrics(s, T1, PERIOD)
    assert pm.win_rate.rate == 1.0
    assert pm.time_to_close.mean_days == pytest.approx(0) and pm.time_to_close.median_days == 0
    # Closed the moment it was created: the mean counts as one day (not ÷ 0, nor ÷ seconds),
    # so velocity = 1 open × 1 × 1 000 ÷ 1.
    assert pm.velocity == {"USD": Money(Decimal(1000), "USD")}


def test_weighted_pipeline_takes_a_deals_own_probability_over_its_stages(db):
    """PRODUCT.md: each stage has a *default* win probability for the weighted forecast;
    issue 3: a deal's probability defaults to its stage's and may be overridden."""
    add(db, "Stage default", 100_000_000, created=day(11, 1))  # Prospecting: 10%
    add(db, "Rep's call", 100_000_000, created=day(11, 1), probability=90)
    add(db, "Overridden to zero", 100_000_000, created=day(11, 1), probability=0)
    with db.read() as s:
        assert metric_store.weighted_pipeline(s, T1) == {"IDR": Money(Decimal(100_000_000), "IDR")}


def test_velocity_multiplies_the_figures_shown_beside_it(db):
    add(db, "Won", 100_000_000, created=day(11, 1), path=(("won", day(11, 11)),))  # 10 days
    add(db, "Lost", 5_000_000, created=day(11, 1), path=(("lost", day(11, 2), "price"),))
    add(db, "Quick", 1_000, currency="USD", created=day(11, 1), path=(("won", day(11, 2)),))
    add(db, "Open", 7_000_000, created=day(11, 3))
    with db.read() as s:
        pm = metric_store.period_metrics(s, T1, PERIOD)
    assert pm.win_rate.rate == pytest.approx(2 / 3) and pm.time_to_close.mean_days == 5.5
    # IDR: 1 open × 2/3 × Rp100jt ÷ 5.5 days = Rp12.121.212; USD: no open deal → $0.
    assert pm.velocity == {
        "IDR": Money(Decimal(12_121_212), "IDR"),
        "USD": Money(Decimal(0), "USD"),
    }


def test_periods():
    assert m.parse_period("30D") == "30d"
    assert m.parse_period("quarter") == "quarter"
    with pytest.raises(m.InvalidInput) as err:
        m.parse_period("fortnight")
    assert "fortnight" in str(err.value)
    q = m.period_bounds("quarter", now=NOW, tz="Asia/Jakarta")
    # 1 Oct 2026 00:00 in Jakarta (UTC+7) is 30 Sep 17:00 UTC.
    assert q.start == datetime(2026, 9, 30, 17, 0, tzinfo=UTC) and q.end == NOW
    assert m.period_bounds("7d", now=NOW).start == NOW - timedelta(days=7)


# --- periods, by value ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("7d", "7d"),
        (" 90D ", "90d"),
        ("week", "7d"),
        ("Month", "30d"),
        ("q", "quarter"),
        ("kuartal", "quarter"),
    ],
)
def test_parse_period_words(text: str, key: str) -> None:
    assert m.parse_period(text) == key


def test_an_unknown_period_is_refused_with_the_choices() -> None:
    with pytest.raises(m.InvalidInput) as err:
        m.parse_period("fortnight")
    assert err.value.params == {"text": "fortnight"}
    assert (
        str(err.value) == "“fortnight” is not a period I know. Use one of: 7d, 30d, 90d, quarter."
    )


@pytest.mark.parametrize(("key", "days"), [("7d", 7), ("30d", 30), ("90d", 90)])
def test_the_last_n_days_end_now(key: str, days: int) -> None:
    assert m.period_bounds(key, now=NOW) == m.Period(key, NOW - timedelta(days=days), NOW)


@pytest.mark.parametrize(
    ("month", "first"),
    [(1, 1), (2, 1), (3, 1), (4, 4), (5, 4), (6, 4), (7, 7), (9, 7), (10, 10), (12, 10)],
)
def test_the_quarter_starts_on_the_first_of_its_first_month(month: int, first: int) -> None:
    now = datetime(2026, month, 15, 13, 45, 30, 123, tzinfo=UTC)
    assert m.period_bounds("quarter", now=now) == m.Period(
        "quarter", datetime(2026, first, 1, tzinfo=UTC), now
    )


def test_the_quarter_is_the_local_one() -> None:
    # 31 Mar 2026 20:00 UTC is already 1 Apr 03:00 in Jakarta: the second quarter there.
    now = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)
    assert m.period_bounds("quarter", now=now, tz="Asia/Jakarta").start == datetime(
        2026, 3, 31, 17, 0, tzinfo=UTC
    )
    assert m.period_bounds("quarter", now=now).start == datetime(2026, 1, 1, tzinfo=UTC)


# --- pure arithmetic, by value ----------------------------------------------------------


def test_win_rate_arithmetic() -> None:
    assert m.WinRate(won=3, lost=1).closed == 4
    assert m.WinRate(won=3, lost=1).rate == 0.75
    assert m.WinRate(won=0, lost=2).rate == 0
    assert m.WinRate(won=0, lost=0).rate is None


def test_conversion_rate() -> None:
    assert m.ConversionStep("A", "B", 4, 3).rate == 0.75
    assert m.ConversionStep("A", "B", 0, 0).rate is None


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def test_velocity_by_value() -> None:
    got = m.velocity(
        open_totals={
            "USD": m.Totals(3, usd("30000")),
            "EUR": m.Totals(2, Money(Decimal(9), "EUR")),
        },
        win_rate=m.WinRate(won=1, lost=3),
        average_sizes={"USD": usd("1000"), "IDR": Money(Decimal(5_000_000), "IDR")},
        mean_days=2.5,
    )
    # USD: 3 × 1/4 × 1 000 ÷ 2.5 = 300; IDR: nothing open; EUR: nothing won.
    assert got == {"EUR": None, "IDR": Money(Decimal(0), "IDR"), "USD": usd("300.00")}
    assert list(got) == ["EUR", "IDR", "USD"]


@pytest.mark.parametrize(
    ("mean_days", "per_day"), [(0.25, "1000.00"), (1.0, "1000.00"), (2.0, "500.00")]
)
def test_velocity_counts_under_a_day_as_a_day(mean_days: float, per_day: str) -> None:
    got = m.velocity(
        open_totals={"USD": m.Totals(1, usd("1000"))},
        win_rate=m.WinRate(won=1, lost=0),
        average_sizes={"USD": usd("1000")},
        mean_days=mean_days,
    )
    assert got == {"USD": usd(per_day)}


@pytest.mark.parametrize(("rate", "mean_days"), [(m.WinRate(0, 0), 3.0), (m.WinRate(1, 1), None)])
def test_no_velocity_without_a_win_rate_or_a_time_to_close(rate, mean_days) -> None:
    got = m.velocity(
        open_totals={"USD": m.Totals(1, usd("1000"))},
        win_rate=rate,
        average_sizes={"USD": usd("1000")},
        mean_days=mean_days,
    )
    assert got == {"USD": None}


def test_lost_by_reason_adds_up_across_stages_most_first() -> None:
    rows = [
        m.LostRow("Probing", "price", 1),
        m.LostRow("Negotiation", "competitor", 2),
        m.LostRow("Negotiation", "price", 2),
        m.LostRow("Closing", None, 1),
    ]
    got = m.lost_by_reason(rows)
    assert got == {"price": 3, "competitor": 2, None: 1}
    assert list(got) == ["price", "competitor", None]


# --- period edges and the median, on a real database --------------------------------------


def test_a_deal_closed_at_the_start_of_the_period_counts_and_at_its_end_not(db):
    start, end, second = PERIOD.start, PERIOD.end, timedelta(seconds=1)
    add(db, "Lost at start", 1_000_000, created=day(10, 1), path=(("lost", start, "price"),))
    add(db, "Lost before", 1_000_000, created=day(10, 1), path=(("lost", start - second, "need"),))
    add(db, "Won at end", 1_000_000, created=day(10, 1), path=(("won", end),))
    add(db, "Won just in", 1_000_000, created=day(10, 1), path=(("won", end - second),))
    with db.read() as s:
        rate = metric_store.period_metrics(s, T1, PERIOD).win_rate
        rows = metric_store.lost_breakdown(s, T1, PERIOD)
    assert (rate.won, rate.lost) == (1, 1)
    assert [(r.reason, r.count) for r in rows] == [("price", 1)]


def test_the_median_time_to_close_of_an_odd_number_of_deals_is_the_middle_one(db):
    for name, days in (("Slow", 9), ("Quick", 2), ("Middle", 5)):
        add(db, name, 1_000_000, created=day(11, 1), path=(("won", day(11, 1 + days)),))
    with db.read() as s:
        ttc = metric_store.period_metrics(s, T1, PERIOD).time_to_close
    assert ttc == m.TimeToClose(3, pytest.approx(16 / 3), 5.0)


# --- what the SQL leaves out or keeps apart ------------------------------------------------


def _rename_stage(db: Database, key: str, name: str) -> None:
    from storage.models import Stage

    with db.transaction() as s:
        stage = s.exec(select(Stage).where(Stage.team_id == "T1", Stage.key == key)).one()
        stage.name = name


def test_lost_breakdown_names_stages_as_they_are_called_now(db):
    """Deals lost from one stage before and after it was renamed are one row, under its
    name of today (the move keeps the old name, for a stage since removed)."""
    add(
        db,
        "Before",
        created=day(11, 1),
        path=(("probing", day(11, 2)), ("lost", day(11, 3), "price")),
    )
    _rename_stage(db, "probing", "Discovery")
    add(
        db,
        "After",
        created=day(11, 1),
        path=(("probing", day(11, 4)), ("lost", day(11, 5), "price")),
    )
    with db.read() as s:
        rows = metric_store.lost_breakdown(s, T1, PERIOD)
    assert rows == [m.LostRow("Discovery", "price", 2)]


def test_lost_breakdown_counts_the_last_loss_of_a_deal_lost_twice(db):
    add(
        db,
        "Twice",
        created=day(11, 1),
        path=(
            ("probing", day(11, 2)),
            ("lost", day(11, 3), "price"),
            ("negotiation", day(11, 4)),
            ("lost", day(11, 5), "timing"),
        ),
    )
    with db.read() as s:
        rows = metric_store.lost_breakdown(s, T1, PERIOD)
    assert rows == [m.LostRow("Negotiation", "timing", 1)]


def test_lost_breakdown_lists_the_most_lost_first(db):
    for i, (stage, reason) in enumerate(
        [("probing", "price"), ("negotiation", "competitor"), ("negotiation", "competitor")]
    ):
        when = day(11, 2 + i)
        add(db, f"Deal {i}", created=day(11, 1), path=((stage, when), ("lost", when, reason)))
    with db.read() as s:
        rows = metric_store.lost_breakdown(s, T1, PERIOD)
    assert rows == [m.LostRow("Negotiation", "competitor", 2), m.LostRow("Probing", "price", 1)]


def test_stage_conversion_leaves_deleted_deals_out(db):
    from storage import deals as store
    from storage import removal

    add(db, "Kept", created=day(11, 1), path=(("probing", day(11, 2)),))
    gone = add(db, "Gone", created=day(11, 1), path=(("probing", day(11, 2)),))
    with db.transaction() as s:
        deal = store.lock_deal(session=s, team_id="T1", deal_id=gone)
        removal.delete_deal(session=s, team_id="T1", deal=deal, by="U1", now=NOW)
    with db.read() as s:
        steps = metric_store.stage_conversion(s, T1)
    assert (steps[0].reached_from, steps[0].reached_to) == (1, 1)


def test_a_deal_back_where_it_was_did_not_go_on(db):
    """Probing → back to Prospecting → Probing again: it went on from Prospecting, but
    not from Probing (being there again is not passing it)."""
    add(
        db,
        "Round trip",
        created=day(11, 1),
        path=(("probing", day(11, 2)), ("prospecting", day(11, 3)), ("probing", day(11, 4))),
    )
    with db.read() as s:
        steps = {
            x.from_stage: (x.reached_from, x.reached_to)
            for x in metric_store.stage_conversion(s, T1)
        }
    assert steps["Prospecting"] == (1, 1) and steps["Probing"] == (1, 0)


def test_deals_without_a_value_weigh_nothing_and_count_for_no_average(db):
    """A currency whose open deals have no value has no weighted pipeline; a won deal with
    no value is left out of the average deal size (not counted as zero)."""
    add(db, "No value", None, currency="USD", created=day(11, 1))
    add(db, "Won, valued", 40_000_000, created=day(11, 1), path=(("won", day(11, 2)),))
    add(db, "Won, no value", None, created=day(11, 1), path=(("won", day(11, 3)),))
    with db.read() as s:
        weighted = metric_store.weighted_pipeline(s, T1)
        pm = metric_store.period_metrics(s, T1, PERIOD)
    assert weighted == {}
    assert pm.average_deal_size == {"IDR": Money(Decimal(40_000_000), "IDR")}
    assert pm.win_rate.won == 2


def test_a_stage_counts_its_deals_in_every_currency_and_a_currency_may_have_only_losses(db):
    add(db, "Rupiah", created=day(11, 1), path=(("probing", day(11, 2)),))
    add(db, "Dollars", 5_000, currency="USD", created=day(11, 1), path=(("probing", day(11, 2)),))
    lost = (("lost", day(11, 3), "price"),)
    add(db, "Lost in dollars", 1_000, currency="USD", created=day(11, 1), path=lost)
    add(db, "Won in rupiah", created=day(11, 1), path=(("won", day(11, 4)),))
    with db.read() as s:
        stages = {r.name: r for r in metric_store.open_pipeline(s, T1).stages}
        pm = metric_store.period_metrics(s, T1, PERIOD)
    assert stages["Probing"].count == 2
    assert pm.period == PERIOD
    assert pm.win_rate_by_currency == {
        "IDR": m.WinRate(won=1, lost=0),
        "USD": m.WinRate(won=0, lost=1),
    }


def test_the_median_time_to_close_reads_won_deals_only(db):
    """A deal lost in the period is no part of the median of days to close."""
    add(db, "Lost fast", 1_000_000, created=day(11, 1), path=(("lost", day(11, 2), "price"),))
    for name, days in (("Won in two", 2), ("Won in four", 4)):
        add(db, name, 1_000_000, created=day(11, 1), path=(("won", day(11, 1 + days)),))
    with db.read() as s:
        ttc = metric_store.period_metrics(s, T1, PERIOD).time_to_close
    assert ttc == m.TimeToClose(2, 3.0, 3.0)
