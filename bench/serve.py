"""What the bench runs: the real app, and a bare Bolt app, each on the app's own HTTP
server (``bot.server.HttpServer``: waitress, 8 threads, the same request guard) against the
fake Slack on loopback; and scratch databases (SQLite in a temp dir, or a new database on a
PostgreSQL server, dropped afterwards — never the tests' ``test``)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from slack_bolt import App

from bot import ids
from bot.app import create_app, make_client
from bot.server import HttpServer
from bot.services import Services
from bot.settings import Settings
from slackkit import FakeSlack
from storage.migrate import upgrade

SECRET = "bench-secret"
TOKEN = "xoxb-bench"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
#: the commands of the load mix (quick add, /advance <exact name>, /pipeline)
COMMANDS = (ids.CMD_PROSPECT, ids.CMD_ADVANCE, ids.CMD_PIPELINE)


def settings_for(fake: FakeSlack, url: str) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=fake.base_url,
        database_url=url,
    )


@dataclass
class Served:
    """One app behind one server: ``events`` is the URL Slack posts to."""

    app: App
    services: Services
    server: HttpServer

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def events(self) -> str:
        return self.base + "/slack/events"


@contextlib.contextmanager
def serve_app(fake: FakeSlack, url: str) -> Iterator[Served]:
    """The real app (every listener, the middleware, the scheduler built but not started)."""
    settings = settings_for(fake, url)
    services = Services.from_settings(settings)
    with _served(create_app(settings, services=services), services) as served:
        yield served


@contextlib.contextmanager
def _served(app: App, services: Services) -> Iterator[Served]:
    server = HttpServer(app, services, host="127.0.0.1", port=0).start()
    try:
        yield Served(app, services, server)
    finally:
        server.stop()
        services.db.dispose()


def bare_app(settings: Settings) -> App:
    """A Bolt app whose listeners only ack the load mix's commands: what Bolt, the guard
    and the server cost on their own."""
    app = App(
        client=make_client(settings),
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        raise_error_for_unhandled_request=False,
    )

    def only_ack(ack) -> None:
        ack()

    for command in COMMANDS:
        app.command(command)(only_ack)
    return app


@contextlib.contextmanager
def serve_bare(fake: FakeSlack, url: str) -> Iterator[Served]:
    """The bare app on the same server settings (its /healthz asks the same database)."""
    settings = settings_for(fake, url)
    with _served(bare_app(settings), Services.from_settings(settings)) as served:
        yield served


@contextlib.contextmanager
def fresh_database(pg: str | None, tag: str = "") -> Iterator[str]:
    """A migrated, empty database: SQLite in a temp dir, or ``bench_<pid>_<tag>_<random>``
    on the PostgreSQL server ``pg`` (dropped afterwards, even after a failure)."""
    if pg is None:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            upgrade(url)
            yield url
        return
    import psycopg

    name = f"bench_{os.getpid()}_{tag}_{uuid.uuid4().hex[:6]}".lower()
    admin = pg.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
