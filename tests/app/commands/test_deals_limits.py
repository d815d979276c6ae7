"""Long move text: refused with the user's text when too long, carried whole through
pickers, confirmations and gates when it fits (button values hold 2,000 characters)."""

from __future__ import annotations

from datetime import date

from bot import ids
from bot.core.deals import MOVE_TEXT_MAX
from slackkit import all_text
from slackkit.fake_slack import block_problems
from tests.app.commands.test_deals import buttons, click, deals
from tests.factories import make_deal

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


def test_a_card_that_grows_past_50_blocks_keeps_its_buttons():
    """Unit test on top of the end-to-end ones: checklists and notes may add blocks."""
    from datetime import UTC, datetime

    from slack_sdk.models.blocks import SectionBlock

    from bot.core.i18n import Translator
    from handlers.ui import deals as ui

    now = datetime(2026, 11, 23, tzinfo=UTC)
    card = ui.deal_card(
        Translator("en"),
        d=ui.DealView(
            id=7,
            name="Acme",
            value=None,
            owner_id="U1",
            stage="Probing",
            created_at=now,
            stage_since=now,
        ),
        history=[],
        contacts=[],
        slips=0,
        stage_probability=30,
        locale="en",
        now=now,
        extra_blocks=[SectionBlock(text=f"note {i}") for i in range(80)],
    )
    assert len(card["blocks"]) == 50 and not block_problems(card["blocks"])
    assert card["blocks"][-1]["type"] == "actions"
    assert "Advance" in all_text({"blocks": card["blocks"][-1:]})


# --- the Edit form: everything set can be changed back ---------------------------------


def test_edit_changes_currency_and_clears_source_and_contact(slack, running, fake):
    resp = slack.command(ids.CMD_PROSPECT, "Acme 10jt referral")
    card = slack.command(ids.CMD_PIPELINE, "Acme").json
    click(slack, card, "Edit")
    view = fake.last("views.open").params["view"]
    value = next(b for b in view["blocks"] if b["block_id"] == ids.BLOCK_VALUE)
    # Grouped but without a currency (issue 14): the menu still sets the currency.
    assert value["element"]["initial_value"] == "10.000.000"
    slack.view_submission(
        view,
        {
            ids.BLOCK_NAME: "Acme",
            ids.BLOCK_VALUE: "10000000",
            ids.BLOCK_CURRENCY: "USD",
            ids.BLOCK_SOURCE: "referral_customer",
            ids.BLOCK_OWNER: "U1",
            ids.BLOCK_CONTACT_NAME: "Budi",
            ids.BLOCK_CONTACT_ROLE: "decision_maker",
        },
    )
    [deal] = deals(running)
    assert (deal.currency, deal.value_cents) == ("USD", 1_000_000_000)
    assert "Budi" in all_text(slack.command(ids.CMD_PIPELINE, "Acme").json)
    opened = len(fake.calls_to("views.open"))
    click(slack, slack.command(ids.CMD_PIPELINE, "Acme").json, "Edit")
    view = fake.wait_for("views.open", count=opened + 1)[-1].params["view"]
    sub = slack.view_submission(
        view,
        {
            ids.BLOCK_NAME: "Acme",
            ids.BLOCK_VALUE: "10000000",
            ids.BLOCK_CURRENCY: "USD",
            ids.BLOCK_SOURCE: "none",
            ids.BLOCK_OWNER: "U1",
            ids.BLOCK_CONTACT_NAME: "",
        },
    )
    assert sub.status == 200 and not sub.text.strip()
    [deal] = deals(running)
    assert deal.source is None
    shown = all_text(slack.command(ids.CMD_PIPELINE, "Acme").json)
    assert "Budi" not in shown and "*Source*\nnot set" in shown
    assert resp.status == 200


# --- Slack's escaping: &, <, > arrive as &amp;, &lt;, &gt; -----------------------------


def test_names_and_notes_with_ampersands_and_brackets_round_trip(slack, running, fake):
    reply = all_text(slack.command(ids.CMD_PROSPECT, "Tom & Jerry 5jt").json)
    assert "Tom &amp; Jerry" in reply  # escaped once, for mrkdwn: shows as typed
    [deal] = deals(running)
    assert deal.name == "Tom & Jerry"
    moved = all_text(slack.command(ids.CMD_ADVANCE, "tom & jerry lost price A&B <cheaper>").json)
    assert "is lost" in moved
    [deal] = deals(running)
    assert (deal.status, deal.lost_note) == ("lost", "A&B <cheaper>")
    card = all_text(slack.command(ids.CMD_PIPELINE, "Tom & Jerry").json)
    # the fallback text is mrkdwn too (notifications): escaped once, like the blocks
    assert "Deal card: Tom &amp; Jerry" in card and "&amp;amp;" not in card


def test_words_after_won_are_refused_not_dropped(slack, running):
    make_deal(running.services.db, name="Acme")
    shown = all_text(slack.command(ids.CMD_ADVANCE, "Acme won by competitor").json)
    assert "takes only the final value after it" in shown  # "won 55jt" is a value (issue 14)
    assert "/advance Acme won by competitor" in shown
    [deal] = deals(running)
    assert deal.status == "open"


def test_a_name_without_letters_or_digits_is_refused(slack, running):
    shown = all_text(slack.command(ids.CMD_PROSPECT, "``` 5jt").json)
    assert "needs a letter or a digit" in shown and "/prospect ``` 5jt".replace("`", "'") in shown
    assert deals(running) == []


def test_a_close_or_due_date_newly_set_in_the_past_is_a_field_error(slack, running, fake):
    from tests.factories import NOW

    running.services.now = lambda: NOW  # Monday 23 Nov 2026
    slack.command(ids.CMD_PROSPECT, "")
    view = fake.last("views.open").params["view"]
    typed = {
        ids.BLOCK_NAME: "Acme",
        ids.BLOCK_OWNER: "U1",
        ids.BLOCK_CLOSE_DATE: "2026-11-20",
        ids.BLOCK_NEXT_STEP: "Call Budi",
        ids.BLOCK_NEXT_STEP_DUE: "2026-11-01",
    }
    errors = slack.view_submission(view, typed).json["errors"]
    assert "Fri 20 Nov" in errors[ids.BLOCK_CLOSE_DATE] and "past" in errors[ids.BLOCK_CLOSE_DATE]
    assert "Sun 1 Nov" in errors[ids.BLOCK_NEXT_STEP_DUE]
    assert deals(running) == []
    ok = slack.view_submission(
        view, {**typed, ids.BLOCK_CLOSE_DATE: "2026-11-23", ids.BLOCK_NEXT_STEP_DUE: "2026-11-24"}
    )
    assert ok.status == 200 and not ok.text.strip()
    # A deal whose stored close date has passed can still be edited without moving it.
    make_deal(running.services.db, name="Old", expected_close=date(2026, 11, 2))
    opened = len(fake.calls_to("views.open"))
    click(slack, slack.command(ids.CMD_PIPELINE, "Old").json, "Edit")
    edit = fake.wait_for("views.open", count=opened + 1)[-1].params["view"]
    saved = slack.view_submission(
        edit, {ids.BLOCK_NAME: "Old", ids.BLOCK_OWNER: "U1", ids.BLOCK_CLOSE_DATE: "2026-11-02"}
    )
    assert saved.status == 200 and not saved.text.strip(), saved.text
