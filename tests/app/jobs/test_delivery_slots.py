"""Which slot a digest job posts for: a local time repeated when daylight saving ends is one
slot (the first occurrence), and a digest missed by more than the grace window is logged,
never dropped silently."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.slots import GRACE, catch_up_slot, last_slot, slots, trigger_for
from bot.scheduling import Scheduler
from storage import claims as claim_store
from tests.app.jobs.test_digest import NOW, add_deal, claims, posted
from tests.app.jobs.test_scheduling import SLOT, uploads
from tests.factories import subscribe

# Sunday 1 Nov 2026: New York goes back from EDT (UTC-4) to EST (UTC-5) at 02:00, so 01:30
# happens twice — at 05:30 and at 06:30 UTC.
FIRST = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
SECOND = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
NEXT_DAY = datetime(2026, 11, 2, 6, 30, tzinfo=UTC)


def test_apscheduler_fires_twice_at_a_repeated_local_time_but_it_is_one_slot():
    trigger = trigger_for("01:30", "America/New_York")
    fired, fire = [], trigger.get_next_fire_time(None, FIRST - timedelta(hours=1))
    while fire <= NEXT_DAY:  # the way APScheduler steps from one run to the next
        fired.append(fire.astimezone(UTC))
        fire = trigger.get_next_fire_time(fire, fire)
    assert fired == [FIRST, SECOND, NEXT_DAY]
    assert list(slots(trigger, FIRST - timedelta(hours=1), NEXT_DAY)) == [FIRST, NEXT_DAY]
    assert last_slot(trigger, SECOND + timedelta(minutes=30)) == FIRST
    assert last_slot(trigger, NEXT_DAY + timedelta(days=3)) == NEXT_DAY + timedelta(days=3)
    # A local time skipped when clocks go forward still fires once (Berlin, 29 Mar 2026).
    early = trigger_for("02:30", "Europe/Berlin")
    spring = list(
        slots(early, datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    )
    assert spring == [
        datetime(2026, 3, 28, 1, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 03:30 CEST
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC),
    ]


@pytest.fixture
def new_york(running):
    """C1 subscribed to a daily 01:30 New York digest, a week before the clocks go back."""
    db = running.services.db
    add_deal(db, "Acme Corp", 50_000_000, created=FIRST - timedelta(days=3))
    subscribe(db, at="01:30", tz="America/New_York", now=FIRST - timedelta(days=7))
    running.services.scheduler.sync()
    return running


def fire_at(running, at: datetime) -> None:
    """What APScheduler does at ``at``: run the channel's job."""
    running.services.now = lambda: at
    running.services.scheduler._fire("T1", "C1")


def test_the_second_occurrence_of_a_repeated_local_time_posts_nothing(new_york, fake):
    fire_at(new_york, FIRST)
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    fire_at(new_york, SECOND)  # 01:30 again, an hour later
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    assert [(c.slot, c.state) for c in claims(new_york)] == [(FIRST, "posted")]
    new_york.services.now = lambda: FIRST + timedelta(minutes=10)
    assert new_york.services.scheduler.next_run("T1", "C1") == NEXT_DAY
    fire_at(new_york, NEXT_DAY)  # the next day's 01:30 EST is a digest of its own
    assert len(posted(fake)) == 2
    assert [c.slot for c in claims(new_york)] == [FIRST, NEXT_DAY]


def test_down_during_the_first_occurrence_catches_up_once(new_york, fake):
    trigger = trigger_for("01:30", "America/New_York")
    back = SECOND + timedelta(minutes=10)  # the app starts after both 01:30s
    assert catch_up_slot(trigger, back, GRACE) == FIRST
    fire_at(new_york, back)  # the catch-up run
    fire_at(new_york, back + timedelta(minutes=1))  # and any further run that day
    assert len(posted(fake)) == 1
    assert [(c.slot, c.state) for c in claims(new_york)] == [(FIRST, "posted")]


# --- missed beyond the grace window -----------------------------------------------------


def scheduler_at(running, at: datetime, fired: list) -> Scheduler:
    """A fresh process's scheduler (not started), its digests recorded in ``fired``."""
    return Scheduler(
        db=running.services.db,
        now=lambda: at,
        on_digest=lambda team, channel, slot: fired.append((team, channel, slot)),
    )


def missed_lines(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "salespath.scheduler" and r.levelno == logging.WARNING
    ]


def test_a_start_after_the_grace_window_logs_the_missed_digest(running, caplog):
    subscribe(running.services.db, now=NOW - timedelta(days=2))  # 09:00 Jakarta, daily
    late = SLOT + GRACE + timedelta(minutes=1)
    fired: list = []
    scheduler_at(running, late, fired).sync(catch_up=True)
    [line] = missed_lines(caplog)
    assert "T1/C1" in line and SLOT.isoformat() in line and "missed" in line
    assert "next one is at 2026-11-24 02:00:00+00:00" in line
    assert not fired
    # Within the grace window: no warning, the job is set to run once for the slot.
    caplog.clear()
    on_time = scheduler_at(running, SLOT + GRACE, fired)
    on_time.sync(catch_up=True)
    assert not missed_lines(caplog)
    assert on_time._aps.get_job("digest:T1:C1").next_run_time == SLOT


def test_a_posted_slot_or_one_before_the_subscription_is_not_reported(running, caplog):
    db = running.services.db
    subscribe(db, now=NOW - timedelta(days=2))
    with db.transaction() as s:  # today's digest went out
        claim = claim_store.insert_claim(
            session=s, team_id="T1", kind="digest", target="C1", slot=SLOT, by="x", now=SLOT
        )
        claim.state = "posted"
    scheduler_at(running, SLOT + timedelta(hours=6), []).sync(catch_up=True)
    assert not missed_lines(caplog)
    subscribe(db, "C2", now=SLOT + timedelta(hours=1))  # subscribed after its 09:00
    scheduler_at(running, SLOT + timedelta(hours=6), []).sync(catch_up=True)
    assert not missed_lines(caplog)


def test_a_job_run_later_than_the_grace_window_logs_instead_of_posting(running, caplog):
    subscribe(running.services.db, now=NOW - timedelta(days=2))
    fired: list = []
    scheduler = scheduler_at(running, SLOT + GRACE + timedelta(minutes=5), fired)
    scheduler.sync()
    scheduler._fire("T1", "C1")
    assert not fired
    [line] = missed_lines(caplog)
    assert "T1/C1" in line and SLOT.isoformat() in line
