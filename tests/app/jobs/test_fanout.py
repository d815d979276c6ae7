"""Fan-out: channels due at the same slot with the same digest share one build and one chart
upload (shown in each message through ``slack_file``); Slack's 1 message a second per
channel answers 429 and the post is rescheduled at Retry-After by the running scheduler —
no worker thread sleeps — and every channel gets its digest once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.usecases.delivery import Outcome
from tests.app.jobs.test_digest import NOW, add_deal, claims, posted
from tests.app.jobs.test_scheduling import SLOT, uploads, wait_until
from tests.conftest import BOT_TOKEN
from tests.factories import subscribe

CHANNELS = ("C1", "C2", "C3", "C4", "C5")


def subscribe_all(running, fake, *, now=NOW, at="09:00") -> None:
    db = running.services.db
    add_deal(db, "Acme Corp", 50_000_000, created=now - timedelta(days=3))
    add_deal(db, "Globex", 20_000_000, owner="U2", created=now - timedelta(days=3))
    for channel in CHANNELS:
        fake.join_channel(channel)
        subscribe(db, channel, at=at, now=now - timedelta(days=2))
    # C5 wants only U2's deals: a digest of its own
    subscribe(db, "C5", at=at, owners=["U2"], now=now - timedelta(days=2))


def chart_id(message: dict) -> str:
    return message["params"]["blocks"][-1]["slack_file"]["id"]


def test_channels_with_the_same_digest_share_one_build_and_one_upload(running, fake):
    running.services.now = lambda: NOW
    subscribe_all(running, fake)
    jobs = running.services.jobs
    outcomes = [jobs.digest("T1", c, SLOT) for c in CHANNELS]
    assert outcomes == [Outcome.POSTED] * len(CHANNELS)
    assert jobs.builds.builds == 2  # the whole team's, and U2's
    assert len(uploads(fake)) == 2 and len(fake.calls_to("files.completeUploadExternal")) == 2
    ids = {c: chart_id(m) for c in CHANNELS for m in posted(fake, c)}
    assert len({ids[c] for c in CHANNELS[:4]}) == 1 and ids["C5"] != ids["C1"]
    assert "1 open deal, Rp20.000.000" in posted(fake, "C5")[0]["params"]["text"]
    assert "2 open deals, Rp70.000.000" in posted(fake, "C1")[0]["params"]["text"]
    assert all(len(posted(fake, c)) == 1 for c in CHANNELS)
    for claim in claims(running):
        assert claim.state == "posted" and claim.file_id == ids[claim.target]


def test_a_rate_limited_channel_is_posted_at_retry_after_by_the_scheduler(running, fake):
    """Real APScheduler, real clock: the app starts 2 minutes after the channels' slot and
    catches up on all five at once."""
    local = datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(minutes=2)
    subscribe_all(running, fake, now=datetime.now(UTC), at=local.strftime("%H:%M"))
    # Slack allows about a message a second per channel; a 6-second window here makes sure
    # the digest for C3 comes inside it even when building it takes seconds (a loaded
    # machine), so it is refused with Retry-After and must be posted after.
    fake.rate_limit("chat.postMessage", 6.0)
    web = WebClient(token=BOT_TOKEN, base_url=fake.base_url)
    web.chat_postMessage(channel="C3", text="Standup in 5")  # C3 just had a message
    running.services.scheduler.start()  # catches up on today's slot: every channel due
    try:
        wait_until(
            lambda: [c.state for c in claims(running)] == ["posted"] * len(CHANNELS),
            timeout=120,  # a generous bound for a loaded machine: it returns as soon as done
        )
    finally:
        running.services.scheduler.shutdown()
    digests = {c: [m for m in posted(fake, c) if "metadata" in m["params"]] for c in CHANNELS}
    assert all(len(found) == 1 for found in digests.values())
    c3 = [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == "C3"]
    refused = [c for c in c3 if c.failed]
    assert refused and not c3[-1].failed and "metadata" in c3[-1].params
    assert c3[-1].at - refused[0].at >= 0.9  # posted again after Retry-After, not before
    assert len(uploads(fake)) == 2
