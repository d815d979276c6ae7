"""The playground's database (issue 10): a later start reuses it (the same deals, and what was
added since), ``--reset`` starts again from the sample pipeline, ``--empty`` from an empty
workspace; and what the sample pipeline holds — stage history, SPIN and BATNA versions, a
stale deal, a snoozed one, won and lost deals, two currencies, the managers' digest and
Dewi's language. The app is started the way ``python -m bot playground`` starts it (no
browser)."""

from __future__ import annotations

import threading
import time
from argparse import Namespace
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot import playground as entry
from bot import sample
from bot.services import Services
from slackkit import all_text
from storage.db import Database
from storage.models import Deal, StageMove, UserSetting
from storage.models_checklist import ChecklistVersion
from storage.models_digest import DigestSubscription

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta


@contextmanager
def playground(path: Path, *, reset: bool = False, empty: bool = False) -> Iterator[tuple]:
    """``python -m bot playground [--reset] [--empty] --database path``, stopped afterwards."""
    args = Namespace(reset=reset, empty=empty, database=str(path))
    pg, server, services = entry.start(args, port=0)
    try:
        yield pg, services
    finally:
        entry.stop(pg, server, services)


def deals_of(services: Services) -> dict[str, int]:
    with services.db.read() as s:
        return {d.name: d.id for d in s.exec(select(Deal)).all()}


# --- the database across starts ---------------------------------------------------------


def test_a_later_start_reuses_the_database_with_the_same_deals(tmp_path):
    path = tmp_path / "pg.db"
    with playground(path) as (pg, services):
        first = deals_of(services)
        assert len(first) == len(sample.COMPANIES)
        added = pg.client.command("/prospect", "Warung Baru 50jt", user_id="U1")
        assert "Warung Baru" in all_text(added.json)
    with playground(path) as (pg, services):
        again = deals_of(services)
        assert again == {**first, "Warung Baru": again["Warung Baru"]}  # not seeded twice
        card = all_text(pg.client.command("/pipeline", "Warung Baru", user_id="U1").json)
        assert "Rp50.000.000" in card


def history(services: Services) -> dict[str, tuple[str, int]]:
    """Each deal's status and number of moves."""
    with services.db.read() as s:
        moves = Counter(m.deal_id for m in s.exec(select(StageMove)).all())
        return {d.name: (d.status, moves[d.id]) for d in s.exec(select(Deal)).all()}


def test_reset_starts_again_from_the_sample_pipeline(tmp_path):
    path = tmp_path / "pg.db"
    with playground(path) as (pg, services):
        seeded = history(services)
        name = next(n for n, (status, _) in sorted(seeded.items()) if status == "open")
        pg.client.command("/prospect", "Warung Baru 50jt", user_id="U1")
        won = pg.client.command("/advance", f"{name} won", user_id="UADMIN")
        assert f"*{name}* is won" in all_text(won.json)
        assert history(services)[name][0] == "won"
    with playground(path, reset=True) as (pg, services):
        assert history(services) == seeded  # the same sample; the win and the new deal gone
    with playground(path) as (pg, services):  # and a start without --reset keeps it
        assert history(services) == seeded


def test_stop_waits_for_a_job_in_flight(tmp_path):
    """A reminder due at start-up (09:00 in Jakarta passed less than the grace window ago) runs
    as the playground starts; stopped under it, it wrote to the database after it was disposed
    (CI once saw an empty pipeline after a reset: most likely that job's last connection closing
    removed the WAL of the database ``--reset`` had just seeded)."""
    ended = threading.Event()

    def job() -> None:
        time.sleep(0.5)
        ended.set()

    pg, server, services = entry.start(
        Namespace(reset=False, empty=True, database=str(tmp_path / "pg.db")), port=0
    )
    services.scheduler.later(datetime.now(UTC), job, args=(), key="in-flight")
    deadline = time.monotonic() + 5
    while services.scheduler._aps.get_job("in-flight") and time.monotonic() < deadline:
        time.sleep(0.01)  # started: a date job leaves the job store when it runs
    entry.stop(pg, server, services)
    assert ended.is_set()


def test_empty_starts_from_an_empty_workspace_even_over_a_sample(tmp_path):
    path = tmp_path / "pg.db"
    with playground(path) as (_, services):
        assert deals_of(services)
    with playground(path, empty=True) as (pg, services):
        assert deals_of(services) == {}
        with services.db.read() as s:
            assert not s.exec(select(DigestSubscription)).all()
        shown = all_text(pg.client.command("/pipeline", "", user_id="U1").json)
        assert "no open deals" in shown.lower() or "add your first" in shown.lower(), shown
    with playground(path) as (_, services):  # a later start keeps it empty: nothing seeded
        assert deals_of(services) == {}


# --- what the sample holds --------------------------------------------------------------


@pytest.fixture
def seeded(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    assert sample.seed(db, now=NOW) == len(sample.COMPANIES)
    yield db
    db.dispose()


def test_the_sample_has_history_won_and_lost_deals_and_two_currencies(seeded):
    with seeded.read() as s:
        deals = s.exec(select(Deal)).all()
        moves = s.exec(select(StageMove)).all()
    assert Counter(d.currency for d in deals).keys() == {"IDR", "USD"}
    assert {d.name for d in deals if d.currency == "USD"} == sample.USD_NAMES
    statuses = Counter(d.status for d in deals)
    assert statuses["won"] >= 3 and statuses["lost"] >= 2 and statuses["open"] >= 20
    per_deal = Counter(m.deal_id for m in moves)
    assert max(per_deal.values()) >= 5  # a deal walked the whole path to Won
    assert all(d.lost_reason for d in deals if d.status == "lost")
    created = [d.created_at for d in deals]
    assert max(created) - min(created) > timedelta(days=60)  # about three months of use
    assert len({d.owner_id for d in deals}) == 4  # three reps and the manager


def test_the_sample_has_spin_and_batna_versions(seeded):
    with seeded.read() as s:
        versions = s.exec(select(ChecklistVersion)).all()
    spins = Counter(v.deal_id for v in versions if v.kind == "spin")
    batnas = Counter(v.deal_id for v in versions if v.kind == "batna")
    assert spins and batnas
    assert max(spins.values()) == 2  # a SPIN saved twice: its history has two versions
    assert {v.version for v in versions if v.kind == "spin"} == {1, 2}
    assert set(batnas) <= set(spins)  # BATNA on deals further along, which have SPIN


def test_the_sample_has_a_stale_and_a_snoozed_deal_and_the_managers_digest(seeded):
    with seeded.read() as s:
        deals = s.exec(select(Deal).where(Deal.status == "open")).all()
        [sub] = s.exec(select(DigestSubscription)).all()
        [dewi] = s.exec(select(UserSetting)).all()
    stale = [d for d in deals if d.last_activity_at < NOW - timedelta(days=21)]
    snoozed = [d for d in deals if d.snoozed_until is not None]
    assert len(stale) >= 1 and len(snoozed) == 1
    assert snoozed[0].snooze_reason == "Budget decision in January"
    assert snoozed[0].snoozed_until > NOW.date()
    assert (sub.channel_id, sub.at, sub.weekdays, sub.active) == (
        "C2",
        "09:00",
        "mon,tue,wed,thu,fri",
        True,
    )
    assert (dewi.user_id, dewi.language) == (sample.INDONESIAN, "id")
