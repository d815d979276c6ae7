"""Long move text: refused with the user's text when too long, carried whole through
pickers, confirmations and gates when it fits (button values hold 2,000 characters)."""

from __future__ import annotations

from bot import ids
from bot.deals import MOVE_TEXT_MAX
from tests.factories import make_deal
from tests.slackkit import all_text
from tests.slackkit.fake_slack import block_problems
from tests.test_deals import buttons, click, deals

ACCENTED_NOTE = "é" * 850  # 850 characters; JSON-escaped as \u00e9 it would be 5,100


def test_a_move_longer_than_the_limit_is_refused_with_the_text_echoed(slack, running):
    make_deal(running.services.db, name="Acme")
    note = "x" * (MOVE_TEXT_MAX + 1)
    resp = slack.command(ids.CMD_ADVANCE, f"Acme lost price {note}")
    shown = all_text(resp.json)
    assert "too long" in shown and f"{MOVE_TEXT_MAX:,}" in shown
    assert "/advance Acme lost price xxx" in shown  # the user's own text comes back
    assert not block_problems(resp.json["blocks"])
    [deal] = deals(running)
    assert deal.status == "open"


def test_picker_carries_a_long_accented_note_whole(slack, running, fake):
    make_deal(running.services.db, name="Acme Jaya")
    make_deal(running.services.db, name="Acme Makmur")
    resp = slack.command(ids.CMD_ADVANCE, f"acme lost price {ACCENTED_NOTE}")
    assert "Several deals match" in all_text(resp.json)
    assert not block_problems(resp.json["blocks"])
    assert all(len(b["value"]) <= 2000 for b in buttons(resp.json).values())
    click(slack, resp.json, "Acme Makmur")
    fake.wait_for("response_url")
    lost = {d.name: d for d in deals(running)}["Acme Makmur"]
    assert (lost.status, lost.lost_reason, lost.lost_note) == ("lost", "price", ACCENTED_NOTE)


def test_confirmation_carries_a_long_accented_note_whole(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    slack.command(ids.CMD_ADVANCE, "Acme won")
    resp = slack.command(ids.CMD_ADVANCE, f"Acme lost price {ACCENTED_NOTE}")
    assert "Yes, move it" in buttons(resp.json)
    assert not block_problems(resp.json["blocks"])
    click(slack, resp.json, "Yes, move it")
    fake.wait_for("response_url")
    [deal] = deals(running)
    assert (deal.status, deal.lost_note) == ("lost", ACCENTED_NOTE)


def test_the_whole_refused_text_is_echoed(slack, running):
    make_deal(running.services.db, name="Acme")
    note = " ".join(f"w{i}" for i in range(500))  # about 2,400 characters
    resp = slack.command(ids.CMD_ADVANCE, f"Acme lost price {note}")
    assert note in all_text(resp.json)
    assert not block_problems(resp.json["blocks"])


# --- the new-deal form asks before a second deal of the same name -------------------------


def _new_deal_form(slack, fake) -> dict:
    slack.command(ids.CMD_PROSPECT, "")
    return fake.last("views.open").params["view"]


def test_the_form_asks_before_a_second_open_deal_of_that_name_then_adds_it(slack, running, fake):
    make_deal(running.services.db, name="Acme Corp", owner_id="U2")
    view = _new_deal_form(slack, fake)
    typed = {ids.BLOCK_NAME: "acme corp", ids.BLOCK_VALUE: "20jt", ids.BLOCK_OWNER: "U1"}
    first = slack.view_submission(view, typed).json
    assert first["response_action"] == "errors"
    error = first["errors"][ids.BLOCK_NAME]
    assert "Acme Corp" in error and "<@U2>" in error and "Prospecting" in error
    assert "again" in error
    assert len(deals(running)) == 1  # asked, nothing added
    again = slack.view_submission(view, typed)
    assert again.status == 200 and not again.text.strip()  # the modal closes
    assert sorted(d.name for d in deals(running)) == ["Acme Corp", "acme corp"]


def test_a_retry_of_the_warned_submission_warns_again_and_adds_nothing(slack, running, fake):
    make_deal(running.services.db, name="Acme Corp")
    view = _new_deal_form(slack, fake)
    first = slack.view_submission(view, {ids.BLOCK_NAME: "Acme Corp", ids.BLOCK_OWNER: "U1"})
    retry = slack.resend(first, retry_num=1)
    assert retry.json["response_action"] == "errors"
    assert len(deals(running)) == 1


def test_a_closed_deal_of_that_name_does_not_ask(slack, running, fake):
    make_deal(running.services.db, name="Acme Corp", stage_key="won")
    view = _new_deal_form(slack, fake)
    sub = slack.view_submission(view, {ids.BLOCK_NAME: "Acme Corp", ids.BLOCK_OWNER: "U1"})
    assert sub.status == 200 and not sub.text.strip()
    assert len(deals(running)) == 2
