"""SQLite gets planner statistics when the app opens a database with deals
(``storage.db.refresh_statistics``): without them, ``/advance`` over 200,000 bulk-loaded
deals was planned as a scan (seconds)."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database
from tests.factories import make_deal


def stats(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).first()
        if exists is None:
            return set()
        return {t for (t,) in conn.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1"))}


def test_opening_a_database_with_deals_analyzes_it(db_url):
    db = Database(db_url)
    assert "deal" not in stats(db)  # no deals: nothing to analyze, opening stays instant
    for i in range(30):
        make_deal(db, name=f"Deal {i}")
    db.dispose()
    reopened = Database(db_url)
    try:
        assert {"deal", "stage_move"} <= stats(reopened)
        with reopened.engine.connect() as conn:
            [(row,)] = conn.execute(
                text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_deal_team_name_compact'")
            ).all()
        assert row.split()[0] == "30"  # rows counted as they are now
    finally:
        reopened.dispose()
