"""The database down at a digest's slot (its own PostgreSQL database refusing connections,
the shared server untouched): the slot is kept and posted once when the database answers
again; past the retry window it is recorded as missed and the subscriber told."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from bot.app import create_app
from bot.services import Services
from bot.usecases.delivery import RETRY_WINDOW
from slackkit import all_text
from tests.app.jobs.test_digest import NOW, add_deal, claims, dms, posted
from tests.app.jobs.test_scheduling import SLOT, uploads
from tests.conftest import PG_URL, make_settings
from tests.factories import subscribe


def database(url: str, *, up: bool) -> None:
    """Let the app's database take connections again, or refuse them and drop the open ones
    (what the app sees when its database server is down)."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(up).lower()}')
        if not up:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


@pytest.fixture
def app_on_pg(pg_url, fake):
    services = Services.from_settings(make_settings(fake, pg_url))
    create_app(services.settings, services=services)
    services.now = lambda: NOW
    add_deal(services.db, "Acme Corp", 50_000_000)
    subscribe(services.db, now=NOW - timedelta(days=2))
    services.scheduler.sync()
    try:
        yield services
    finally:
        database(pg_url, up=True)
        services.db.dispose()


def test_a_slot_the_database_was_down_for_is_posted_once_when_it_answers(
    app_on_pg, pg_url, fake, caplog
):
    scheduler = app_on_pg.scheduler
    database(pg_url, up=False)
    scheduler._fire("T1", "C1")  # 09:00: the job cannot even claim the slot
    assert scheduler.pending() == {("T1", "C1", SLOT)}
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "T1/C1" in line and "the database is not answering" in line
    app_on_pg.now = lambda: NOW + timedelta(minutes=10)
    scheduler.retry_pending()  # still down: kept, nothing posted, not logged again
    assert scheduler.pending() == {("T1", "C1", SLOT)} and not posted(fake)
    assert len([r for r in caplog.records if r.levelname == "ERROR"]) == 1
    database(pg_url, up=True)
    app_on_pg.now = lambda: NOW + timedelta(minutes=40)
    scheduler.retry_pending()
    assert scheduler.pending() == set()
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    [claim] = claims(app_on_pg)
    assert (claim.slot, claim.state) == (SLOT, "posted")
    scheduler.retry_pending()
    scheduler._fire("T1", "C1")  # a later run of the same slot: nothing more
    assert len(posted(fake)) == 1


def test_back_too_late_the_digest_is_recorded_missed_and_the_subscriber_told(
    app_on_pg, pg_url, fake
):
    scheduler = app_on_pg.scheduler
    database(pg_url, up=False)
    scheduler._fire("T1", "C1")
    database(pg_url, up=True)
    app_on_pg.now = lambda: SLOT + RETRY_WINDOW + timedelta(minutes=1)
    scheduler.retry_pending()
    assert scheduler.pending() == set() and not posted(fake, "C1")
    [claim] = claims(app_on_pg)
    assert (claim.state, claim.slot) == ("failed", SLOT)
    assert "database was not answering" in claim.last_error
    [note] = dms(fake, "U1")
    said = all_text(note["params"])
    assert "<#C1>" in said and "was not posted" in said and "database" in said
    scheduler.retry_pending()
    assert len(dms(fake, "U1")) == 1  # told once
