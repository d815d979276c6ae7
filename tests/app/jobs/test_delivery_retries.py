"""Retrying a scheduled post: exponential backoff between attempts, transient errors retried
until the retry window is over, the subscriber told when the digest is given up (and an
error logged if even that fails), crashed ``/digest now`` runs closed by the sweep — driven
by the clock through the fake Slack and checked in the claims table."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.scheduling import RECOVER_EVERY
from bot.usecases.delivery import LEASE, RETRY_WINDOW, Outcome, backoff
from handlers.jobs import DIGEST_NOW_WINDOW, DigestSpec
from slackkit import all_text
from storage import claims as claim_store
from tests.app.jobs.test_digest import NOW, claims, dms, posted
from tests.app.jobs.test_scheduling import SLOT, uploads

MINUTE = timedelta(minutes=1)


def slack_down(fake) -> None:
    """chat.postMessage answers 503 until ``slack_back`` (the client's own retries too)."""
    fake.fail_next("chat.postMessage", status=503, times=1_000_000)


def slack_back(fake) -> None:
    with fake._cond:  # the fake has no public "stop failing": drop the armed failure
        fake._failures.pop("chat.postMessage", None)


def test_backoff_doubles_from_two_minutes_up_to_an_hour():
    assert [backoff(n) // MINUTE for n in range(1, 9)] == [2, 4, 8, 16, 32, 60, 60, 60]


def test_an_eight_minute_5xx_outage_is_retried_with_backoff_and_posts_once(jobs, fake, running):
    clock = running.services
    back_at = NOW + 8 * MINUTE
    slack_down(fake)
    assert jobs.digest("T1", "C1", SLOT) == Outcome.RETRYING
    [claim] = claims(running)
    assert (claim.state, claim.attempt, claim.retry_at) == ("claimed", 1, NOW + 2 * MINUTE)
    started = {1: 0}  # attempt → minute it began
    # The sweep runs every RECOVER_EVERY (2 minutes), as the scheduler does; Slack is back
    # after 8 minutes. Attempts start at 0, 2, 6 and 14 minutes (2, 4, 8 minutes apart).
    for tick in range(1, 16):
        at = NOW + tick * RECOVER_EVERY
        clock.now = lambda at=at: at
        if at >= back_at:
            slack_back(fake)
        jobs.retries()
        [claim] = claims(running)
        started.setdefault(claim.attempt, (at - NOW) // MINUTE)
    assert started == {1: 0, 2: 2, 3: 6, 4: 14}
    assert (claim.state, claim.attempt, claim.retry_at) == ("posted", 4, None)
    assert claim.posted_at == NOW + 14 * MINUTE
    failed = [c for c in fake.calls_to("chat.postMessage") if c.failed]
    assert len(failed) == 3 * 3  # three attempts, each with the client's two retries
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    assert not [m for m in fake.messages("DU1") if m["method"] == "chat.postMessage"]


@pytest.mark.parametrize("dm_works", [True, False], ids=["subscriber-told", "dm-fails-too"])
def test_an_outage_longer_than_the_retry_window_gives_up_once_and_says_so(
    jobs, fake, running, caplog, dm_works
):
    # Slack answers {"ok": false, "error": "service_unavailable"} for over six hours: an
    # error retrying may fix, so it is retried until the window is over, never posted twice.
    fake.set_error("chat.postMessage", "service_unavailable")
    clock = running.services
    assert jobs.digest("T1", "C1", SLOT) == Outcome.RETRYING
    starts = [0]
    while True:
        [claim] = claims(running)
        if claim.state != "claimed":
            break
        assert claim.retry_at is not None and claim.retry_at <= SLOT + RETRY_WINDOW
        early = claim.retry_at - MINUTE  # the sweep before the retry is due does nothing
        clock.now = lambda at=early: at
        jobs.retries()
        assert claims(running)[0].attempt == claim.attempt
        clock.now = lambda at=claim.retry_at: at
        if dm_works and claim.retry_at == SLOT + RETRY_WINDOW:  # the last attempt
            fake.clear_error("chat.postMessage")
            fake.fail_next("chat.postMessage", status=503, times=3)  # the channel post only
        jobs.retries()
        starts.append((claim.retry_at - NOW) // MINUTE)
    # 2, 4, 8, 16, 32 minutes apart, then hourly; the last one at the end of the window.
    assert starts == [0, 2, 6, 14, 30, 62, 122, 182, 242, 302, 360]
    assert (claim.state, claim.attempt) == ("failed", 11)
    assert not posted(fake, "C1")
    if dm_works:
        [note] = dms(fake, "U1")
        assert "couldn't post the pipeline digest in <#C1>" in all_text(note["params"])
    else:
        assert "telling U1 failed too" in caplog.text
        assert "T1/C1" in caplog.text and SLOT.isoformat() in caplog.text
    assert "giving up (retry window of 6:00:00 over)" in caplog.text
    clock.now = lambda: SLOT + RETRY_WINDOW + 10 * MINUTE
    jobs.retries()  # given up: never retried again
    assert claims(running)[0].attempt == 11 and not posted(fake, "C1")


def expires_and_tells(jobs, running, fake, caplog, post: str, user: str) -> None:
    """The sweep finds the claim past its window: expired, never posted, logged as ``post``
    never posted, and ``user`` told in a DM."""
    jobs.retries()
    [claim] = claims(running)
    assert claim.state == "expired" and not posted(fake, "C1")
    assert post + " was never posted" in caplog.text
    [note] = dms(fake, user)
    assert "couldn't post the pipeline digest in <#C1>" in all_text(note["params"])


def test_a_crashed_run_past_the_retry_window_expires_and_the_subscriber_is_told(
    jobs, fake, running, caplog
):
    with running.services.db.transaction() as s:  # claimed, then every process went down
        claim_store.insert_claim(
            session=s, team_id="T1", kind="digest", target="C1", slot=SLOT, by="dead", now=NOW
        )
    running.services.now = lambda: NOW + RETRY_WINDOW + 5 * MINUTE
    expires_and_tells(jobs, running, fake, caplog, f"digest for T1/C1 at {SLOT.isoformat()}", "U1")
    jobs.retries()  # closed once: not told twice
    assert len(dms(fake, "U1")) == 1


def crashed_digest_now(running) -> None:
    """/digest now claimed, then its run died (before posting)."""
    spec = DigestSpec("T1", "C1", (), "Asia/Jakarta", "en", NOW - timedelta(days=1), NOW)
    with running.services.db.transaction() as s:
        claim_store.insert_claim(
            session=s,
            team_id="T1",
            kind="digest_now",
            target="C1",
            slot=NOW,
            by="dead",
            now=NOW,
            payload=spec.to_payload(user="U2"),
        )


def test_a_crashed_digest_now_is_finished_by_the_sweep(jobs, fake, running):
    crashed_digest_now(running)
    running.services.now = lambda: NOW + 2 * MINUTE  # its lease still runs: left alone
    jobs.retries()
    assert claims(running)[0].state == "claimed" and not posted(fake, "C1")
    running.services.now = lambda: NOW + LEASE + timedelta(seconds=30)
    jobs.retries()
    [claim] = claims(running)
    assert claim.state == "posted" and len(posted(fake, "C1")) == 1
    assert "Pipeline digest" in all_text(posted(fake, "C1")[0]["params"])
    jobs.retries()
    assert len(posted(fake, "C1")) == 1


def test_a_digest_now_not_posted_within_its_window_tells_who_asked(jobs, fake, running, caplog):
    crashed_digest_now(running)
    running.services.now = lambda: NOW + DIGEST_NOW_WINDOW + MINUTE
    expires_and_tells(
        jobs, running, fake, caplog, f"digest_now for T1/C1 at {NOW.isoformat()}", "U2"
    )
