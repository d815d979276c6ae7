"""Bulk seeding: ``n`` deals of one workspace and their stage history, fast.

The bench needs 200,000 deals in well under a minute, so the rows go in as SQLAlchemy Core
``insert()`` executemany batches (SQLite) or ``COPY`` (PostgreSQL) instead of the ORM's one
``create_deal`` per deal. The schema is the one ``storage.migrate.upgrade`` made, and the
derived columns the lookups read (``name_key``, ``name_fold``, ``name_compact``) come from the
app's own ``name_keys``; SQLite's FTS5 trigram table ``deal_fts`` is filled by the migration's
triggers and PostgreSQL's ``pg_trgm`` index by the database itself.

The pipeline looks like ``bench.__main__``'s old one: deals created over the last 60 days,
spread over the open stages, a tenth closed (won or lost) 12 hours after they were created.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from bot.core.matching import name_keys
from bot.core.stages import LOST, OPEN, WON
from storage import stages as stage_store
from storage.db import Database
from storage.models import Deal, StageMove
from storage.workspaces import ensure_workspace

TEAM = "T1"
BATCH = 5_000
#: the deal ``/advance`` looks for, present in every seeded database, and a typo of it
TARGET = "Kopi Kenangan Mantan"
TYPO = "Kopi Kenagan Mantan"
SYLLABLES = [
    "ka",
    "ri",
    "ta",
    "na",
    "su",
    "ma",
    "ja",
    "ya",
    "ra",
    "sa",
    "ti",
    "lo",
    "gi",
    "ku",
    "de",
    "wi",
    "pu",
    "tra",
    "ba",
    "ne",
    "mo",
    "la",
    "si",
    "an",
    "ar",
    "in",
    "bu",
    "da",
    "ga",
    "ha",
]
WORDS = [
    "Jaya",
    "Sentosa",
    "Makmur",
    "Abadi",
    "Sejahtera",
    "Karya",
    "Mandiri",
    "Global",
    "Nusantara",
    "Digital",
    "Logistik",
    "Kopi",
    "Toko",
    "Sinar",
    "Mitra",
    "Utama",
    "Prima",
    "Bintang",
    "Indah",
    "Teknik",
    "Pangan",
    "Energi",
    "Solusi",
    "Farma",
]


def deal_name(rnd: random.Random) -> str:
    """A made-up company name (``"PT Kartisa Mobu Logistik"``): diverse enough that the
    trigram index has rare trigrams, as real names do."""

    def word() -> str:
        return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()

    prefix = rnd.choice(("PT ", "CV ", "", ""))
    return f"{prefix}{word()} {word()} {rnd.choice(WORDS)}"


def _rows(
    n: int, first_id: int, stages, now: datetime, seed: int
) -> Iterator[tuple[dict, list[dict]]]:
    """Each deal's row and its stage moves (creation, then the move to where it is)."""
    rnd = random.Random(seed)
    open_stages = [st for st in stages if st.kind == OPEN]
    won = next(st for st in stages if st.kind == WON)
    lost = next(st for st in stages if st.kind == LOST)
    first = open_stages[0]
    for i in range(n):
        deal_id = first_id + i
        name = TARGET if i == n // 2 else deal_name(rnd)
        keys = name_keys(name)
        created = now - timedelta(days=1 + i % 60, minutes=i % 1440)
        target = open_stages[i % len(open_stages)]
        if i % 10 == 0:
            target = won if i % 20 else lost
        moved = created + timedelta(hours=12)
        closed = target.kind != OPEN
        deal = {
            "id": deal_id,
            "team_id": TEAM,
            "name": name,
            "name_key": keys.key,
            "name_fold": keys.folded,
            "name_compact": keys.compact,
            "value_cents": (1_000_000 + i) * 100,
            "currency": "IDR" if i % 5 else "USD",
            "owner_id": f"U{i % 7}",
            "stage_id": target.id,
            "status": target.kind,
            "lost_reason": "price" if target.kind == LOST else None,
            "created_by": "U1",
            "created_at": created,
            "updated_at": moved if target.id != first.id else created,
            "last_activity_at": moved if target.id != first.id else created,
            "closed_at": moved if closed else None,
        }
        moves = [_move(deal_id, None, first, created)]
        if target.id != first.id:
            moves.append(_move(deal_id, first, target, moved))
        yield deal, moves


