"""/spin and /batna open their modal within Slack's 3-second trigger_id window even when
finding the deal is slow: the command acks at once, opens a loading modal with the trigger_id,
then finds the deal and fills the modal (views.update) with the checklist, a picker for
several or near matches, or the problem (no such deal, someone else's deal) with the
user's own command echoed back."""

from __future__ import annotations

import time

import pytest
from sqlmodel import delete

import bot.usecases.checklists as handler
from bot import ids
from slackkit import all_text
from storage.models import Contact, Deal, StageMove
from tests.app.views.test_checklists import (
    SPIN_ANSWERS,
    filled_modal,
    picker_button,
    valid,
    versions,
)
from tests.factories import add_manager, make_deal

SLOW = 3.2  # longer than a trigger_id lives (the fake answers expired_trigger_id after 3 s)


@pytest.fixture
def slow_lookup(monkeypatch):
    """The deal lookup /spin and /batna make takes longer than the trigger_id lives."""
    real = handler.resolve_deal
    calls = []

    def slow(**kw):
        calls.append(time.monotonic())
        time.sleep(SLOW)
        return real(**kw)

    monkeypatch.setattr(handler, "resolve_deal", slow)
    return calls


def command_then_modal(slack, fake, command: str, text: str, **kw) -> dict:
    """Run the command; the loading modal must open at once, the real one follow."""
    fake.clear()
    started = time.monotonic()
    resp = slack.command(command, text, **kw)
    assert resp.status == 200 and not resp.text.strip(), resp.text
    assert resp.elapsed < 3, resp.elapsed  # acked at once, not after the lookup
    opened = fake.last("views.open")
    assert opened.response["ok"], opened.response  # not expired_trigger_id
    assert opened.params["view"]["callback_id"] == ids.VIEW_NOTICE
    assert "Loading" in all_text(opened.params["view"])
    [update] = fake.wait_for("views.update", timeout=SLOW + 5)
    assert time.monotonic() - started >= SLOW  # the lookup really was slow
    assert update.response["ok"], update.response
    assert update.params["view_id"] == opened.response["view"]["id"]
    return valid(update.params["view"])


@pytest.mark.parametrize(
    ("command", "callback_id", "words"),
    [(ids.CMD_SPIN, ids.VIEW_SPIN, "Situation"), (ids.CMD_BATNA, ids.VIEW_BATNA, "Critical")],
)
def test_slow_lookup_still_opens_and_fills_the_checklist(
    slack, running, fake, slow_lookup, command, callback_id, words
):
    make_deal(running.services.db, name="Acme Corp")
    view = command_then_modal(slack, fake, command, "acme")
    assert slow_lookup, "the slow lookup was not the one the command used"
    assert view["callback_id"] == callback_id
    assert words in all_text(view) and "Acme Corp" in all_text(view)
    if command == ids.CMD_SPIN:  # and what opened late saves like any other
        sub = slack.view_submission(view, SPIN_ANSWERS)
        assert sub.status == 200 and not sub.text.strip(), sub.text
        [row] = versions(running)
        assert (row.kind, row.version, row.created_by) == ("spin", 1, "U1")


def test_slow_lookup_several_matches_pick_one_in_the_modal(slack, running, fake, slow_lookup):
    make_deal(running.services.db, name="Acme Jakarta")
    make_deal(running.services.db, name="Acme Surabaya")
    picker = command_then_modal(slack, fake, ids.CMD_SPIN, "acme")
    shown = all_text(picker)
    assert "Several deals match “acme”. Which one?" in shown
    assert "Acme Jakarta" in shown and "Acme Surabaya" in shown
    assert "You wrote: `/spin acme`" in shown
    assert "submit" not in picker  # nothing to save on a picker
    picker_id = fake.last("views.open").response["view"]["id"]
    fake.clear()
    button = picker_button(picker, "Acme Jakarta")
    resp = slack.block_action(button["action_id"], value=button["value"], view=picker)
    assert resp.status == 200
    [update] = fake.wait_for("views.update")
    assert update.response["ok"] and update.params["view_id"] == picker_id
    view = valid(update.params["view"])
    assert view["callback_id"] == ids.VIEW_SPIN and "Acme Jakarta" in all_text(view)
    sub = slack.view_submission(view, {"problem_learned": "Orders get lost"})
    assert not sub.text.strip(), sub.text
    [row] = versions(running)
    with running.services.db.read() as s:
        assert s.get(Deal, row.deal_id).name == "Acme Jakarta"


