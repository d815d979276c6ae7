"""Issue 13, item 7: who may change a channel's digest. Managers and whoever subscribed it
may; anyone else is told who can. Every change is announced in the channel. A channel
shared with another organisation (Slack Connect) gets the pipeline only once a manager
confirms it — also the scheduled digest of a channel shared after it was subscribed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import ids
from bot.usecases import subscriptions
from bot.usecases.delivery import Outcome
from handlers.jobs import METADATA_EVENT
from handlers.ui.digest import CHANGED_EVENT
from slackkit import all_text
from tests.app.oauth_support import bearer
from tests.conftest import BOT_TOKEN
from tests.factories import NOW, add_manager


def announcements(fake, channel: str = "C1") -> list[str]:
    return [
        all_text(m["params"])
        for m in fake.messages(channel)
        if m["method"] == "chat.postMessage"
        and (m["params"].get("metadata") or {}).get("event_type") == CHANGED_EVENT
    ]


def active(running, channel: str = "C1"):
    return subscriptions.of_channel(running.services.db, team_id="T1", channel_id=channel)


def test_a_rep_cannot_stop_or_change_a_managers_digest(slack, fake, running):
    add_manager(running.services.db, "U2")
    assert "09:00" in all_text(slack.command(ids.CMD_DIGEST, "here 09:00", user_id="U2").json)
    stop = all_text(slack.command(ids.CMD_DIGEST, "off", user_id="U1").json)
    assert "Only a manager or <@U2>" in stop and "/digest off" in stop
    change = all_text(slack.command(ids.CMD_DIGEST, "here 07:00", user_id="U1").json)
    assert "Only a manager or <@U2>" in change
    sub = active(running)
    assert sub is not None and sub.at == "09:00" and sub.created_by == "U2"


def test_the_subscriber_and_managers_may_change_it_and_each_change_is_announced(
    slack, fake, running
):
    slack.command(ids.CMD_DIGEST, "here 09:00", user_id="U1")  # a rep subscribes
    slack.command(ids.CMD_DIGEST, "here 08:00", user_id="U1")  # … and changes it
    slack.command(ids.CMD_DIGEST, "off", user_id="UADMIN")  # a workspace admin stops it
    said = fake.wait_for("chat.postMessage", count=3) and announcements(fake)
    assert len(said) == 3
    assert "<@U1> set up a daily pipeline digest" in said[0] and "09:00" in said[0]
    assert "<@U1> changed" in said[1] and "08:00" in said[1]
    assert "<@UADMIN> stopped" in said[2]
    assert active(running) is None


def test_a_shared_channel_needs_a_managers_confirmation(slack, fake, running):
    fake.share_channel("C1")
    rep = all_text(slack.command(ids.CMD_DIGEST, "here 09:00", user_id="U1").json)
    assert "shared with another organisation" in rep and "only a manager" in rep
    now = all_text(slack.command(ids.CMD_DIGEST, "now", user_id="U1").json)
    assert "only a manager" in now
    asked = slack.command(ids.CMD_DIGEST, "here 09:00", user_id="UADMIN")
    assert "Post it here anyway?" in all_text(asked.json) and active(running) is None
    assert not [m for m in fake.messages("C1") if m["method"] == "chat.postMessage"]
    slack.block_action(
        ids.ACTION_CONFIRM_SHARED_DIGEST, message=asked.json, user_id="UADMIN", channel_id="C1"
    )
    [done] = fake.wait_for("response_url", timeout=20)
    assert "09:00" in all_text(done.params)
    sub = active(running)
    assert sub is not None and sub.shared_ok


def test_a_confirmation_pressed_by_a_rep_does_nothing(slack, fake, running):
    fake.share_channel("C1")
    asked = slack.command(ids.CMD_DIGEST, "here 09:00", user_id="UADMIN")
    slack.block_action(
        ids.ACTION_CONFIRM_SHARED_DIGEST, message=asked.json, user_id="U1", channel_id="C1"
    )
    [told] = fake.wait_for("response_url", timeout=20)
    assert "only a manager" in all_text(told.params)
    assert active(running) is None


# --- the scheduled digest and Slack Connect (handlers.jobs: Jobs._shared_check) ------------


def digests_in(fake, channel: str = "C1") -> list[dict]:
    return [
        m
        for m in fake.messages(channel)
        if (m["params"].get("metadata") or {}).get("event_type") == METADATA_EVENT
    ]


@pytest.fixture
def clock(running):
    running.services.now = lambda: NOW
    return running


def test_a_channel_shared_after_it_was_subscribed_gets_no_scheduled_digest(slack, fake, clock):
    slack.command(ids.CMD_DIGEST, "here 09:00", user_id="U1")  # a channel of our own…
    fake.share_channel("C1")  # … shared with another organisation since
    fake.clear()
    assert clock.services.jobs.digest("T1", "C1", NOW) is Outcome.GAVE_UP
    assert digests_in(fake) == [] and fake.calls_to("files.completeUploadExternal") == []
    [asked] = fake.calls_to("conversations.info")
    assert asked.params["channel"] == "C1" and bearer(asked) == BOT_TOKEN
    [told] = fake.messages("DU1")  # the subscriber learns why, and what to do
    assert "shared with another organisation" in all_text(told["params"])
    assert "/digest here" in all_text(told["params"])


def test_a_confirmed_shared_channel_gets_its_digest_without_asking_slack(slack, fake, clock):
    fake.share_channel("C1")
    asked = slack.command(ids.CMD_DIGEST, "here 09:00", user_id="UADMIN")
    slack.block_action(
        ids.ACTION_CONFIRM_SHARED_DIGEST, message=asked.json, user_id="UADMIN", channel_id="C1"
    )
    fake.wait_for("response_url", timeout=20)
    assert active(clock).shared_ok
    fake.clear()
    assert clock.services.jobs.digest("T1", "C1", NOW) is Outcome.POSTED
    assert len(digests_in(fake)) == 1 and fake.calls_to("conversations.info") == []


def test_a_rate_limited_look_at_the_channel_reschedules_the_digest(slack, fake, clock):
    slack.command(ids.CMD_DIGEST, "here 09:00", user_id="U1")
    fake.clear()
    fake.fail_next("conversations.info", status=429, retry_after=5)
    jobs = clock.services.jobs
    assert jobs.digest("T1", "C1", NOW) is Outcome.RESCHEDULED
    assert digests_in(fake) == []
    clock.services.now = lambda: NOW + timedelta(seconds=6)
    assert jobs.digest("T1", "C1", NOW) is Outcome.POSTED
    assert len(digests_in(fake)) == 1 and fake.messages("DU1") == []
