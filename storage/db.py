"""Engine, session-per-unit-of-work, ``run_once``, and ``exists`` (the one way to ask
whether a query finds a row).

``Database.transaction()`` is the only way the app writes: one change, one
transaction, committed when the block ends and rolled back if it raises. A change a
Slack request asks for goes through ``run_once``, so that a retry or a replay of the same
request is answered with the first result and never applied twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, create_engine
from sqlmodel.sql.expression import SelectOfScalar

from bot.core.errors import OutcomeUnknown
from storage import requests

R = TypeVar("R")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args={"connect_timeout": 3},  # a stuck server must not hold /healthz threads
    )


ANALYSIS_LIMIT = 1000  # rows SQLite's ANALYZE samples per index: milliseconds at any size


def refresh_statistics(engine: Engine) -> None:
    """Give SQLite's query planner statistics (``sqlite_stat1``) for the tables as they are.

    SQLite has no autovacuum-like ANALYZE: without statistics its planner guesses, and at
    200,000 deals it picked a scan over an index for ``/advance`` (2 s instead of
    milliseconds). A bounded ``ANALYZE`` (``analysis_limit``) when the app opens the
    database keeps them current across restarts. PostgreSQL's autovacuum does this itself.
    A database without deals (new, or not migrated yet: an error) is left as it is."""
    if engine.dialect.name != "sqlite" or ":memory:" in str(engine.url):
        return
    with suppress(DBAPIError), engine.begin() as conn:
        if conn.exec_driver_sql("SELECT 1 FROM deal LIMIT 1").first() is None:
            return
        conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        conn.exec_driver_sql("ANALYZE")


class Database:
    """Owns the engine; hands out short-lived sessions, one per request or job."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        refresh_statistics(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One change: committed when the block ends, rolled back if it raises. When the
        connection is lost during the commit itself, whether the change landed is unknown:
        ``OutcomeUnknown`` says so (any other failure to commit means it did not land)."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise
            try:
                session.commit()
            except DBAPIError as exc:
                with suppress(DBAPIError):  # the connection may be gone already
                    session.rollback()
                if exc.connection_invalidated:
                    raise OutcomeUnknown(str(exc.orig or exc)) from exc
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self.engine.dispose()


def run_once(
    db: Database,
    *,
    team_id: str,
    key: str | None,
    work: Callable[[Session], tuple[R, str | None]],
    replay: Callable[[Session, str], R],
) -> R:
    """Run ``work`` in one transaction, once per request ``key``.

    ``work(session)`` returns ``(result, record)``: ``record`` (a short string, e.g. the new
    row's id) is saved with the key in the same transaction, or nothing is saved when it is
    ``None`` (an answer that changed nothing, such as a question back). A request whose key
    was recorded before — a Slack retry, a replay, a double click — gets ``replay(session,
    record)`` instead, without running ``work``. When two copies race, the second fails to
    commit on the key's primary key, its whole change rolls back, and it replays the first
    one's record; an ``IntegrityError`` with no record behind it is a real one and raised."""
    try:
        with db.transaction() as session:
            done = (
                requests.previous_result(session=session, team_id=team_id, key=key) if key else None
            )
            if done is not None:
                return replay(session, done)
            result, record = work(session)
            if key and record is not None:
                requests.record_request(session=session, team_id=team_id, key=key, result=record)
            return result
    except IntegrityError:
        if not key:
            raise
        with db.read() as session:
            done = requests.previous_result(session=session, team_id=team_id, key=key)
            if done is None:
                raise
            return replay(session, done)


def exists(session: Session, query: SelectOfScalar) -> bool:
    """Whether ``query`` finds a row (it reads one at most)."""
    return session.exec(query.limit(1)).first() is not None
