"""Bulk seeding: ``n`` deals of one workspace and their stage history, fast.

The bench needs 200,000 deals in well under a minute, so the rows go in as SQLAlchemy Core
``insert()`` executemany batches (SQLite) or ``COPY`` (PostgreSQL) instead of the ORM's one
``create_deal`` per deal. The schema is the one ``storage.migrate.upgrade`` made, and the
derived columns the lookups read (``name_key``, ``name_fold``, ``name_compact``) come from the
app's own ``name_keys``; SQLite's FTS5 trigram table ``deal_fts`` is filled by the migration's
triggers and PostgreSQL's ``pg_trgm`` index by the database itself.

The pipeline: deals created over the last ``SPREAD`` days (a workspace that reached 200,000
deals in two years; the digest's stage conversion reads the 90-day cohort, an eighth of
them), spread over the open stages, a tenth closed (won or lost) 12 hours after they were
created. ``spread=60`` puts every deal in that cohort (the old bench's shape).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.core.matching import name_keys
from bot.core.stages import LOST, OPEN, WON
from storage import stages as stage_store
from storage.db import Database
from storage.models import Deal, StageMove, UTCDateTime
from storage.workspaces import ensure_workspace

TEAM = "T1"
#: ``storage.lookups.padded`` in SQL (name_fold has single spaces), as 0008_lookups writes it
PADDED = "'  ' || replace({0}.name_fold, ' ', '  ') || ' '"
BATCH = 5_000
SPREAD = 730  # days over which the deals were created
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


#: every word of two or three syllables (27,900), capitalised
NAME_WORDS = [
    "".join(parts).capitalize()
    for size in (2, 3)
    for parts in itertools.product(SYLLABLES, repeat=size)
]


def deal_name(rnd: random.Random) -> str:
    """A made-up company name (``"PT Kartisa Mobu Logistik"``): diverse enough that the
    trigram index has rare trigrams, as real names do."""
    prefix = rnd.choice(("PT ", "CV ", "", ""))
    return f"{prefix}{rnd.choice(NAME_WORDS)} {rnd.choice(NAME_WORDS)} {rnd.choice(WORDS)}"


@dataclass(frozen=True)
class _Stage:
    id: int
    name: str
    kind: str


def _rows(
    n: int, first_id: int, stages, now: datetime, seed: int, spread: int
) -> Iterator[tuple[tuple, list]]:
    """Each deal's row and its stage moves (creation, then the move to where it is), as
    tuples in ``DEAL_COLUMNS`` / ``MOVE_COLUMNS`` order."""
    rnd = random.Random(seed)
    plain = [_Stage(st.id, st.name, str(st.kind)) for st in stages]
    open_stages = [st for st in plain if st.kind == OPEN]
    won = next(st for st in plain if st.kind == WON)
    lost = next(st for st in plain if st.kind == LOST)
    first = open_stages[0]
    for i in range(n):
        deal_id = first_id + i
        name = TARGET if i == n // 2 else deal_name(rnd)
        keys = name_keys(name)
        created = now - timedelta(days=1 + i % spread, minutes=i % 1440)
        target = open_stages[i % len(open_stages)]
        if i % 10 == 0:
            target = won if i % 20 else lost
        moved = created + timedelta(hours=12)
        touched = moved if target is not first else created
        deal = (
            *(deal_id, TEAM, name, keys.key, keys.folded, keys.compact, (1_000_000 + i) * 100),
            *("IDR" if i % 5 else "USD", f"U{i % 7}", target.id, target.kind),
            *("price" if target is lost else None, "U1", created, touched, touched),
            moved if target.kind != OPEN else None,
        )
        moves = [(TEAM, deal_id, None, first.id, None, first.name, None, str(OPEN), "U1", created)]
        if target is not first:
            moves.append(
                (
                    TEAM,
                    deal_id,
                    first.id,
                    target.id,
                    first.name,
                    target.name,
                    str(OPEN),
                    target.kind,
                    "U1",
                    moved,
                )
            )
        yield deal, moves


def seed_deals(db: Database, n: int, *, now: datetime, seed: int = 7, spread: int = SPREAD) -> None:
    """``n`` deals (one of them named ``TARGET``) in workspace ``TEAM``, with history."""
    with db.transaction() as s:
        ensure_workspace(session=s, team_id=TEAM)
        stages = stage_store.list_stages(session=s, team_id=TEAM)
        first_id = (s.scalar(select(func.max(Deal.id))) or 0) + 1
    rows = _rows(n, first_id, stages, now, seed, spread)
    if db.engine.dialect.name == "postgresql":
        _copy(db.engine, rows)
    else:
        _insert(db.engine, rows)


def _batches(rows, size: int = BATCH) -> Iterator[tuple[list[tuple], list[tuple]]]:
    deals: list[tuple] = []
    moves: list[tuple] = []
    for deal, its_moves in rows:
        deals.append(deal)
        moves.extend(its_moves)
        if len(deals) >= size:
            yield deals, moves
            deals, moves = [], []
    if deals:
        yield deals, moves


def _sqlite_time(at: datetime | None) -> str | None:
    """An aware UTC datetime as ``UTCDateTime`` stores it on SQLite (checked in ``_insert``)."""
    return None if at is None else at.strftime("%Y-%m-%d %H:%M:%S.%f")


def _binder(engine: Engine, table, columns: list[str]):
    """Each row's values as the column types write them (the datetimes as SQLite's text),
    for the driver's own executemany; the fast conversion is checked against the type's."""
    times = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, UTCDateTime)]
    proc = UTCDateTime()._cached_bind_processor(engine.dialect)
    sample = datetime(2026, 11, 23, 2, 0, 0, 1234, tzinfo=UTC)
    assert proc is not None and proc(sample) == _sqlite_time(sample)

    def bind(row: tuple) -> tuple:
        values = list(row)
        for i in times:
            values[i] = _sqlite_time(values[i])
        return tuple(values)

    return bind


def _insert(engine: Engine, rows) -> None:
    """SQLite: the driver's executemany, in one transaction. As a bulk load does, the
    tables' indexes and ``deal_fts``'s triggers are dropped first and made again afterwards
    from their own DDL (``sqlite_master``: the schema stays exactly the migrations'), and
    ``deal_fts`` is filled in one statement, as migration 0008_lookups fills it."""
    deal_row = _binder(engine, Deal.__table__, DEAL_COLUMNS)
    move_row = _binder(engine, StageMove.__table__, MOVE_COLUMNS)
    add_deals, add_moves = (
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        for table, cols in (("deal", DEAL_COLUMNS), ("stage_move", MOVE_COLUMNS))
    )
    with engine.begin() as conn:
        ddl = conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('deal', 'stage_move')"
            " AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name"
        ).all()
        for kind, name, _ in ddl:
            conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
        first = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM deal").scalar()
        for deals, moves in _batches(rows):
            conn.exec_driver_sql(add_deals, [deal_row(d) for d in deals])
            conn.exec_driver_sql(add_moves, [move_row(m) for m in moves])
        conn.exec_driver_sql(
            "INSERT INTO deal_fts (rowid, team_id, words) SELECT id, team_id,"
            f" {PADDED.format('deal')} FROM deal WHERE id > ?",
            (first,),
        )
        for _, _, sql in ddl:
            conn.exec_driver_sql(sql)


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
                        copy.write_row(d)
                with cur.copy(f"COPY stage_move ({', '.join(MOVE_COLUMNS)}) FROM STDIN") as copy:
                    for m in moves:
                        copy.write_row(m)
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
