"""Faults around a post whose outcome is lost: Slack accepts ``chat.postMessage`` but answers
after the client's timeout; ``conversations.history`` is rate-limited while the post is
looked for; the process dies between the post and its record; ``/digest now`` answered late
or replayed. Each channel gets its digest exactly once, and nobody is told it failed when it
posted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient

from bot import ids
from bot.usecases.delivery import LEASE, Outcome, Recorder
from handlers.jobs import Jobs
from slackkit import all_text
from tests.app.jobs.test_digest import NOW, add_deal, claims, posted, wait_digest
from tests.app.jobs.test_scheduling import SLOT, uploads, wait_until
from tests.conftest import BOT_TOKEN
from tests.factories import subscribe

MINUTE = timedelta(minutes=1)


@pytest.fixture
def jobs(running, fake) -> Jobs:
    """C1 subscribed to 09:00 Jakarta; a client that gives up after 1 second."""
    running.services.now = lambda: NOW
    add_deal(running.services.db, "Acme Corp", 50_000_000)
    subscribe(running.services.db, now=NOW)
    return Jobs(running.services, WebClient(token=BOT_TOKEN, base_url=fake.base_url, timeout=1))


def test_a_post_accepted_but_answered_late_is_found_and_not_posted_again(jobs, fake, running):
    fake.answer_late("chat.postMessage", 3)
    assert jobs.digest("T1", "C1", SLOT) == Outcome.RETRYING  # the client timed out
    assert len(posted(fake)) == 1  # … but Slack has it
    [claim] = claims(running)
    assert claim.state == "claimed" and claim.message_ts is None
    assert claim.post_started_at is not None and "OutcomeUnknown" in claim.last_error
    running.services.now = lambda: NOW + 2 * MINUTE
    jobs.retries()
    [claim] = claims(running)
    assert (claim.state, claim.message_ts) == ("posted", posted(fake)[0]["ts"])
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    [look] = fake.calls_to("conversations.history")
    assert int(look.params["limit"]) <= 15


def test_the_lookup_waits_out_a_rate_limited_history_by_rescheduling(jobs, fake, running):
    fake.rate_limit("conversations.history", 2, per="team")  # Slack: ~1 a minute
    fake.history_limit = 15
    web = WebClient(token=BOT_TOKEN, base_url=fake.base_url)
    web.conversations_history(channel="C1")  # someone spent this window's call
    fake.fail_next("chat.postMessage", status=500)  # outcome unknown: not posted, in fact
    assert jobs.digest("T1", "C1", SLOT) == Outcome.RETRYING
    running.services.now = lambda: NOW + 2 * MINUTE
    jobs.retries()
    [claim] = claims(running)
    # Retry-After: the whole seconds left of the 2-second window (1 when the job took over 1 s)
    assert claim.retry_at - (NOW + 2 * MINUTE) in (timedelta(seconds=1), timedelta(seconds=2))
    assert claim.post_started_at is not None and not posted(fake)  # still unknown: no post

    def retried() -> bool:  # the clock follows each Retry-After; the fake's limit is real time
        due = claims(running)[0].retry_at
        running.services.now = lambda: due
        jobs.retries()
        return claims(running)[0].state == "posted"

    wait_until(retried)
    assert len(posted(fake)) == 1
    assert [c.failed for c in fake.calls_to("conversations.history")][-1] is False


def test_a_process_dying_between_the_post_and_its_record_posts_once(jobs, fake, running):
    class Killed(BaseException):
        """``kill -9`` right after Slack accepted: nothing after this line runs."""

    def die(self, ts):
        raise Killed

    real = Recorder.message_posted
    Recorder.message_posted = die
    try:
        with pytest.raises(Killed):
            jobs.digest("T1", "C1", SLOT)
    finally:
        Recorder.message_posted = real
    [claim] = claims(running)
    assert claim.state == "claimed" and claim.post_started_at and not claim.message_ts
    assert len(posted(fake)) == 1
    after = Jobs(running.services, running.app.client)  # another process, after the lease
    running.services.now = lambda: NOW + LEASE + MINUTE
    after.retries()
    [claim] = claims(running)
    assert (claim.state, claim.message_ts) == ("posted", posted(fake)[0]["ts"])
    assert len(posted(fake)) == 1


def test_a_slack_file_still_processing_is_waited_for_not_failed(jobs, fake, running):
    fake.file_processing = 60.0  # seconds: Slack processes uploads asynchronously
    assert jobs.digest("T1", "C1", SLOT) == Outcome.RESCHEDULED
    [claim] = claims(running)
    assert claim.retry_at == NOW + timedelta(seconds=3) and claim.post_started_at is None
    fake.file_processing = 0.0
    running.services.now = lambda: NOW + timedelta(seconds=3)
    jobs.retries()
    assert len(posted(fake)) == 1 and len(uploads(fake)) == 1
    assert claims(running)[0].state == "posted"


# --- /digest now ------------------------------------------------------------------------


def spy_digest_now(running) -> list[Outcome]:
    """Record each /digest now run's outcome (the work after the ack is in a thread)."""
    jobs, outcomes = running.services.jobs, []
    real = jobs.digest_now

    def run(**kw):
        outcome, error = real(**kw)
        outcomes.append(outcome)
        return outcome, error

    jobs.digest_now = run
    return outcomes


@pytest.fixture
def clock(running):
    running.services.now = lambda: NOW
    add_deal(running.services.db, "Acme Corp", 50_000_000)
    return running


def test_a_replayed_digest_now_posts_once_and_says_nothing_more(slack, clock, fake):
    outcomes = spy_digest_now(clock)
    first = slack.command(ids.CMD_DIGEST, "now")
    wait_digest(fake)
    wait_until(lambda: len(outcomes) == 1)
    clock.services.now = lambda: NOW + 3 * MINUTE  # a later minute: a new slot, were it new
    again = slack.resend(first, retry_num=1, retry_reason="http_timeout")
    assert again.status == 200
    slack.raw(first.body, {**first.request_headers, **slack.sign(first.body)})  # same request
    wait_until(lambda: len(outcomes) == 3)
    assert outcomes == [Outcome.POSTED, Outcome.ALREADY_POSTED, Outcome.ALREADY_POSTED]
    assert len(posted(fake)) == 1
    assert not fake.responses()  # no "failed", no "a moment ago"
    assert [c.kind for c in claims(clock)] == ["digest_now"]


def test_digest_now_answered_late_by_slack_never_says_it_failed(slack, clock, fake):
    outcomes = spy_digest_now(clock)
    clock.services.jobs.client.timeout = 1
    fake.answer_late("chat.postMessage", 3)
    slack.command(ids.CMD_DIGEST, "now")
    wait_until(lambda: outcomes == [Outcome.RETRYING])
    [note] = fake.wait_for("response_url")
    said = all_text(note.params)
    assert "hasn't confirmed" in said and "no need to run `/digest now` again" in said
    assert "couldn't" not in said
    assert len(posted(fake)) == 1  # it is there
    clock.services.now = lambda: NOW + 2 * MINUTE
    clock.services.jobs.retries()  # finds it: nothing posted again
    assert len(posted(fake)) == 1
    assert [c.state for c in claims(clock)] == ["posted"]
