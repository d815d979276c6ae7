"""Scheduling and exactly-once delivery: slots and DST, the scheduler following the
database, catch-up within the grace window, claims shared by two app processes on one
database (SQLite file and PostgreSQL), crashes mid-run, Slack answering 429 and 5xx."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot import ids
from bot.app import create_app
from bot.core.slots import GRACE, catch_up_slot, last_slot, trigger_for, upcoming_slot
from bot.services import Services
from bot.usecases.delivery import LEASE, Outcome
from handlers.jobs import Jobs
from slackkit import all_text
from storage import claims as claim_store
from storage.models_digest import DeliveryClaim
from tests.app.jobs.test_digest import NOW, add_deal, claims, dms, posted
from tests.conftest import BOT_TOKEN, make_settings
from tests.factories import subscribe
from tests.storage.schema import migrated_diff

SLOT = NOW  # Monday 23 Nov 2026, 09:00 in Jakarta


def uploads(fake) -> list:
    return [u for u in fake.uploaded_files() if u[3] is not None]


def wait_until(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# --- slots ------------------------------------------------------------------------------


def test_slots_follow_the_local_time_across_daylight_saving():
    berlin = trigger_for("09:00", "Europe/Berlin")
    before = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # Saturday, CET (UTC+1)
    assert last_slot(berlin, before) == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    assert upcoming_slot(berlin, before) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # CEST
    new_york = trigger_for("09:00", "America/New_York", "mon,tue,wed,thu,fri")
    friday = datetime(2026, 10, 30, 20, 0, tzinfo=UTC)
    assert upcoming_slot(new_york, friday) == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # EST
    assert last_slot(new_york, friday) == datetime(2026, 10, 30, 13, 0, tzinfo=UTC)  # EDT


def test_a_local_time_skipped_by_daylight_saving_fires_once():
    early = trigger_for("02:30", "Europe/Berlin")
    day = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    fires = []
    at = last_slot(early, day)
    while len(fires) < 3:
        at = upcoming_slot(early, at + timedelta(seconds=1))
        fires.append(at)
    assert [f.astimezone(ZoneInfo("Europe/Berlin")).day for f in fires] == [29, 30, 31]


def test_catch_up_only_within_the_grace_window():
    trigger = trigger_for("09:00", "Asia/Jakarta")
    assert catch_up_slot(trigger, SLOT + timedelta(hours=2), GRACE) == SLOT
    assert catch_up_slot(trigger, SLOT + GRACE, GRACE) == SLOT
    assert catch_up_slot(trigger, SLOT + GRACE + timedelta(minutes=1), GRACE) is None


# --- the scheduler follows the database -------------------------------------------------


def test_scheduler_is_rebuilt_from_the_database_and_follows_other_processes(
    slack, running, fake, db_url
):
    slack.command(ids.CMD_DIGEST, "here 08:00 Asia/Jakarta")
    other = Services.from_settings(make_settings(fake, db_url))
    other_app = create_app(other.settings, services=other)
    try:
        scheduler = other.scheduler
        scheduler.sync(catch_up=True)  # what start() does first
        assert scheduler.job_ids() == {"digest:T1:C1"}
        fake.join_channel("C2")
        slack.command(ids.CMD_DIGEST, "here 10:15 Europe/London", channel_id="C2")
        slack.command(ids.CMD_DIGEST, "here 07:45 Asia/Jakarta")  # changed in process 1
        scheduler.sync()
        assert scheduler.job_ids() == {"digest:T1:C1", "digest:T1:C2"}
        after = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
        other.now = lambda: after
        assert scheduler.next_run("T1", "C1") == datetime(2026, 11, 23, 0, 45, tzinfo=UTC)
        slack.command(ids.CMD_DIGEST, "off")
        scheduler.sync()
        assert scheduler.job_ids() == {"digest:T1:C2"}
    finally:
        other.db.dispose()
        del other_app


def test_started_schedulers_in_two_processes_post_a_missed_digest_once(fake, db_url):
    """Real APScheduler, real clock: two app processes start 2 minutes after today's slot
    (within the grace window); each catches up; one post."""
    apps = []
    for _ in range(2):
        services = Services.from_settings(make_settings(fake, db_url))
        apps.append((create_app(services.settings, services=services), services))
    db = apps[0][1].db
    add_deal(db, "Acme Corp", 50_000_000, created=datetime.now(UTC) - timedelta(days=1))
    local = datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(minutes=2)
    yesterday = datetime.now(UTC) - timedelta(days=1)  # subscribed before the missed slot
    subscribe(db, at=local.strftime("%H:%M"), now=yesterday)
    later = (local + timedelta(hours=4)).strftime("%H:%M")
    subscribe(db, "C9", at=later, now=yesterday)  # a slot beyond the grace window
    try:
        for _, services in apps:
            services.scheduler.start()
        wait_until(lambda: len(uploads(fake)) >= 1)
        wait_until(lambda: [c.state for c in claims(apps[0][1])] == ["posted"])
        time.sleep(0.5)  # give a second post every chance to show up
        assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
        for _, services in apps:  # the late one waits for its next time instead
            job = services.scheduler._aps.get_job("digest:T1:C9")
            assert job.next_run_time > datetime.now(UTC)
    finally:
        for _, services in apps:
            services.scheduler.shutdown()
            services.db.dispose()


def test_a_slot_from_before_the_subscription_is_not_caught_up(fake, db_url):
    """Subscribed at 09:30 to a 09:00 digest, restarted at 10:00: today's 09:00 was never
    this channel's, so nothing is posted until tomorrow's."""
    services = Services.from_settings(make_settings(fake, db_url))
    create_app(services.settings, services=services)
    local = datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(minutes=2)
    subscribe(services.db, at=local.strftime("%H:%M"), now=datetime.now(UTC))
    try:
        services.scheduler.start()
        time.sleep(1.5)
        assert posted(fake) == [] and claims(services) == []
        job = services.scheduler._aps.get_job("digest:T1:C1")
        assert job.next_run_time > datetime.now(UTC)
    finally:
        services.scheduler.shutdown()
        services.db.dispose()


# --- exactly once -----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def two_processes(request, fake):
    """Two app processes (their own services, engines, clients) on one database."""
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")
    pair = []
    for _ in range(2):
        services = Services.from_settings(make_settings(fake, url))
        services.now = lambda: NOW
        app = create_app(services.settings, services=services)
        pair.append(Jobs(services, app.client))
    add_deal(pair[0].db, "Acme Corp", 50_000_000)
    subscribe(pair[0].db, now=NOW)
    yield pair
    for jobs in pair:
        jobs.db.dispose()


def test_two_processes_racing_for_a_slot_post_once(two_processes, fake):
    outcomes = []
    start = threading.Barrier(len(two_processes))

    def run(jobs):
        start.wait()
        outcomes.append(jobs.digest("T1", "C1", SLOT))

    threads = [threading.Thread(target=run, args=(j,)) for j in two_processes]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert outcomes.count(Outcome.POSTED) == 1
    assert set(outcomes) - {Outcome.POSTED} <= {Outcome.BUSY, Outcome.ALREADY_POSTED}
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    # Run again later (a retry, a restart): still one.
    for jobs in two_processes:
        assert jobs.digest("T1", "C1", SLOT) == Outcome.ALREADY_POSTED
    assert len(posted(fake)) == 1


def test_slack_429_reschedules_the_post_at_retry_after_and_posts_once(jobs, fake, running):
    fake.fail_next("chat.postMessage", status=429, retry_after=2)
    assert jobs.digest("T1", "C1", SLOT) == Outcome.RESCHEDULED  # no worker thread sleeps
    [claim] = claims(running)
    assert (claim.state, claim.retry_at, claim.post_started_at) == (
        "claimed",
        NOW + timedelta(seconds=2),
        None,  # Slack refused it: nothing to look for
    )
    assert claim.file_id == uploads(fake)[0][0]  # the upload is done and kept
    assert jobs.digest("T1", "C1", SLOT) == Outcome.WAITING  # a scheduled re-run: not yet
    running.services.now = lambda: NOW + timedelta(seconds=2)
    jobs.retries()
    assert [c.failed for c in fake.calls_to("chat.postMessage")] == [True, False]
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    assert claims(running)[0].state == "posted"
    assert not fake.calls_to("conversations.history")


def test_slack_503_is_retried_by_the_client_and_posts_once(jobs, fake):
    # 503: Slack did not take the request, so the client may send it again at once.
    fake.fail_next("chat.postMessage", status=503, times=2)
    assert jobs.digest("T1", "C1", SLOT) == Outcome.POSTED
    assert [c.failed for c in fake.calls_to("chat.postMessage")] == [True, True, False]
    assert len(posted(fake)) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_leave_the_outcome_unknown_and_the_next_attempt_looks_first(
    jobs, fake, running, status
):
    fake.fail_next("chat.postMessage", status=status)
    assert jobs.digest("T1", "C1", SLOT) == Outcome.RETRYING  # never re-sent blindly
    [claim] = claims(running)
    assert claim.state == "claimed" and claim.post_started_at is not None
    assert "OutcomeUnknown" in (claim.last_error or "")
    assert len(fake.calls_to("chat.postMessage")) == 1
    running.services.now = lambda: NOW + timedelta(minutes=2)
    jobs.retries()  # looks in the channel, finds nothing, posts
    [look] = fake.calls_to("conversations.history")
    assert look.params["include_all_metadata"] in (True, "true", "1")
    [claim] = claims(running)
    assert (claim.state, claim.attempt, claim.post_started_at) == ("posted", 2, None)
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1


def test_chart_upload_failing_posts_nothing_until_it_works(jobs, fake, running):
    fake.fail_next("upload", status=500)
    assert jobs.digest("T1", "C1", SLOT) == Outcome.RETRYING
    assert not posted(fake) and not uploads(fake)
    running.services.now = lambda: NOW + timedelta(minutes=2)
    jobs.retries()
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    assert claims(running)[0].state == "posted"


def test_a_crash_after_claiming_is_finished_on_the_next_run(jobs, fake, running):
    with running.services.db.transaction() as s:  # a process claimed the slot, then died
        claim_store.insert_claim(
            session=s, team_id="T1", kind="digest", target="C1", slot=SLOT, by="dead", now=NOW
        )
    assert jobs.digest("T1", "C1", SLOT) == Outcome.BUSY  # its lease still runs
    jobs.retries()
    assert not posted(fake)
    running.services.now = lambda: NOW + LEASE + timedelta(seconds=30)
    jobs.retries()
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    [claim] = claims(running)
    assert (claim.state, claim.attempt) == ("posted", 2)


def test_a_crash_after_uploading_the_chart_posts_it_without_uploading_again(jobs, fake, running):
    web = WebClient(token=BOT_TOKEN, base_url=fake.base_url)
    chart = web.files_upload_v2(file=b"\x89PNG chart", filename="pipeline-funnel.png")
    with running.services.db.transaction() as s:
        claim = claim_store.insert_claim(
            session=s, team_id="T1", kind="digest", target="C1", slot=SLOT, by="dead", now=NOW
        )
        claim.file_id = chart["file"]["id"]
    running.services.now = lambda: NOW + LEASE + timedelta(seconds=30)
    jobs.retries()
    [message] = posted(fake)
    assert message["params"]["blocks"][-1]["slack_file"] == {"id": chart["file"]["id"]}
    assert len(fake.calls_to("files.completeUploadExternal")) == 1  # the dead run's only
    assert claims(running)[0].state == "posted"


def test_a_claim_posted_by_an_older_version_in_two_parts_is_left_alone(jobs, fake, running):
    with running.services.db.transaction() as s:  # message posted, chart not yet: done
        claim = claim_store.insert_claim(
            session=s, team_id="T1", kind="digest", target="C1", slot=SLOT, by="old", now=NOW
        )
        claim.message_ts = "1795400000.000100"
    running.services.now = lambda: NOW + LEASE + timedelta(seconds=30)
    jobs.retries()
    assert not posted(fake) and not uploads(fake)
    assert claims(running)[0].state == "posted"


def test_unfinished_claims_past_the_retry_window_expire(jobs, fake, running, caplog):
    with running.services.db.transaction() as s:
        claim_store.insert_claim(
            session=s, team_id="T1", kind="digest", target="C1", slot=SLOT, by="dead", now=NOW
        )
    running.services.now = lambda: NOW + timedelta(hours=7)
    jobs.retries()
    assert not posted(fake)
    assert claims(running)[0].state == "expired"
    assert "was never posted" in caplog.text


def test_one_failing_channel_never_stops_the_others(jobs, fake, running):
    fake.join_channel("C2")
    subscribe(running.services.db, "C2", by="U2", now=NOW)
    fake.bot_channels.discard("C2")  # the bot was removed from C2 since
    fake.join_channel("C3")
    subscribe(running.services.db, "C3", now=NOW)
    outcomes = [jobs.digest("T1", c, SLOT) for c in ("C2", "C1", "C3")]
    assert outcomes == [Outcome.GAVE_UP, Outcome.POSTED, Outcome.POSTED]
    assert len(posted(fake, "C1")) == 1 and len(posted(fake, "C3")) == 1
    [note] = dms(fake, "U2")  # whoever subscribed C2 is told, with what to do
    assert "couldn't post the pipeline digest in <#C2>" in all_text(note["params"])
    assert "/invite" in all_text(note["params"])
    jobs.retries()  # given up: not retried
    assert not posted(fake, "C2")


def test_claims_carry_the_team_and_the_unique_slot(jobs, running):
    jobs.digest("T1", "C1", SLOT)
    with running.services.db.read() as s:
        [claim] = s.exec(select(DeliveryClaim)).all()
    assert (claim.team_id, claim.kind, claim.target, claim.slot) == ("T1", "digest", "C1", SLOT)
    assert claim.posted_at == NOW and claim.message_ts


# --- the migration ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_matches_the_digest_models(request, kind):
    diff = migrated_diff(request, kind)
    mine = {"digest_subscription", "delivery_claim"}
    ours = [d for d in diff if any(t in repr(d) for t in mine)]
    assert not ours, ours
