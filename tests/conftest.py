"""Shared fixtures: a fake Slack on loopback, a fresh migrated database per test, and the
real app served over HTTP (waitress) with a client that signs requests like Slack."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_bolt import App

from bot.app import create_app
from bot.server import HttpServer
from bot.services import Services
from bot.settings import Settings
from slackkit import FakeSlack, SlackClient
from storage.db import Database
from storage.migrate import upgrade

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"
PG_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_ADMIN = PG_URL.replace("+psycopg", "")  # psycopg's own URL, for CREATE/DROP DATABASE


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; each test gets a copy (fast, and no test shares a database)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def db_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "salespath.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def pg_problem() -> str | None:
    """Why the PostgreSQL tests can't run (None: they can)."""
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=2):
            return None
    except Exception as exc:
        return f"PostgreSQL at {PG_URL}: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """One migrated PostgreSQL database per test session, which each test's database is copied
    from (``CREATE DATABASE … TEMPLATE``: a file copy, several times faster than migrating
    again, like ``sqlite_template``). Dropped at the end of the session."""
    import psycopg

    problem = pg_problem()
    if problem:
        if os.environ.get("CI"):  # .ci/run sets it: there the PostgreSQL tests must run
            pytest.fail(problem)
        pytest.skip(problem + " (CI=1 makes this a failure)")
    name = "sp_template_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    upgrade(pg_database(name))  # disposes its engine: no session stays on the template
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_database(name: str) -> str:
    """The URL of database ``name`` on the test server."""
    return PG_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test (dropped afterwards)."""
    import psycopg

    name = "sp_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    try:
        yield pg_database(name)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request) -> Database:
    """The same test on a fresh SQLite file and a fresh PostgreSQL database."""
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")
    database = Database(url)
    yield database
    database.dispose()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as fake_slack:
        yield fake_slack


def make_settings(fake: FakeSlack, db_url: str, **kw: object) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.base_url,
        database_url=db_url,
        **kw,
    )


@dataclass
class Running:
    app: App
    services: Services
    server: HttpServer
    url: str
    base: str


@contextmanager
def serve(settings: Settings) -> Iterator[Running]:
    """The real app on ``settings``, served over HTTP on a free loopback port; stopped, and
    its database pool closed, on the way out."""
    services = Services.from_settings(settings)
    app = create_app(settings, services=services)
    server = HttpServer(app, services, host="127.0.0.1", port=0).start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        yield Running(app, services, server, base + "/slack/events", base)
    finally:
        server.stop()
        services.db.dispose()


@pytest.fixture
def running(request: pytest.FixtureRequest, fake: FakeSlack, db_url: str) -> Iterator[Running]:
    """The app served on ``make_settings``, or on the settings builder a test passes it by
    indirect parametrization (``tests.app.oauth_support.oauth_app``: many workspaces, OAuth)."""
    settings_for = getattr(request, "param", make_settings)
    with serve(settings_for(fake, db_url)) as app:
        yield app


@pytest.fixture
def slack(running: Running, fake: FakeSlack) -> SlackClient:
    return SlackClient(running.url, SIGNING_SECRET, fake)
