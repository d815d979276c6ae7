"""Issue 15, item 4: a manager reassigns an owner's deals in bulk — a preview with Confirm
and Cancel, one transaction on confirm, a replay not applied twice, deals changed since the
preview said so — through signed requests and the fake Slack."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import ids
from slackkit import all_text
from storage.models import Deal
from tests.app.jobs.test_digest import NOW, add_deal
from tests.app.people.test_leavers import deactivate


@pytest.fixture
def team(running):
    running.services.now = lambda: NOW
    db = running.services.db
    add_deal(db, "Acme", 50_000_000, owner="U2")
    add_deal(db, "Globex", 20_000_000, owner="U2")
    add_deal(db, "Initech", 5_000, currency="USD", owner="U2")
    add_deal(db, "Won Co", 7_000_000, owner="U2", path=(("won", NOW),))
    add_deal(db, "Mine", 1_000_000, owner="U1")
    return running


def owners(running) -> dict[str, str]:
    with running.services.db.read() as s:
        return {d.name: d.owner_id for d in s.exec(select(Deal)).all()}


def responses(fake, count: int) -> list[dict]:
    return [c.params for c in fake.wait_for("response_url", count)]


def test_preview_then_confirm_moves_the_open_deals_once(slack, fake, team):
    resp = slack.command(ids.CMD_PIPELINE, "reassign <@U2> <@U1>", user_id="UADMIN")
    shown = all_text(resp.json)
    assert resp.json["response_type"] == "ephemeral"
    assert "Reassign 3 deals" in shown and "from <@U2> to <@U1>" in shown
    assert "Acme" in shown and "Rp50.000.000" in shown and "$5,000" in shown
    assert "Won Co" not in shown  # open deals only, by default
    assert owners(team)["Acme"] == "U2"  # nothing moved before the confirm
    click = slack.block_action(
        ids.ACTION_REASSIGN_CONFIRM, message=resp.json, user_id="UADMIN", ephemeral=True
    )
    assert click.status == 200
    [done] = responses(fake, 1)
    assert "Reassigned 3 deals from <@U2> to <@U1>." in all_text(done)
    assert done["replace_original"] is True
    after = owners(team)
    assert [after[n] for n in ("Acme", "Globex", "Initech")] == ["U1"] * 3
    assert after["Won Co"] == "U2" and after["Mine"] == "U1"
    # Slack retries the same click: answered, not applied again.
    slack.resend(click, retry_num=1)
    again = responses(fake, 2)[-1]
    assert "Already done" in all_text(again)
    assert owners(team) == after


def test_all_in_indonesian_takes_closed_deals_too(slack, fake, team):
    resp = slack.command(ids.CMD_PIPELINE, "alihkan <@U2> <@U1> semua", user_id="UADMIN")
    assert "Reassign 4 deals" in all_text(resp.json) and "Won Co" in all_text(resp.json)
    slack.block_action(
        ids.ACTION_REASSIGN_CONFIRM, message=resp.json, user_id="UADMIN", ephemeral=True
    )
    responses(fake, 1)
    assert set(owners(team).values()) == {"U1"}


def test_deals_changed_since_the_preview_are_not_moved(slack, fake, team):
    resp = slack.command(ids.CMD_PIPELINE, "reassign <@U2> <@U1>", user_id="UADMIN")
    add_deal(team.services.db, "Newer", 9_000_000, owner="U2")  # after the preview
    slack.block_action(
        ids.ACTION_REASSIGN_CONFIRM, message=resp.json, user_id="UADMIN", ephemeral=True
    )
    [answer] = responses(fake, 1)
    text = all_text(answer)
    assert "changed since this preview" in text and "Reassign 4 deals" in text
    assert owners(team)["Acme"] == "U2" and owners(team)["Newer"] == "U2"


def test_cancel_moves_nothing(slack, fake, team):
    resp = slack.command(ids.CMD_PIPELINE, "reassign <@U2> <@U1>", user_id="UADMIN")
    slack.block_action(
        ids.ACTION_REASSIGN_CANCEL, message=resp.json, user_id="UADMIN", ephemeral=True
    )
    assert "no deal was reassigned" in all_text(responses(fake, 1)[0])
    assert owners(team)["Acme"] == "U2"


def test_only_managers_reassign_and_a_forged_payload_is_refused(slack, fake, team):
    refused = all_text(slack.command(ids.CMD_PIPELINE, "reassign <@U2> <@U1>").json)
    assert "Only a manager can reassign deals" in refused
    forged = slack.block_action(
        ids.ACTION_REASSIGN_CONFIRM, value='{"f":"U2","t":"U1"}', user_id="UADMIN"
    )
    assert forged.status == 200
    assert "can't be read any more" in all_text(responses(fake, 1)[0])
    assert owners(team)["Acme"] == "U2"


def test_bad_reassign_texts_say_how_to_write_it(slack, team):
    missing = all_text(slack.command(ids.CMD_PIPELINE, "reassign <@U2>", user_id="UADMIN").json)
    assert "/pipeline reassign @from @to" in missing
    same = all_text(slack.command(ids.CMD_PIPELINE, "reassign <@U2> <@U2>", user_id="UADMIN").json)
    assert "already owns these deals" in same
    typed = all_text(
        slack.command(ids.CMD_PIPELINE, "reassign <@U2> <@UNOBODY>", user_id="UADMIN").json
    )
    assert "is not someone I can find" in typed
    nothing = all_text(
        slack.command(ids.CMD_PIPELINE, "reassign <@UADMIN> <@U1>", user_id="UADMIN").json
    )
    assert "has no open deals to reassign" in nothing


def test_help_lists_the_new_sub_commands(slack):
    shown = all_text(slack.command(ids.CMD_PIPELINE, "help").json)
    assert "/pipeline reassign @from @to" in shown
    assert "/pipeline notify" in shown and "/pipeline export all" in shown


def test_a_new_owner_deactivated_since_the_preview_gets_nothing(slack, fake, team):
    resp = slack.command(ids.CMD_PIPELINE, "reassign <@U2> <@U1>", user_id="UADMIN")
    deactivate(slack, team, "U1")
    slack.block_action(
        ids.ACTION_REASSIGN_CONFIRM, message=resp.json, user_id="UADMIN", ephemeral=True
    )
    [answer] = responses(fake, 1)
    assert "<@U1> was deactivated in Slack since the preview" in all_text(answer)
    assert owners(team)["Acme"] == "U2"
    # A deactivated member cannot be chosen as the new owner either.
    again = all_text(slack.command(ids.CMD_PIPELINE, "reassign <@U2> <@U1>", user_id="UADMIN").json)
    assert "is not someone I can find" in again