def test_slow_lookup_no_match_suggests_close_deals(slack, running, fake, slow_lookup):
    make_deal(running.services.db, name="Beta Ltd")
    picker = command_then_modal(slack, fake, ids.CMD_BATNA, "Zebra")
    shown = all_text(picker)
    assert "No deal matches “Zebra”. Did you mean one of these?" in shown
    assert "Beta Ltd" in shown and "You wrote: `/batna Zebra`" in shown


def test_slow_lookup_no_deal_at_all_says_how_to_add_one(slack, running, fake, slow_lookup):
    view = command_then_modal(slack, fake, ids.CMD_SPIN, "Zebra")
    assert view["callback_id"] == ids.VIEW_NOTICE and "submit" not in view
    shown = all_text(view)
    assert "No deal matches “Zebra”. Add one with /prospect <name>." in shown
    assert "You wrote: `/spin Zebra`" in shown
    assert not versions(running)


def test_slow_lookup_someone_elses_deal_says_who_can_change_it(slack, running, fake, slow_lookup):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    view = command_then_modal(slack, fake, ids.CMD_BATNA, "Acme", user_id="U2")
    assert view["callback_id"] == ids.VIEW_NOTICE and "submit" not in view
    shown = all_text(view)
    assert "Only the deal's owner (<@U1>) or a manager can change “Acme”." in shown
    assert "You wrote: `/batna Acme`" in shown
    assert not fake.calls_to("chat.postEphemeral") and not fake.messages()


def test_a_manager_opens_someone_elses_checklist(slack, running, fake):
    fake.add_user("UMGR")
    add_manager(running.services.db, "UMGR")
    make_deal(running.services.db, name="Acme", owner_id="U1")
    fake.clear()
    slack.command(ids.CMD_SPIN, "Acme", user_id="UMGR")
    assert filled_modal(fake)["callback_id"] == ids.VIEW_SPIN


def test_picking_someone_elses_deal_shows_the_refusal_in_the_modal(slack, running, fake):
    make_deal(running.services.db, name="Acme Jakarta", owner_id="U1")
    make_deal(running.services.db, name="Acme Surabaya", owner_id="U1")
    fake.clear()
    slack.command(ids.CMD_SPIN, "acme", user_id="U2")
    picker = filled_modal(fake)
    assert "Several deals match" in all_text(picker)
    fake.clear()
    button = picker_button(picker, "Acme Jakarta")
    slack.block_action(button["action_id"], value=button["value"], view=picker, user_id="U2")
    [update] = fake.wait_for("views.update")
    refused = valid(update.params["view"])
    assert refused["callback_id"] == ids.VIEW_NOTICE
    assert "Only the deal's owner (<@U1>) or a manager" in all_text(refused)
    assert not fake.messages()  # said in the modal, not somewhere else


def test_picked_deal_deleted_meanwhile_is_said_in_the_modal(slack, running, fake):
    make_deal(running.services.db, name="Acme Jakarta")
    make_deal(running.services.db, name="Acme Surabaya")
    fake.clear()
    slack.command(ids.CMD_BATNA, "acme")
    picker = filled_modal(fake)
    with running.services.db.transaction() as s:
        s.exec(delete(StageMove))
        s.exec(delete(Contact))
        s.exec(delete(Deal))
    fake.clear()
    button = picker_button(picker, "Acme Jakarta")
    slack.block_action(button["action_id"], value=button["value"], view=picker)
    [update] = fake.wait_for("views.update")
    assert "no longer exists" in all_text(valid(update.params["view"]))
