"""Issue 14 — what reps and managers read, end to end through signed requests and the fake
Slack: a currency code apart from the amount is asked about (item 8), Log meeting's search
suggests (9), managers' team Home tab (10), overdue and passed dates marked, closed cards
without Advance, the Home tab redrawn after a move (11), free-text attendee titles (14),
edits that say what changed, plurals, formatted amounts, the usage for an unknown word,
the stage editor's order and probabilities (15), and the Socket Mode defaults (16)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlmodel import select

from bot import ids
from handlers.jobs import Jobs
from slackkit import all_text
from storage import stages as stage_store
from storage.models import Contact, Deal
from tests.app.commands.test_deals import buttons, click
from tests.app.commands.test_stages_edit import open_editor, stage_ids
from tests.app.jobs.test_digest import NOW, add_deal, dms
from tests.app.shortcuts.test_meetings import meeting_modal_from_shortcut
from tests.app.support import home_deal_menus
from tests.factories import add_manager, make_deal

ROOT = Path(__file__).resolve().parents[3]
DAY = timedelta(days=1)


def deals(running) -> list[Deal]:
    with running.services.db.read() as s:
        return list(s.exec(select(Deal).order_by(Deal.id)).all())


# --- item 8 ------------------------------------------------------------------------------------


def test_a_currency_code_apart_from_the_amount_is_asked_about(slack, running, fake):
    resp = slack.command(ids.CMD_PROSPECT, "1.5m Initech USD")
    shown = all_text(resp.json)
    assert "is USD the currency of the amount, or part of the deal's name?" in shown
    assert not deals(running)  # nothing saved on a guess
    assert {"“Initech”, in USD", "“Initech USD”, in IDR"} <= set(buttons(resp.json))
    click(slack, resp.json, "“Initech”, in USD")
    [added] = fake.wait_for("response_url")
    assert "$1,500,000" in all_text(added.params)
    [deal] = deals(running)
    assert (deal.name, deal.value_cents, deal.currency) == ("Initech", 150_000_000, "USD")
    # Next to the amount it is simply its currency; a name starting with a code is a name.
    slack.command(ids.CMD_PROSPECT, "RM Tech 50jt")
    slack.command(ids.CMD_PROSPECT, "Globex 1.5m USD")
    got = {d.name: d.currency for d in deals(running)}
    assert got == {"Initech": "USD", "RM Tech": "IDR", "Globex": "USD"}


# --- item 9 ------------------------------------------------------------------------------------


def test_log_meeting_search_suggests_the_closest_names(slack, running, fake):
    make_deal(running.services.db, name="Hotel Santika")
    view = meeting_modal_from_shortcut(slack, fake)
    found = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "santka", view=view).json["options"]
    assert [o["text"]["text"] for o in found] == ["Did you mean Hotel Santika?"]
    suggested = all_text(slack.command(ids.CMD_ADVANCE, "santka").json)
    assert "Hotel Santika" in suggested  # the same suggestion /advance makes


# --- item 10 -----------------------------------------------------------------------------------


def test_managers_home_tab_shows_the_team_and_switches_to_mine(slack, running, fake):
    running.services.now = lambda: NOW
    db = running.services.db
    add_manager(db, "U3")
    fake.add_user("U3", name="boss")
    add_deal(db, "Acme", 20_000_000, created=NOW - 2 * DAY, path=(("probing", NOW - DAY),))
    add_deal(db, "Beta", 30_000_000, owner="U2", created=NOW - 40 * DAY)
    add_deal(
        db,
        "Late",
        owner="U2",
        created=NOW - 2 * DAY,
        next_step="Call",
        next_step_due=date(2026, 11, 18),
    )
    slack.app_home_opened("U3")
    fake.wait_for("views.publish")
    home = fake.home_view("U3")
    shown = all_text(home)
    assert "Team pipeline" in shown and "You have no open deals" not in shown
    assert "<@U2> — 2 open deals" in shown and "<@U1> — 1 open deal" in shown
    assert "Prospecting 2" in shown and "Probing 1" in shown  # by rep and stage
    assert "*Gone quiet* (1)" in shown and "Beta" in shown
    assert "*Overdue next steps* (1)" in shown and "“Call” was due Wed 18 Nov" in shown
    assert "*This week's moves*" in shown and "Prospecting → Probing" in shown
    fake.clear()
    slack.block_action(ids.ACTION_HOME_VIEW, value="mine", view=home, user_id="U3")
    fake.wait_for("views.publish")
    mine = all_text(fake.home_view("U3"))
    assert "My pipeline" in mine and "You have no open deals" in mine and "Show the team" in mine
    # A rep sees their own tab, no switch.
    slack.app_home_opened("U1")
    fake.wait_for("views.publish", count=2)
    assert "Show the team" not in all_text(fake.home_view("U1"))


# --- item 11 -----------------------------------------------------------------------------------


def test_card_and_home_mark_overdue_steps_and_passed_close_dates(slack, running, fake):
    running.services.now = lambda: NOW
    make_deal(
        running.services.db,
        name="Acme",
        next_step="Send the proposal",
        next_step_due=date(2026, 11, 20),
        expected_close=date(2026, 11, 19),
        now=NOW - 5 * DAY,
    )
    make_deal(
        running.services.db,
        name="Beta",
        next_step="Demo",
        next_step_due=date(2026, 11, 26),
        now=NOW - 5 * DAY,
    )
    card = all_text(slack.command(ids.CMD_PIPELINE, "Acme").json)
    # the card writes days in full, the Babel way (issue 11); overdue and passed are marked
    assert "Send the proposal (:warning: overdue since Friday, 20 Nov 2026)" in card
    assert ":warning: Thursday, 19 Nov 2026 (passed)" in card
    slack.app_home_opened("U1")
    fake.wait_for("views.publish")
    home = all_text(fake.home_view("U1"))
    overdue, due = home.split("Overdue next steps")[1].split("Next steps due this week")
    assert "Acme" in overdue and "overdue since Fri 20 Nov" in overdue and "Beta" not in overdue
    assert "Beta" in due and "due Thu 26 Nov" in due and "Acme" not in due


def test_closed_cards_have_no_advance_and_the_home_tab_redraws_after_a_move(slack, running, fake):
    make_deal(running.services.db, name="Won Deal", stage_key="won")
    won = buttons(slack.command(ids.CMD_PIPELINE, "Won Deal").json)
    assert "Advance" not in won and "Start a Grow deal" in won
    make_deal(running.services.db, name="Acme")
    home, menus = home_deal_menus(slack, fake)
    fake.clear()
    slack.block_action(
        ids.ACTION_HOME_DEAL,
        selected_option=menus[0]["options"][1]["value"],
        action_type="overflow",
        view=home,
    )
    [moved] = fake.wait_for("chat.postMessage")
    assert "Prospecting → *Approaching*" in all_text(moved.params)
    assert "Approaching: earn their attention" in all_text(moved.params)  # its playbook
    fake.wait_for("views.publish")  # the tab is drawn again, with the move in it
    assert "*Approaching* — 1" in all_text(fake.home_view("U1"))


# --- item 14 -----------------------------------------------------------------------------------


def test_log_meeting_accepts_free_text_titles(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = meeting_modal_from_shortcut(slack, fake)
    [option] = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "acme", view=view).json["options"]
    fake.clear()
    sub = slack.view_submission(
        view,
        {
            ids.BLOCK_DEAL: option,
            ids.BLOCK_ATTENDEES: "Andi, IT manager\nBudi, decision maker",
            ids.BLOCK_NOTES: "Demo",
        },
    )
    assert sub.status == 200 and not sub.text.strip()
    note = all_text(fake.wait_for("chat.postMessage")[0].params)
    assert "Andi (IT manager)" in note and "Budi (Decision maker)" in note
    with running.services.db.read() as s:
        people = {(c.name, c.role, c.title) for c in s.exec(select(Contact)).all()}
    assert people == {("Andi", None, "IT manager"), ("Budi", "decision_maker", None)}
    assert "• Andi — IT manager" in all_text(slack.command(ids.CMD_PIPELINE, "Acme").json)


# --- item 15 -----------------------------------------------------------------------------------


def test_saved_says_what_changed_and_the_form_shows_grouped_amounts(slack, running, fake):
    make_deal(running.services.db, name="Mulia Retail", value=100_000_000)
    slack.block_action(ids.ACTION_EDIT_DEAL, value="1")
    form = fake.last("views.open").params["view"]
    value = next(b for b in form["blocks"] if b.get("block_id") == ids.BLOCK_VALUE)
    assert value["element"]["initial_value"] == "100.000.000"
    fake.clear()
    slack.view_submission(
        form,
        {ids.BLOCK_VALUE: "150.000.000", ids.BLOCK_NEXT_STEP: "Call Budi"},
    )
    saved = all_text(fake.wait_for("chat.postEphemeral")[0].params)
    assert "Saved *Mulia Retail*." in saved
    assert "*Value*: Rp100.000.000 → Rp150.000.000" in saved
    assert "*Next step*: not set → Call Budi" in saved


def test_reminder_counts_read_in_the_singular(slack, running, fake):
    running.services.now = lambda: NOW
    add_deal(running.services.db, "Due", next_step="Call", next_step_due=date(2026, 11, 23))
    Jobs(running.services, running.app.client).reminders()
    [dm] = dms(fake, "U1")
    assert "1 next step due, 0 deals gone quiet" in dm["params"]["text"]


def test_pipeline_with_words_that_name_nothing_gets_the_usage(slack, running):
    make_deal(running.services.db, name="Acme Corp")
    shown = all_text(slack.command(ids.CMD_PIPELINE, "blah blah").json)
    assert "I don't know “blah” for /pipeline" in shown and "/pipeline stats" in shown
    assert "/pipeline blah blah" in shown  # the user's text echoed


def test_a_new_stage_lands_at_the_order_given_and_a_lower_probability_is_questioned(
    slack, running, fake
):
    view = open_editor(slack, fake)
    sid = stage_ids(running)
    fake.clear()
    slack.view_submission(
        view,
        {
            "name_new": "Proposal",
            "order_new": "5",
            "prob_new": "60",
            f"prob_{sid['negotiation']}": "55",
        },
        user_id="UADMIN",
    )
    saved = all_text(fake.wait_for("chat.postMessage")[0].params)
    with running.services.db.read() as s:
        order = [st.name for st in stage_store.list_stages(session=s, team_id="T1")]
    assert order.index("Proposal") == 4  # the fifth stage, as asked (was: sixth)
    assert "Negotiation (55%) comes after Proposal (60%)" in saved


# --- item 16 -----------------------------------------------------------------------------------


def test_manifest_and_env_example_agree_on_socket_mode():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    env = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert env["SLACK_APP_TOKEN"].startswith("xapp-")  # Socket Mode needs it: asked for
    assert json.dumps(manifest).count("/slack/events")  # HTTP mode's URLs stay documented


# --- item 17: the playbook after a move from Log meeting -----------------------------------------


def test_a_move_made_by_log_meeting_shows_the_new_stages_playbook(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = meeting_modal_from_shortcut(slack, fake)
    [option] = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "acme", view=view).json["options"]
    with running.services.db.read() as s:
        approaching = next(
            st.id
            for st in stage_store.list_stages(session=s, team_id="T1")
            if st.key == "approaching"
        )
    fake.clear()
    slack.view_submission(
        view,
        {
            ids.BLOCK_DEAL: option,
            ids.BLOCK_NOTES: "Intro call",
            ids.BLOCK_STAGE_MOVE: str(approaching),
        },
    )
    note = all_text(fake.wait_for("chat.postMessage")[0].params)
    assert "moved Prospecting → Approaching" in note
    assert "Approaching: earn their attention" in note and "3M" in note
