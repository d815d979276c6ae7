"""Issue 13, item 6: the same signed request again — a replay within Slack's five-minute
window, or Slack's own retry (``X-Slack-Retry-Num``) — is recognised: it changes nothing a
second time and sends nothing a second time."""

from __future__ import annotations

import json

from bot import ids
from handlers.ui.digest import CHANGED_EVENT
from slackkit import all_text
from tests.app.faults import count
from tests.app.support import submit_and_replay
from tests.factories import add_manager, make_deal


def test_a_replayed_nudge_sends_one_dm(slack, fake, running):
    add_manager(running.services.db, "U2")
    deal_id = make_deal(running.services.db, name="Acme", owner_id="U1")
    value = json.dumps({"deal": deal_id, "why": "stale"})
    first = slack.block_action(ids.ACTION_NUDGE, value=value, user_id="U2", action_type="button")
    fake.wait_for("response_url", timeout=20)
    slack.resend(first)  # a replay of the same signed click
    slack.resend(first, retry_num=1, retry_reason="http_timeout")  # Slack's own retry
    fake.wait_for("response_url", count=3, timeout=20)
    dms = [m for m in fake.messages("DU1") if m["method"] == "chat.postMessage"]
    assert len(dms) == 1


def test_a_replayed_digest_here_subscribes_and_announces_once(slack, fake, running):
    first = slack.command(ids.CMD_DIGEST, "here 09:00")
    again = slack.resend(first)
    assert "09:00" in all_text(again.json)
    off = slack.command(ids.CMD_DIGEST, "off")
    slack.resend(off, retry_num=1)
    said = [
        m
        for m in fake.messages("C1")
        if (m["params"].get("metadata") or {}).get("event_type") == CHANGED_EVENT
    ]
    assert len(said) == 2  # set up once, stopped once


def test_replayed_stage_editor_adds_one_stage(slack, fake, running):
    reply = slack.command(ids.CMD_PIPELINE, "stages", user_id="UADMIN")
    slack.block_action(ids.ACTION_EDIT_STAGES, message=reply.json, user_id="UADMIN")
    view = fake.wait_for("views.open")[-1].params["view"]
    before = count(running.services.db, "select count(*) from stage")
    payload = slack.view_submission_payload(view, {"name_new": "Demo"}, user_id="UADMIN")
    first = slack.interactive(payload)
    assert first.status == 200 and first.json is None, first.json
    replay = slack.resend(first)
    assert replay.status == 200 and replay.json is None, replay.json
    assert count(running.services.db, "select count(*) from stage") == before + 1


def test_a_replayed_snooze_answers_once(slack, fake, running):
    deal_id = make_deal(running.services.db, name="Acme", owner_id="U1")
    answers = {ids.BLOCK_SNOOZE_REASON: "Budget in January"}
    first, replay = submit_and_replay(slack, fake, ids.ACTION_SNOOZE, deal_id, answers, retry_num=1)
    assert first.status == 200 and first.json is None
    assert replay.status == 200 and replay.json is None
    fake.wait_for("chat.postMessage", timeout=20)
    snoozed = [m for m in fake.messages() if "Budget in January" in all_text(m["params"])]
    assert len(snoozed) == 1  # answered once; the replay changed and sent nothing


def test_a_replayed_move_moves_once(slack, running):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    first = slack.command(ids.CMD_ADVANCE, "Acme")
    slack.resend(first)
    slack.resend(first, retry_num=2)
    assert count(running.services.db, "select count(*) from stage_move") == 2
