"""Issue 13, item 7: who may change a channel's digest. Managers and whoever subscribed it
may; anyone else is told who can. Every change is announced in the channel. A channel
shared with another organisation (Slack Connect) gets the pipeline only once a manager
confirms it."""

from __future__ import annotations

from bot import ids
from bot.usecases import subscriptions
from handlers.ui.digest import CHANGED_EVENT
from slackkit import all_text
from tests.factories import add_manager


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
