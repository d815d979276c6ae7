"""Issue 14 — moves as reps type them, end to end through signed requests and the fake Slack:
a stage name without "to" (item 1), pickers that tell deals apart (2), the final value with
"won" (5), the lost reason echoed (6), Undo (15), the decision maker before Negotiation (18),
and the playbook after every kind of move (17)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from bot import ids
from bot.core.metrics import Scope
from slackkit import all_text
from storage import checklists as cstore
from storage import metrics as metric_store
from storage.models import Deal, StageMove
from tests.app.commands.test_deals import buttons, click, deals
from tests.factories import NOW, make_deal


def deal(running, name: str) -> Deal:
    return next(d for d in deals(running) if d.name == name)


def stage_of(running, name: str) -> str:
    with running.services.db.read() as s:
        return (
            s.exec(select(StageMove).where(StageMove.deal_id == deal(running, name).id))
            .all()[-1]
            .to_name
        )


def add_checklist(running, deal_id: int, kind: str) -> None:
    db = running.services.db
    with db.transaction() as s:
        row = s.get(Deal, deal_id)
        cstore.save_checklist(
            session=s,
            team_id="T1",
            deal=row,
            kind=kind,
            data={"fields": {"x": "y"}},
            filled=1,
            parts=5,
            by="U1",
            now=NOW,
        )


# --- item 1: "/advance Globex presentation" --------------------------------------------------


def test_a_trailing_stage_name_is_read_as_the_move_and_confirmed(slack, running, fake):
    running.services.now = lambda: NOW
    deal_id = make_deal(running.services.db, name="Globex", stage_key="probing", now=NOW)
    add_checklist(running, deal_id, "spin")  # Presentation asks for SPIN: it has one
    resp = slack.command(ids.CMD_ADVANCE, "Globex presentation")
    shown = all_text(resp.json)
    assert "I read “Globex presentation” as: move *Globex* from Probing to *Presentation*" in shown
    assert "/advance Globex to Presentation" in shown  # how to write it next time
    assert stage_of(running, "Globex") == "Probing"  # nothing moved on a guess
    click(slack, resp.json, "Yes, move it")
    [moved] = fake.wait_for("response_url")
    assert "Probing → *Presentation*" in all_text(moved.params)
    assert stage_of(running, "Globex") == "Presentation"


def test_a_misspelt_stage_or_won_is_forgiven(slack, running, fake):
    make_deal(running.services.db, name="Globex")
    resp = slack.command(ids.CMD_ADVANCE, "Globex aproaching")
    assert "to *Approaching*" in all_text(resp.json)
    make_deal(running.services.db, name="Bank BRI", value=None)
    resp = slack.command(ids.CMD_ADVANCE, "Bank BRI wonn 55jt")
    assert "to *Won*" in all_text(resp.json)
    click(slack, resp.json, "Yes, move it")
    fake.wait_for("response_url")
    bri = deal(running, "Bank BRI")
    assert (bri.status, bri.value_cents) == ("won", 5_500_000_000)


def test_an_exact_deal_name_wins_over_a_stage_word(slack, running):
    make_deal(running.services.db, name="Acme Presentation")
    resp = slack.command(ids.CMD_ADVANCE, "Acme Presentation")
    assert "Prospecting → *Approaching*" in all_text(resp.json)  # the next stage, at once


def test_a_picker_for_a_guessed_move_says_what_picking_does(slack, running, fake):
    make_deal(running.services.db, name="Globex Jakarta")
    make_deal(running.services.db, name="Globex Bali")
    resp = slack.command(ids.CMD_ADVANCE, "globex approaching")
    shown = all_text(resp.json)
    assert "Several deals match “globex”" in shown and "Picking it moves it to Approaching" in shown
    click(slack, resp.json, "Globex Bali")
    [moved] = fake.wait_for("response_url")
    assert "Prospecting → *Approaching*" in all_text(moved.params)
    assert stage_of(running, "Globex Bali") == "Approaching"
    assert stage_of(running, "Globex Jakarta") == "Prospecting"


# --- item 2: two "Acme" ------------------------------------------------------------------------


def test_pickers_show_what_tells_deals_apart(slack, running, fake):
    fake.add_user("U2", name="rep.two")
    make_deal(running.services.db, name="Acme", value=50_000_000, now=NOW - timedelta(days=9))
    make_deal(
        running.services.db,
        name="Acme",
        owner_id="U2",
        value=None,
        stage_key="probing",
        now=NOW - timedelta(days=2),
    )
    resp = slack.command(ids.CMD_PIPELINE, "acme")
    shown = all_text(resp.json)
    assert "*Acme* · Prospecting · Rp50.000.000 · <@U1> · created Sat 14 Nov" in shown
    assert "*Acme* · Probing · no value yet · <@U2> · created Sat 21 Nov" in shown
    # /spin's picker modal says the same
    fake.clear()
    slack.command(ids.CMD_SPIN, "acme")
    picker = fake.last("views.update").params["view"]
    assert "Probing · no value yet" in json.dumps(picker, ensure_ascii=False)


# --- item 5: the final value with "won", or asked for -------------------------------------------


def test_won_with_a_value_records_it_and_asks_the_technique(slack, running, fake):
    make_deal(running.services.db, name="Bank BRI", value=None, stage_key="closing")
    resp = slack.command(ids.CMD_ADVANCE, "Bank BRI won 55jt")
    shown = all_text(resp.json)
    assert "*Bank BRI* is won!" in shown and "Final value: Rp55.000.000" in shown
    assert "Which closing technique worked?" in shown
    assert {"Ask for it", "Summary of benefit", "Suggestion close"} <= set(buttons(resp.json))
    assert "Advance" not in buttons(resp.json)  # a won deal has no Advance
    click(slack, resp.json, "Summary of benefit")
    [done] = fake.wait_for("response_url")
    assert "Closed with: Summary of benefit" in all_text(done.params)
    bri = deal(running, "Bank BRI")
    assert (bri.value_cents, bri.won_technique) == (5_500_000_000, "summary_of_benefit")
    card = all_text(slack.command(ids.CMD_PIPELINE, "Bank BRI").json)
    assert "*Closed with* Summary of benefit" in card and "Start a Grow deal" in card


def test_won_without_a_value_asks_for_it(slack, running, fake):
    make_deal(running.services.db, name="Mitra", value=None, stage_key="closing")
    resp = slack.command(ids.CMD_ADVANCE, "Mitra won")
    assert "has no value, so the average deal size leaves it out" in all_text(resp.json)
    click(slack, resp.json, "Record the value")
    modal = fake.last("views.open").params["view"]
    bad = slack.view_submission(modal, {ids.BLOCK_WON_VALUE: "lots"})
    assert bad.json["response_action"] == "errors" and ids.BLOCK_WON_VALUE in bad.json["errors"]
    ok = slack.view_submission(modal, {ids.BLOCK_WON_VALUE: "120jt"})
    assert ok.status == 200 and not ok.text.strip()
    assert "Final value: Rp120.000.000" in all_text(fake.last("chat.postMessage").params)
    assert deal(running, "Mitra").value_cents == 12_000_000_000


def test_won_by_competitor_is_refused_not_guessed(slack, running):
    make_deal(running.services.db, name="Acme")
    shown = all_text(slack.command(ids.CMD_ADVANCE, "Acme won by competitor").json)
    assert "takes only the final value after it" in shown and "/advance Acme lost" in shown
    assert deal(running, "Acme").status == "open"


# --- item 6: the lost reason and note echoed --------------------------------------------------


def test_lost_echoes_the_reason_and_note_as_understood(slack, running):
    make_deal(running.services.db, name="Mitra")
    shown = all_text(slack.command(ids.CMD_ADVANCE, "Mitra lost budget cut").json)
    assert "*Reason:* Price (you wrote “budget”)" in shown and "*Note:* “cut”" in shown
    assert "Wrong reason? Move it again" in shown
    assert "Set a win-back date" in shown  # the Lost playbook's date, as a button


# --- item 15: Undo ------------------------------------------------------------------------------


def test_undo_puts_the_deal_back_and_conversion_ignores_both(slack, running, fake):
    running.services.now = lambda: NOW
    make_deal(running.services.db, name="Acme", now=NOW - timedelta(days=1))
    resp = slack.command(ids.CMD_ADVANCE, "Acme")
    assert "Undo puts it back (for 10 minutes)" in all_text(resp.json)
    click(slack, resp.json, "Undo")
    [undone] = fake.wait_for("response_url")
    assert "Undone: *Acme* is back in Prospecting (Prospecting → Approaching undone)" in all_text(
        undone.params
    )
    assert stage_of(running, "Acme") == "Prospecting"
    with running.services.db.read() as s:
        moves = s.exec(select(StageMove).order_by(StageMove.id)).all()
        steps = {c.from_stage: c for c in metric_store.stage_conversion(s, Scope("T1"))}
    assert moves[1].undone_at is not None and moves[2].undo_of == moves[1].id
    assert (steps["Prospecting"].reached_from, steps["Prospecting"].reached_to) == (1, 0)
    assert steps["Approaching"].reached_from == 0
    # Undo twice: refused, nothing changes.
    fake.clear()
    click(slack, resp.json, "Undo")
    [again] = fake.wait_for("response_url")
    assert "can be undone" in all_text(again.params)


def test_undo_only_within_ten_minutes(slack, running, fake):
    running.services.now = lambda: NOW
    make_deal(running.services.db, name="Acme", now=NOW - timedelta(days=1))
    resp = slack.command(ids.CMD_ADVANCE, "Acme")
    running.services.now = lambda: NOW + timedelta(minutes=11)
    click(slack, resp.json, "Undo")
    [late] = fake.wait_for("response_url")
    assert "for 10 minutes after it was made" in all_text(late.params)
    assert stage_of(running, "Acme") == "Approaching"


# --- item 18: a decision maker before Negotiation ------------------------------------------------


def test_negotiation_without_a_decision_maker_is_a_warning_gate(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Globex", stage_key="presentation")
    add_checklist(running, deal_id, "batna")
    resp = slack.command(ids.CMD_ADVANCE, "Globex to negotiation")
    shown = all_text(resp.json)
    assert "has no decision maker on record" in shown and "Who decides?" in shown
    assert {"Log meeting", "Move anyway", "Cancel"} <= set(buttons(resp.json))
    assert stage_of(running, "Globex") == "Presentation"
    click(slack, resp.json, "Move anyway")
    fake.wait_for("response_url")
    assert stage_of(running, "Globex") == "Negotiation"


def test_with_a_decision_maker_on_record_there_is_no_question(slack, running):
    deal_id = make_deal(
        running.services.db,
        name="Globex",
        stage_key="presentation",
        contact_name="Budi",
        contact_role="decision_maker",
    )
    add_checklist(running, deal_id, "batna")
    shown = all_text(slack.command(ids.CMD_ADVANCE, "Globex to negotiation").json)
    assert "Presentation → *Negotiation*" in shown and "decision maker" not in shown


def test_missing_checklist_and_decision_maker_are_said_together(slack, running):
    make_deal(running.services.db, name="Globex", stage_key="presentation")
    shown = all_text(slack.command(ids.CMD_ADVANCE, "Globex to negotiation").json)
    assert "asks for a BATNA checklist first" in shown and "no decision maker" in shown


# --- item 17: the playbook after every move, and on the card -------------------------------------


def test_playbook_after_buttons_and_on_the_card(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    resp = slack.command(ids.CMD_ADVANCE, "Acme to probing")
    assert "Probing: find the real need" in all_text(resp.json)
    click(slack, resp.json, "Advance")
    [moved] = fake.wait_for("response_url")
    assert "Presentation: show the fit" in all_text(moved.params) or "SPIN" in all_text(
        moved.params
    )  # Presentation asks for SPIN first: the gate, then the playbook once moved
    card = all_text(slack.command(ids.CMD_PIPELINE, "Acme").json)
    assert "Probing: find the real need" in card  # the current stage's playbook
