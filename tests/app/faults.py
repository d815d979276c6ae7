"""Fault injection for the request-path tests: the app on SQLite or PostgreSQL, a database
held by a lock, and a TCP proxy in front of PostgreSQL that can pull the plug — at once, or
right after forwarding a ``COMMIT`` (the commit lands, its answer never arrives)."""

from __future__ import annotations

import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
from sqlalchemy import text

from bot.server import HttpServer
from bot.services import Services
from slackkit import FakeSlack, SlackClient
from storage.db import Database
from tests import conftest
from tests.conftest import SIGNING_SECRET, make_settings


@dataclass
class App:
    services: Services
    server: HttpServer
    slack: SlackClient
    url: str

    @property
    def db(self) -> Database:
        return self.services.db


@contextmanager
def serve(fake: FakeSlack, db_url: str) -> Iterator[App]:
    """The app on ``db_url``, served over HTTP like the ``running`` fixture."""
    with conftest.serve(make_settings(fake, db_url)) as app:
        slack = SlackClient(app.url, SIGNING_SECRET, fake)
        yield App(app.services, app.server, slack, app.url)


@contextmanager
def held(db_url: str, release: threading.Event) -> Iterator[threading.Event]:
    """Hold the deals table locked (PostgreSQL: ``LOCK TABLE``, which blocks reads too;
    SQLite: the database's write lock) until ``release`` is set; yields an event set once
    the lock is taken. Never a fixed sleep: the test decides when to let go."""
    taken = threading.Event()

    def hold() -> None:
        if db_url.startswith("sqlite"):
            import sqlite3  # here: only the SQLite branch needs the driver itself

            conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=30)
            conn.execute("BEGIN IMMEDIATE")
            taken.set()
            release.wait(timeout=60)
            conn.rollback()
            conn.close()
            return
        with psycopg.connect(db_url.replace("+psycopg", ""), autocommit=False) as conn:
            conn.execute("LOCK TABLE deal IN ACCESS EXCLUSIVE MODE")
            taken.set()
            release.wait(timeout=60)
            conn.rollback()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        assert taken.wait(timeout=20), "could not lock the database"
        yield taken
    finally:
        release.set()
        thread.join(timeout=30)


def count(db: Database, sql: str) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


class Plug:
    """A TCP proxy in front of PostgreSQL. ``cut()`` drops every connection and refuses
    new ones (the database stops answering); ``restore()`` lets them in again;
    ``drop_after_commit()`` forwards the next ``COMMIT`` and then drops that connection
    before its answer comes back (the commit landed; the app can't know)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.commit_trap = False
        self.trapped = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    @classmethod
    def around(cls, url: str) -> tuple[Plug, str]:
        """A plug in front of ``url``'s server, and the URL to reach it through."""
        parts = urlsplit(url)
        plug = cls(parts.hostname or "127.0.0.1", parts.port or 5432)
        netloc = parts.netloc.rsplit("@", 1)
        user = netloc[0] + "@" if len(netloc) == 2 else ""
        return plug, urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{plug.port}"))

    def cut(self) -> None:
        with self._lock:
            self.open = False
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            self._close(pair)

    def restore(self) -> None:
        with self._lock:
            self.open = True

    def drop_after_commit(self) -> None:
        self.trapped.clear()
        self.commit_trap = True

    def stop(self) -> None:
        self._stopping = True
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while not self._stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                allowed = self.open
            if not allowed:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._pump, args=((client, server),), daemon=True).start()

    @staticmethod
    def _close(pair: tuple[socket.socket, socket.socket]) -> None:
        for sock in pair:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _pump(self, pair: tuple[socket.socket, socket.socket]) -> None:
        client, server = pair
        committed = False
        try:
            while True:
                ready, _, _ = select.select([client, server], [], [], 1.0)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    if sock is client:
                        server.sendall(data)
                        if self.commit_trap and b"COMMIT" in data.upper():
                            committed = True
                    elif committed:  # the server answered the COMMIT: it landed
                        self.commit_trap = False
                        self.trapped.set()
                        raise OSError("dropped after commit")
                    else:
                        client.sendall(data)
        except (OSError, ValueError):
            self._close(pair)
            with self._lock:
                if pair in self._pairs:
                    self._pairs.remove(pair)


def wait_until(fake: FakeSlack, check, timeout: float = 30.0):
    """Wait for the fake Slack to show what ``check()`` looks for (its truthy result)."""
    import time  # here: only this helper needs the clock

    deadline = time.monotonic() + timeout
    seen = fake.revision
    while True:
        found = check()
        if found:
            return found
        left = deadline - time.monotonic()
        assert left > 0, "the fake Slack never showed what the test waited for"
        seen = fake.wait_for_change(seen, min(left, 1.0))