def _move(deal_id: int, src, dst, at: datetime) -> dict:
    return {
        "team_id": TEAM,
        "deal_id": deal_id,
        "from_stage_id": src.id if src else None,
        "to_stage_id": dst.id,
        "from_name": src.name if src else None,
        "to_name": dst.name,
        "from_status": src.kind if src else None,
        "to_status": dst.kind,
        "moved_by": "U1",
        "moved_at": at,
    }


def seed_deals(db: Database, n: int, *, now: datetime, seed: int = 7) -> None:
    """``n`` deals (one of them named ``TARGET``) in workspace ``TEAM``, with history."""
    with db.transaction() as s:
        ensure_workspace(session=s, team_id=TEAM)
        stages = stage_store.list_stages(session=s, team_id=TEAM)
        first_id = (s.scalar(select(func.max(Deal.id))) or 0) + 1
    rows = _rows(n, first_id, stages, now, seed)
    if db.engine.dialect.name == "postgresql":
        _copy(db.engine, rows)
    else:
        _insert(db.engine, rows)


def _batches(rows, size: int = BATCH) -> Iterator[tuple[list[dict], list[dict]]]:
    deals: list[dict] = []
    moves: list[dict] = []
    for deal, its_moves in rows:
        deals.append(deal)
        moves.extend(its_moves)
        if len(deals) >= size:
            yield deals, moves
            deals, moves = [], []
    if deals:
        yield deals, moves


def _insert(engine: Engine, rows) -> None:
    """SQLite: executemany batches in one transaction (the FTS triggers fill ``deal_fts``)."""
    with engine.begin() as conn:
        for deals, moves in _batches(rows):
            conn.execute(insert(Deal.__table__), deals)
            conn.execute(insert(StageMove.__table__), moves)


DEAL_COLUMNS = [
    "id",
    "team_id",
    "name",
    "name_key",
    "name_fold",
    "name_compact",
    "value_cents",
    "currency",
    "owner_id",
    "stage_id",
    "status",
    "lost_reason",
    "created_by",
    "created_at",
    "updated_at",
    "last_activity_at",
    "closed_at",
]
MOVE_COLUMNS = [
    "team_id",
    "deal_id",
    "from_stage_id",
    "to_stage_id",
    "from_name",
    "to_name",
    "from_status",
    "to_status",
    "moved_by",
    "moved_at",
]


def _copy(engine: Engine, rows) -> None:
    """PostgreSQL: ``COPY`` in one transaction, then the id sequence moved past the ids."""
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:  # type: ignore[attr-defined]
            for deals, moves in _batches(rows, 20_000):
                with cur.copy(f"COPY deal ({', '.join(DEAL_COLUMNS)}) FROM STDIN") as copy:
                    for d in deals:
                        copy.write_row([d[c] for c in DEAL_COLUMNS])
                with cur.copy(f"COPY stage_move ({', '.join(MOVE_COLUMNS)}) FROM STDIN") as copy:
                    for m in moves:
                        copy.write_row([m[c] for c in MOVE_COLUMNS])
            cur.execute("SELECT setval(pg_get_serial_sequence('deal', 'id'), max(id)) FROM deal")
        raw.commit()
    finally:
        raw.close()


def analyze(db: Database) -> None:
    """What autovacuum does after a bulk load on PostgreSQL (this machine runs it off);
    SQLite gets its statistics when the app opens the database (``storage.db``)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
