"""Queries that fetch what is shown (issue 12, item 2), on SQLite and PostgreSQL: the top
deals of each stage, every open-deal total from one pass, lists with their counts from one
query — and the partial indexes those queries are written to use."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import text

from bot.core.metrics import Scope
from bot.core.money import Money
from bot.core.stages import OPEN
from bot.usecases.digest import stale_cutoffs
from storage import deals as store
from storage import digests as digest_store
from storage import metrics as metric_store
from storage import stages as stage_store
from tests.factories import NOW, make_deal


def open_stage_ids(db) -> list[int]:
    with db.read() as s:
        return [st.id for st in stage_store.list_stages(session=s, team_id="T1") if st.kind == OPEN]


def test_top_deals_per_stage_most_valuable_first_no_value_last(db):
    for i, value in enumerate([5, None, 9, 7, 1]):
        make_deal(db, name=f"P{i}", value=value)
    for i, value in enumerate([3, 8]):
        make_deal(db, name=f"N{i}", value=value, stage_key="negotiation")
    make_deal(db, name="Other owner", value=100, owner_id="U2")
    make_deal(db, name="Won", value=1000, path=(("won", NOW),))
    make_deal(db, name="Elsewhere", value=1000, team_id="T2")
    with db.read() as s:
        top = store.top_open_deals(
            session=s, team_id="T1", stage_ids=open_stage_ids(db), per_stage=3
        )
        mine = store.top_open_deals(
            session=s, team_id="T1", stage_ids=open_stage_ids(db), per_stage=3, owner_id="U1"
        )
    assert [d.name for d in top] == ["Other owner", "P2", "P3", "N1", "N0"]
    assert [d.name for d in mine] == ["P2", "P3", "P0", "N1", "N0"]
    with db.read() as s:
        last = store.top_open_deals(
            session=s, team_id="T1", stage_ids=open_stage_ids(db)[:1], per_stage=9, owner_id="U1"
        )
    assert [d.name for d in last] == ["P2", "P3", "P0", "P4", "P1"]  # no value: last


def test_open_totals_weighted_and_by_stage_from_one_pass(db):
    make_deal(db, name="A", value=100)  # Prospecting, 10 %
    make_deal(db, name="B", value=200, probability=50)  # its own 50 %
    make_deal(db, name="C", value=None)
    make_deal(db, name="D", value=40, currency="USD", stage_key="negotiation")  # 60 %
    make_deal(db, name="E", value=70, owner_id="U2")
    with db.read() as s:
        stages = {st.key: st for st in stage_store.list_stages(session=s, team_id="T1")}
        team = metric_store.open_pipeline(s, Scope("T1"))
        mine = metric_store.open_pipeline(s, Scope("T1", ("U1",)))
    p = stages["prospecting"].probability
    n = stages["negotiation"].probability
    assert team.weighted == {
        "IDR": Money(Decimal(100 * p + 200 * 50 + 70 * p) / 100, "IDR"),
        "USD": Money(Decimal(40 * n) / 100, "USD"),
    }
    assert {c: x.count for c, x in team.totals.items()} == {"IDR": 4, "USD": 1}
    assert {c: x.count for c, x in mine.totals.items()} == {"IDR": 3, "USD": 1}
    by_stage = {x.name: (x.count, x.value) for x in team.stages}
    assert by_stage["Prospecting"] == (4, {"IDR": Money(Decimal(370), "IDR")})
    assert by_stage["Negotiation"] == (1, {"USD": Money(Decimal(40), "USD")})
    assert by_stage["Closing"] == (0, {})


def test_lists_come_with_their_count(db):
    quiet = NOW - timedelta(days=30)
    for i in range(7):
        make_deal(db, name=f"Quiet {i}", now=quiet + timedelta(hours=i))
    make_deal(db, name="Busy", now=NOW)
    for i in range(4):
        make_deal(
            db,
            name=f"Due {i}",
            next_step="Call",
            next_step_due=(NOW - timedelta(days=i + 1)).date(),
        )
    with db.read() as s:
        stages = stage_store.list_stages(session=s, team_id="T1")
        stale, stale_total = digest_store.list_stale(
            session=s, team_id="T1", cutoffs=stale_cutoffs(stages, NOW), today=NOW.date(), limit=3
        )
        due, due_total = digest_store.list_due(session=s, team_id="T1", today=NOW.date(), limit=2)
        none, none_total = digest_store.list_snoozed(
            session=s, team_id="T1", today=NOW.date(), limit=2
        )
    assert [d.name for d in stale] == ["Quiet 0", "Quiet 1", "Quiet 2"] and stale_total == 7
    assert [d.name for d in due] == ["Due 3", "Due 2"] and due_total == 4
    assert (none, none_total) == ([], 0)


def plan(db, sql: str) -> str:
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
            return "\n".join(r[-1] for r in rows)
        conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: force the choice
        return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql).all())


def test_the_open_deal_queries_can_use_their_partial_indexes(db):
    """The literal ``status = 'open'`` (``storage.metrics.is_open``) lets both planners use
    the partial indexes; a bound parameter would not."""
    make_deal(db)
    totals = plan(
        db,
        "SELECT stage_id, currency, count(*), sum(value_cents) FROM deal"
        " WHERE team_id = 'T1' AND status = 'open' GROUP BY stage_id, currency",
    )
    assert "ix_deal_open_totals" in totals
    top = plan(
        db,
        "SELECT id FROM deal WHERE team_id = 'T1' AND status = 'open' AND stage_id = 1"
        " ORDER BY value_cents DESC NULLS LAST, id LIMIT 8",
    )
    assert "ix_deal_open_top" in top
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM deal")).scalar_one() == 1
