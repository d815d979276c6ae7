"""Storage against real databases (SQLite file and PostgreSQL): migrations, transactions,
idempotency under concurrency, workspace isolation."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.core.metrics import Scope
from bot.core.money import Money
from bot.core.stages import terminal_stage
from bot.usecases.views import deal_money
from storage import deals as store
from storage import metrics as metric_store
from storage import requests as requests_store
from storage import stages as stage_store
from storage.models import Deal, StageMove
from tests.factories import NOW, edit_deal, make_deal


def fts5_shadow_tables(db) -> set[str]:
    """SQLite's FTS5 keeps each full-text index in shadow tables of its own layout (an
    index's storage, not rows of ours); the virtual table itself carries ``team_id``."""
    if db.engine.dialect.name != "sqlite":
        return set()
    with db.engine.connect() as conn:
        virtual = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
        ).scalars()
        return {
            f"{v}_{s}" for v in virtual for s in ("data", "idx", "content", "docsize", "config")
        }


def test_every_table_has_team_id(db):
    # slack_sdk's OAuth state store keeps its own schema: a state has no workspace yet.
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version", "slack_oauth_states"}
    tables -= fts5_shadow_tables(db)
    assert tables
    for table in tables:
        cols = {c["name"] for c in inspect(db.engine).get_columns(table)}
        assert "team_id" in cols, table


def test_timestamps_come_back_timezone_aware(db):
    deal_id = make_deal(db)
    with db.read() as s:
        deal = s.get(Deal, deal_id)
    assert deal.created_at.tzinfo is not None and deal.created_at == NOW


def test_money_is_exact(db):
    deal_id = make_deal(db, value=None)
    edit_deal(db, deal_id, value=Money(Decimal("1234567.89"), "USD"))
    with db.read() as s:
        assert deal_money(store.get_deal(session=s, team_id="T1", deal_id=deal_id)) == (
            Money(Decimal("1234567.89"), "USD")
        )


def test_a_failed_change_leaves_nothing_half_written(db):
    with pytest.raises(RuntimeError), db.transaction() as s:
        store.create_deal(
            session=s,
            team_id="T1",
            created_by="U1",
            now=NOW,
            new=store.NewDeal(name="Half", owner_id="U1"),
        )
        raise RuntimeError("crash after the insert")
    with db.read() as s:
        assert not s.exec(select(Deal)).all()
        assert not s.exec(select(StageMove)).all()


def test_concurrent_duplicate_request_commits_once(db):
    """Two workers handle the same Slack request (same key) at once: exactly one deal."""
    results: list[str] = []
    go = threading.Event()

    def worker():
        go.wait(timeout=5)
        try:
            with db.transaction() as s:
                deal = store.create_deal(
                    session=s,
                    team_id="T1",
                    created_by="U1",
                    now=NOW,
                    new=store.NewDeal(name="Race", owner_id="U1"),
                )
                time.sleep(0.2)  # both are inside their transaction now (PostgreSQL)
                requests_store.record_request(
                    session=s, team_id="T1", key="trigger-1", result=str(deal.id)
                )
            results.append("ok")
        except IntegrityError:
            results.append("duplicate")

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for th in threads:
        th.start()
    go.set()
    for th in threads:
        th.join(timeout=60)
    assert sorted(results) == ["duplicate", "ok"]
    with db.read() as s:
        assert len(s.exec(select(Deal)).all()) == 1
        assert len(s.exec(select(StageMove)).all()) == 1


def test_reads_never_cross_workspaces(db):
    make_deal(db, team_id="T1", name="Acme")
    make_deal(db, team_id="T2", name="Beta", owner_id="U9")
    with db.read() as s:
        assert [n for _, n in store.deal_names(session=s, team_id="T1")] == ["Acme"]
        assert [n for _, n in store.deal_names(session=s, team_id="T2")] == ["Beta"]
        t2_deal = store.deal_names(session=s, team_id="T2")[0][0]
        with pytest.raises(store.NotFound):
            store.get_deal(session=s, team_id="T1", deal_id=t2_deal)
        stages_t1 = stage_store.list_stages(session=s, team_id="T1")
        stages_t2 = stage_store.list_stages(session=s, team_id="T2")
        assert not {x.id for x in stages_t1} & {x.id for x in stages_t2}


def test_open_totals_group_per_stage_and_currency(db):
    make_deal(db, name="A", value=100, currency="IDR")
    make_deal(db, name="B", value=200, currency="IDR")
    make_deal(db, name="C", value=5, currency="USD")
    make_deal(db, name="D", value=7, currency="USD", stage_key="closing")
    with db.read() as s:
        opened = metric_store.open_pipeline(s, Scope("T1"))
    got = sorted((t.currency, t.count, t.value_cents) for t in opened.rows)
    assert got == [("IDR", 2, 30000), ("USD", 1, 500), ("USD", 1, 700)]
    assert {c: (x.count, x.value) for c, x in opened.totals.items()} == {
        "IDR": (2, Money(Decimal(300), "IDR")),
        "USD": (2, Money(Decimal(12), "USD")),
    }


def test_move_history_is_appended_never_rewritten(db):
    deal_id = make_deal(db, stage_key="probing")
    later = datetime(2026, 11, 24, tzinfo=UTC)
    with db.transaction() as s:
        deal = store.lock_deal(session=s, team_id="T1", deal_id=deal_id)
        stages = stage_store.list_stages(session=s, team_id="T1")
        won = terminal_stage(stages, "won")
        store.move_deal(session=s, team_id="T1", deal=deal, to_stage=won, by="U1", now=later)
    with db.read() as s:
        history = store.deal_history(session=s, team_id="T1", deal_id=deal_id)
    assert [(m.from_name, m.to_name) for m in history] == [
        (None, "Prospecting"),
        ("Prospecting", "Probing"),
        ("Probing", "Won"),
    ]
