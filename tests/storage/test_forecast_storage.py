"""storage.forecast on SQLite and PostgreSQL: the forecast's rows (by day, undated and
overdue apart, probabilities own or the stage's), won and weighted value per rep, targets
set, replaced, listed and removed, the "who sees the team" setting; and the migration
0009_forecast matches the models and keeps existing workspaces at "everyone"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import storage.models_checklist
import storage.models_digest
import storage.models_forecast  # noqa: F401
from bot.core.forecast import MONTH, QUARTER, Span
from bot.core.money import Money
from storage import forecast as store
from storage import stages as stage_store
from storage.db import Database
from storage.models import Workspace
from tests.factories import make_deal
from tests.storage.schema import migrated_diff

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)
Q4 = Span(date(2026, 10, 1), QUARTER)
NOV = date(2026, 11, 1)


def rp(jt: int) -> Money:
    return Money(Decimal(jt * 1_000_000), "IDR")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_matches_the_models_it_touches(request, kind):
    diff = migrated_diff(request, kind)
    ours = [d for d in diff if "sales_target" in repr(d) or "team_view" in repr(d)]
    assert not ours, ours


def probabilities(db: Database) -> dict[int, int]:
    with db.read() as s:
        return {
            st.id: st.probability
            for st in stage_store.list_stages(session=s, team_id="T1")
            if st.kind == "open"
        }


def test_forecast_rows_by_day_undated_and_overdue(db):
    make_deal(
        db, name="Nov", value=50_000_000, stage_key="negotiation", expected_close=date(2026, 11, 28)
    )
    make_deal(db, name="Own", value=100_000_000, expected_close=date(2026, 12, 10), probability=40)
    make_deal(db, name="Usd", value=5_000, currency="USD", expected_close=date(2026, 12, 10))
    make_deal(db, name="Late", value=30_000_000, expected_close=date(2026, 10, 5))
    make_deal(db, name="Undated", value=40_000_000)
    make_deal(db, name="Next year", value=9_000_000, expected_close=date(2027, 1, 5))
    make_deal(db, name="Theirs", owner_id="U2", expected_close=date(2026, 12, 1))
    make_deal(db, name="Won", stage_key="won", expected_close=date(2026, 12, 1))
    make_deal(db, team_id="T2", name="Other ws", expected_close=date(2026, 12, 1))
    with db.read() as s:
        rows = store.forecast_rows(
            session=s,
            team_id="T1",
            owners=("U1",),
            span=Q4,
            this_month=NOV,
            probabilities=probabilities(db),
        )
    got = sorted((str(r.when), r.currency, r.count, r.value_cents, r.weighted_x100) for r in rows)
    assert got == sorted(
        [
            ("2026-11-28", "IDR", 1, 50_000_000_00, 50_000_000_00 * 70),
            ("2026-12-10", "IDR", 1, 100_000_000_00, 100_000_000_00 * 40),  # its own 40%
            ("2026-12-10", "USD", 1, 5_000_00, 5_000_00 * 10),
            ("overdue", "IDR", 1, 30_000_000_00, 30_000_000_00 * 10),
            ("None", "IDR", 1, 40_000_000_00, 40_000_000_00 * 10),
        ]
    )


def test_won_and_weighted_per_rep_in_a_span(db):
    make_deal(db, name="A", value=120_000_000, path=(("won", datetime(2026, 11, 10, tzinfo=UTC)),))
    make_deal(db, name="B", value=5_000, currency="USD", path=(("won", NOW),))
    make_deal(db, name="C", value=7_000_000, owner_id="U2", path=(("won", NOW),))
    make_deal(db, name="Old", value=9_000_000, path=(("won", datetime(2026, 9, 1, tzinfo=UTC)),))
    make_deal(db, name="Lost", value=9_000_000, path=(("lost", NOW, "price"),))
    make_deal(
        db,
        name="Open",
        value=50_000_000,
        expected_close=date(2026, 12, 1),
        stage_key="presentation",
    )
    start, end = datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    with db.read() as s:
        won = store.won_by_owner(session=s, team_id="T1", owners=(), start=start, end=end)
        mine = store.won_by_owner(session=s, team_id="T1", owners=("U2",), start=start, end=end)
        weighted = store.weighted_by_owner(
            session=s,
            team_id="T1",
            owners=(),
            start=Q4.start,
            end=Q4.end,
            probabilities=probabilities(db),
        )
    assert won == {
        "U1": {"IDR": rp(120), "USD": Money(Decimal(5000), "USD")},
        "U2": {"IDR": rp(7)},
    }
    assert mine == {"U2": {"IDR": rp(7)}}
    assert weighted == {"U1": {"IDR": rp(25)}}


def test_targets_set_replaced_listed_and_removed(db):
    jan = Span(date(2027, 1, 1), MONTH)
    with db.transaction() as s:
        assert (
            store.save_target(
                session=s, team_id="T1", owner_id="U1", span=Q4, amount=rp(500), by="U9", now=NOW
            )
            is None
        )
        assert store.save_target(
            session=s, team_id="T1", owner_id="U1", span=Q4, amount=rp(600), by="U9", now=NOW
        ) == rp(500)
        store.save_target(
            session=s, team_id="T1", owner_id="U2", span=jan, amount=rp(100), by="U9", now=NOW
        )
        store.save_target(
            session=s, team_id="T2", owner_id="U1", span=Q4, amount=rp(1), by="U9", now=NOW
        )
    with db.read() as s:
        all_ = store.list_targets(
            session=s, team_id="T1", owners=(), start=Q4.start, end=date(2027, 4, 1)
        )
        q4 = store.list_targets(session=s, team_id="T1", owners=("U1",), start=Q4.start, end=Q4.end)
    assert [(x.owner_id, x.span.key, x.amount) for x in all_] == [
        ("U1", "2026-Q4", rp(600)),
        ("U2", "2027-01", rp(100)),
    ]
    assert [x.amount for x in q4] == [rp(600)]
    with db.transaction() as s:
        assert store.delete_target(session=s, team_id="T1", owner_id="U1", span=Q4) == rp(600)
        assert store.delete_target(session=s, team_id="T1", owner_id="U1", span=Q4) is None
    with db.read() as s:
        assert (
            store.list_targets(session=s, team_id="T1", owners=("U1",), start=Q4.start, end=Q4.end)
            == []
        )
        assert (
            len(store.list_targets(session=s, team_id="T2", owners=(), start=Q4.start, end=Q4.end))
            == 1
        )


def test_who_sees_the_team_defaults_to_everyone(db):
    with db.transaction() as s:
        s.add(Workspace(team_id="T1"))
    with db.read() as s:
        assert store.team_view(session=s, team_id="T1") == "everyone"
        assert store.team_view(session=s, team_id="T-none") == "everyone"
    with db.transaction() as s:
        store.set_team_view(session=s, team_id="T1", view="managers")
    with db.read() as s:
        assert store.team_view(session=s, team_id="T1") == "managers"
        assert store.team_view(session=s, team_id="T2") == "everyone"
