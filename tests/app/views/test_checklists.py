"""SPIN and BATNA end to end: /spin and /batna open a modal (loading view, then filled in),
the Block Kit is valid, answers are stored as versions, reopened pre-filled, shown on the deal
card and in its history; every validation path keeps the modal open; retries save once."""

from __future__ import annotations

import time

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select

from bot import ids
from bot.core.errors import DomainError
from bot.usecases.checklists import completion as digest_completion
from slackkit import all_text, block_problems, view_problems
from storage import checklists as cstore
from storage import deals as store
from storage import stages as stage_store
from storage.db import Database
from storage.models import Contact, Deal, StageMove
from storage.models_checklist import ChecklistVersion
from tests.factories import NOW, add_manager, edit_deal, make_deal

# --- helpers shared by the checklist, meeting and gate tests ----------------------------


def valid(view: dict) -> dict:
    """The view is what slack_sdk's models accept and what Slack would take."""
    View(**view).to_dict()  # raises SlackObjectFormationError on a bad view
    assert not view_problems(view), view_problems(view)
    return view


def filled_modal(fake) -> dict:
    """The modal the app opened: a loading view at once, then the real one (views.update)."""
    opened = fake.last("views.open")
    assert opened.response["ok"], opened.response
    assert opened.params["view"]["callback_id"] == ids.VIEW_NOTICE  # loading first
    update = fake.last("views.update")
    assert update.response["ok"], update.response
    assert update.params["view_id"] == opened.response["view"]["id"]
    return valid(update.params["view"])


def blocks(view: dict) -> dict[str, dict]:
    return {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}


def initial(view: dict, block_id: str):
    el = blocks(view)[block_id]["element"]
    if "initial_options" in el:
        return [o["value"] for o in el["initial_options"]]
    if "initial_option" in el:
        return el["initial_option"]["value"]
    return el.get("initial_value") or el.get("initial_date")


def versions(running, kind=None) -> list[ChecklistVersion]:
    with running.services.db.read() as s:
        q = select(ChecklistVersion)
        if kind:
            q = q.where(ChecklistVersion.kind == kind)
        return list(s.exec(q.order_by(ChecklistVersion.id)).all())


def open_checklist(slack, fake, command: str, text: str = "Acme", **kw) -> dict:
    fake.clear()
    resp = slack.command(command, text, **kw)
    assert resp.status == 200 and not resp.text.strip(), resp.text
    return filled_modal(fake)


SPIN_ANSWERS = {
    "awareness": "problem_aware",
    "situation_asked": "How do you take orders today?",
    "situation_learned": "WhatsApp, three admins",
    "problem_learned": "Orders get lost on busy days",
    "implication_asked": "What does a lost order cost?",
}


# --- SPIN -------------------------------------------------------------------------------


def test_spin_open_fill_submit_store_and_reopen_prefilled(slack, running, fake):
    make_deal(running.services.db, name="Acme Corp")
    view = open_checklist(slack, fake, ids.CMD_SPIN, "acme")
    assert view["callback_id"] == ids.VIEW_SPIN
    shown = all_text(view)
    for words in ("Situation", "Problem", "Implication", "Need-payoff", "first one"):
        assert words in shown
    assert "How do you handle orders now?" in shown  # the hint of good questions
    fake.clear()
    sub = slack.view_submission(view, SPIN_ANSWERS)
    assert sub.status == 200 and not sub.text.strip()  # the modal closes
    note = fake.wait_for("chat.postEphemeral")[0]
    assert "Saved SPIN version 1 for *Acme Corp* (4/5 parts filled)" in all_text(note.params)
    [row] = versions(running)
    assert (row.kind, row.version, row.filled, row.parts, row.created_by) == (
        "spin",
        1,
        4,
        5,
        "U1",
    )
    assert row.data["fields"]["problem_learned"] == "Orders get lost on busy days"

    again = open_checklist(slack, fake, ids.CMD_SPIN, "Acme Corp")
    assert initial(again, "awareness") == "problem_aware"
    assert initial(again, "situation_learned") == "WhatsApp, three admins"
    assert "pre-filled from version 1 by <@U1>" in all_text(again)
    slack.view_submission(again, {"need_payoff_learned": "Would save a full-time admin"})
    assert [v.version for v in versions(running)] == [1, 2]
    assert versions(running)[1].data["fields"]["situation_learned"] == "WhatsApp, three admins"


def test_spin_nothing_written_keeps_the_modal_open(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = open_checklist(slack, fake, ids.CMD_SPIN)
    sub = slack.view_submission(view, {})
    assert sub.json["response_action"] == "errors"
    assert "Nothing to save" in sub.json["errors"]["situation_learned"]
    assert not versions(running)
    assert any(v["callback_id"] == ids.VIEW_SPIN for v in fake.open_views())


def test_spin_overlong_answer_is_a_field_error(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = open_checklist(slack, fake, ids.CMD_SPIN)
    sub = slack.view_submission(view, {"problem_asked": "x" * 2100}, validate=False)
    assert "2100 characters" in sub.json["errors"]["problem_asked"]


def test_solution_aware_offers_direct_questions_and_keeps_answers(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = open_checklist(slack, fake, ids.CMD_SPIN)
    fake.clear()
    slack.block_action(
        ids.ACTION_SPIN_AWARENESS,
        view=view,
        selected_option="solution_aware",
        answers={"situation_learned": "Uses a competitor"},
    )
    hinted = valid(fake.last("views.update").params["view"])
    assert "direct questions fit better" in all_text(hinted)
    assert initial(hinted, "situation_learned") == "Uses a competitor"
    fake.clear()
    slack.block_action(ids.ACTION_SPIN_MODE, view=hinted)
    direct = valid(fake.last("views.update").params["view"])
    shown = all_text(direct)
    assert "Asking / reconfirming the problem" in shown and "Revealing the benefit" in shown
    assert "Also kept from the other question set" in shown
    assert initial(direct, "situation_learned") == "Uses a competitor"  # nothing lost
    slack.view_submission(direct, {"reveal_benefit_learned": "Faster month-end close"})
    [row] = versions(running)
    assert row.data["mode"] == "direct" and (row.filled, row.parts) == (2, 3)
    assert row.data["fields"]["situation_learned"] == "Uses a competitor"
    again = open_checklist(slack, fake, ids.CMD_SPIN)
    assert "Revealing the benefit" in all_text(again) and "Use SPIN instead" in all_text(again)


# --- BATNA ------------------------------------------------------------------------------


BATNA_ANSWERS = {
    "possible": "60jt",
    "target": "Rp 50.000.000",
    "critical": "40 juta",
    "our_alternative": "Sell the slot to PT Lain",
    "their_alternative": "Keep their spreadsheets",
    "dimensions": "Payment terms, training days",
    "objections": ["product", "need"],
    "responses": ["admit"],
    "objection_notes": "Too many features they won't use",
    "four_rs": ["react", "recognize", "respond", "reconfirm"],
}


def test_batna_open_fill_submit_values_in_full_and_reopen(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = open_checklist(slack, fake, ids.CMD_BATNA)
    assert view["callback_id"] == ids.VIEW_BATNA
    for words in ("Possible", "Target", "Critical", "Reverse", "Feel-felt-found", "Re-confirm"):
        assert words in all_text(view)
    fake.clear()
    sub = slack.view_submission(view, BATNA_ANSWERS)
    assert not sub.text.strip()
    note = all_text(fake.wait_for("chat.postEphemeral")[0].params)
    assert "Possible Rp60.000.000 · Target Rp50.000.000 · Critical Rp40.000.000" in note
    assert "6/6 parts" in note
    [row] = versions(running, "batna")
    assert row.data["possible"] == {"amount": "60000000", "currency": "IDR"}
    assert row.data["objections"] == ["product", "need"]

    again = open_checklist(slack, fake, ids.CMD_BATNA)
    assert initial(again, "possible") == "Rp60.000.000"  # shown in full, and reads back
    assert initial(again, "objections") == ["product", "need"]
    assert initial(again, "four_rs") == ["react", "recognize", "respond", "reconfirm"]
    sub = slack.view_submission(again, {"critical": "45jt"})
    assert not sub.text.strip(), sub.text
    latest = versions(running, "batna")[-1]
    assert latest.version == 2 and latest.data["target"]["amount"] == "50000000"
    assert latest.data["critical"]["amount"] == "45000000"


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ({"possible": "50jt", "target": "60jt"}, "target", "Target (Rp60.000.000) is above"),
        ({"possible": "60jt", "target": "50jt", "critical": "55jt"}, "critical", "Critical"),
        ({"possible": "lots"}, "possible", "couldn't read “lots”"),
        ({"possible": "$5,000", "target": "4jt"}, "target", "one currency"),
        ({"possible": "1.500jt"}, "possible", "could mean"),
        ({}, "possible", "Nothing to save"),
    ],
)
def test_batna_validation_keeps_the_modal_open(slack, running, fake, answers, field, words):
    make_deal(running.services.db, name="Acme")
    view = open_checklist(slack, fake, ids.CMD_BATNA)
    sub = slack.view_submission(view, answers)
    body = sub.json
    assert body["response_action"] == "errors"
    assert words in body["errors"][field]
    assert not versions(running)
    assert any(v["callback_id"] == ids.VIEW_BATNA for v in fake.open_views())


def test_batna_amounts_default_to_the_deal_currency(slack, running, fake):
    make_deal(running.services.db, name="Acme", value=5000, currency="USD")
    view = open_checklist(slack, fake, ids.CMD_BATNA)
    assert "in USD" in all_text(view)
    slack.view_submission(view, {"possible": "6k", "target": "5,000", "critical": "4.5k"})
    row = versions(running, "batna")[0]
    assert row.data["critical"] == {"amount": "4500", "currency": "USD"}
    card = all_text(slack.command(ids.CMD_PIPELINE, "Acme").json)
    assert "Possible $6,000 · Target $5,000 · Critical $4,500" in card


# --- versions on the card and in the history --------------------------------------------


def test_card_shows_latest_versions_with_completion_and_history_lists_older(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = open_checklist(slack, fake, ids.CMD_SPIN)
    slack.view_submission(view, {"situation_learned": "Old answer"})
    view = open_checklist(slack, fake, ids.CMD_SPIN)
    slack.view_submission(view, {"situation_learned": "New answer", "awareness": "unaware"})
    card = slack.command(ids.CMD_PIPELINE, "Acme").json
    shown = all_text(card)
    assert "*SPIN v2* · 2/5 parts · <@U1>" in shown
    assert "_Situation:_ New answer" in shown and "Old answer" not in shown  # latest only
    assert "*BATNA* not filled yet" in shown
    assert "/pipeline Acme history" in shown
    assert "Update SPIN" in shown and "Fill BATNA" in shown
    assert len(card["blocks"]) <= 50
    history_reply = slack.command(ids.CMD_PIPELINE, "Acme history").json
    for payload in (card, history_reply):  # slack_sdk's models take them, Slack's limits hold
        assert all(b.to_dict() for b in Block.parse_all(payload["blocks"]))
        assert not block_problems(payload["blocks"])
    history = all_text(history_reply)
    assert "History of Acme" in history
    assert "*SPIN v2*" in history and "*SPIN v1*" in history
    assert history.index("New answer") < history.index("Old answer")


def test_a_deal_named_history_gets_its_card_and_its_own_history(slack, running):
    """The whole text naming a deal exactly wins over reading its last word as "history"."""
    make_deal(running.services.db, name="Museum History")
    make_deal(running.services.db, name="Museum Club")
    card = all_text(slack.command(ids.CMD_PIPELINE, "Museum History").json)
    assert "Museum History" in card and "History of" not in card
    assert "History of Museum History" in all_text(
        slack.command(ids.CMD_PIPELINE, "museum history history").json
    )
    assert "History of Museum Club" in all_text(
        slack.command(ids.CMD_PIPELINE, "museum club history").json
    )


def test_card_button_opens_the_checklist(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    card = slack.command(ids.CMD_PIPELINE, "Acme").json
    fake.clear()
    slack.block_action(ids.ACTION_OPEN_BATNA, message=card)
    view = filled_modal(fake)
    assert view["callback_id"] == ids.VIEW_BATNA


def test_latest_completion_for_digests(running):
    db = running.services.db
    a, b = make_deal(db, name="A"), make_deal(db, name="B")
    make_deal(db, name="Other team", team_id="T2")
    with db.transaction() as s:
        for filled in (1, 3):
            cstore.save_checklist(
                session=s,
                team_id="T1",
                deal=store.get_deal(session=s, team_id="T1", deal_id=a),
                kind="spin",
                data={},
                filled=filled,
                parts=5,
                by="U1",
                now=NOW,
            )
    with db.read() as s:
        got = cstore.latest_completion(session=s, team_id="T1", deal_ids=[a, b, 3])
        assert cstore.latest_completion(session=s, team_id="T2", deal_ids=[a]) == {}
    assert list(got) == [a]
    assert (got[a]["spin"].version, got[a]["spin"].filled, got[a]["spin"].parts) == (2, 3, 5)
    with db.read() as s:  # the digest's hook (bot.usecases.digest.CompletionHook)
        assert digest_completion(s, "T1", [a, b]) == {
            a: "SPIN 3/5 · BATNA —",
            b: "SPIN — · BATNA —",
        }


# --- concurrency, deleted deals, owners, retries ----------------------------------------


def test_a_newer_version_saved_meanwhile_is_shown_and_nothing_is_lost(slack, running, fake):
    fake.add_user("UMGR")
    add_manager(running.services.db, "UMGR")
    make_deal(running.services.db, name="Acme")
    mine = open_checklist(slack, fake, ids.CMD_SPIN)
    theirs = open_checklist(slack, fake, ids.CMD_SPIN, user_id="UMGR")
    slack.view_submission(theirs, {"situation_learned": "Manager's notes"}, user_id="UMGR")
    sub = slack.view_submission(mine, {"situation_learned": "My notes"})
    body = sub.json
    assert body["response_action"] == "update"
    updated = valid(body["view"])
    assert "<@UMGR> saved version 1 while you were writing" in all_text(updated)
    assert initial(updated, "situation_learned") == "My notes"
    assert [v.created_by for v in versions(running)] == ["UMGR"]
    sub = slack.view_submission(updated, {})  # save again: mine becomes version 2
    assert not sub.text.strip(), sub.text
    assert [(v.version, v.data["fields"]["situation_learned"]) for v in versions(running)] == [
        (1, "Manager's notes"),
        (2, "My notes"),
    ]


def test_deal_deleted_meanwhile_is_a_clear_error(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = open_checklist(slack, fake, ids.CMD_BATNA)
    with running.services.db.transaction() as s:
        s.exec(delete(StageMove))
        s.exec(delete(Contact))
        s.exec(delete(Deal))
    sub = slack.view_submission(view, {"possible": "60jt"})
    assert sub.status == 200
    assert "no longer exists" in sub.json["errors"]["possible"]


def test_deal_given_to_someone_else_meanwhile_is_refused(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Acme", owner_id="U1")
    view = open_checklist(slack, fake, ids.CMD_SPIN)
    edit_deal(running.services.db, deal_id, by="UADMIN", owner_id="U2")
    sub = slack.view_submission(view, {"problem_learned": "Slow"})
    assert "now belongs to <@U2>" in sub.json["errors"]["awareness"]
    assert not versions(running)


def test_other_reps_cannot_open_or_save_a_checklist(slack, running, fake):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    refused = open_checklist(slack, fake, ids.CMD_SPIN, user_id="U2")
    assert refused["callback_id"] == ids.VIEW_NOTICE and "submit" not in refused
    shown = all_text(refused)
    assert "Only the deal's owner (<@U1>) or a manager" in shown
    assert "/spin Acme" in shown  # the command is echoed back
    view = open_checklist(slack, fake, ids.CMD_SPIN)
    sub = slack.view_submission(view, {"problem_learned": "Slow"}, user_id="U2")
    assert "Only the deal's owner" in sub.json["errors"]["awareness"]
    assert not versions(running)


def test_slack_retry_of_a_submission_saves_one_version(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = open_checklist(slack, fake, ids.CMD_SPIN)
    first = slack.view_submission(view, {"problem_learned": "Slow"})
    again = slack.resend(first, retry_num=1)
    assert again.status == 200 and not again.text.strip()
    assert len(versions(running)) == 1


def picker_button(view: dict, name: str) -> dict:
    """A picker's button: in a row of buttons, or beside the line that tells the deal apart
    (issue 14: stage, value, owner, created)."""
    buttons = [el for b in view["blocks"] if b["type"] == "actions" for el in b["elements"]]
    buttons += [b["accessory"] for b in view["blocks"] if "accessory" in b]
    return next(el for el in buttons if el["text"]["text"] == name)


def test_several_matches_get_a_picker_that_opens_the_checklist(slack, running, fake):
    make_deal(running.services.db, name="Acme Jakarta")
    make_deal(running.services.db, name="Acme Surabaya")
    picker = open_checklist(slack, fake, ids.CMD_BATNA, "acme")
    assert "Several deals match “acme”. Which one?" in all_text(picker)
    assert "/batna acme" in all_text(picker)
    picker_id = fake.last("views.open").response["view"]["id"]
    fake.clear()
    button = picker_button(picker, "Acme Surabaya")
    slack.block_action(button["action_id"], value=button["value"], view=picker)
    [update] = fake.wait_for("views.update")
    assert update.response["ok"] and update.params["view_id"] == picker_id
    view = valid(update.params["view"])
    assert view["callback_id"] == ids.VIEW_BATNA and "Acme Surabaya" in all_text(view)
    assert not fake.calls_to("views.open")  # the picker's modal became the sheet


def test_unknown_deal_and_help(slack, running, fake):
    unknown = open_checklist(slack, fake, ids.CMD_SPIN, "Zebra")
    assert "No deal matches “Zebra”. Add one with /prospect" in all_text(unknown)
    assert "/spin Zebra" in all_text(unknown)
    fake.clear()
    assert "/batna <deal>" in all_text(slack.command(ids.CMD_BATNA, "").json)
    assert "/spin <deal>" in all_text(slack.command(ids.CMD_SPIN, "help").json)
    assert not fake.calls_to("views.open")


def test_modal_opens_within_the_trigger_window_even_when_data_is_slow(
    slack, running, fake, monkeypatch
):
    make_deal(running.services.db, name="Acme")
    real = cstore.latest_checklist

    def slow(**kw):
        time.sleep(3.3)  # longer than the trigger_id lives
        return real(**kw)

    monkeypatch.setattr(cstore, "latest_checklist", slow)
    resp = slack.command(ids.CMD_SPIN, "Acme")
    assert resp.status == 200 and resp.elapsed < 3
    assert fake.last("views.open").response["ok"]
    update = fake.wait_for("views.update", timeout=10)[0]
    assert update.response["ok"] and update.params["view"]["callback_id"] == ids.VIEW_SPIN


# --- storage on SQLite and PostgreSQL ---------------------------------------------------


def save(db: Database, deal_id: int, kind: str = "spin", filled: int = 1, team_id: str = "T1"):
    with db.transaction() as s:
        deal = store.get_deal(session=s, team_id=team_id, deal_id=deal_id)
        return cstore.save_checklist(
            session=s,
            team_id=team_id,
            deal=deal,
            kind=kind,
            data={"fields": {"problem_learned": "x"}},
            filled=filled,
            parts=5,
            by="U1",
            now=NOW,
        )


def test_storage_versions_count_up_per_deal_and_kind_and_never_collide(db):
    a, b = make_deal(db, name="A"), make_deal(db, name="B")
    assert [save(db, a).version, save(db, a).version, save(db, b).version] == [1, 2, 1]
    assert save(db, a, kind="batna").version == 1
    with pytest.raises(IntegrityError), db.transaction() as s:  # a concurrent same version
        s.add(
            ChecklistVersion(
                team_id="T1", deal_id=a, kind="spin", version=2, data={}, created_by="U2"
            )
        )
    with db.read() as s:
        latest = cstore.latest_completion(session=s, team_id="T1", deal_ids=[a, b])
        assert {k: v.version for k, v in latest[a].items()} == {"spin": 2, "batna": 1}
        assert cstore.checklist_kinds(session=s, team_id="T1", deal_id=a) == {"spin", "batna"}
        assert cstore.count_checklist_versions(session=s, team_id="T1", deal_id=a) == {
            "spin": 2,
            "batna": 1,
        }


def test_storage_stays_in_its_workspace(db):
    mine = make_deal(db, name="Acme Jaya", team_id="T1")
    theirs = make_deal(db, name="Acme Other", team_id="T2")
    save(db, theirs, team_id="T2")
    with db.read() as s:
        found = cstore.search_deals(session=s, team_id="T1", query="acme", user_id="U1")
        assert [d.id for d in found] == [mine]
        assert cstore.latest_completion(session=s, team_id="T1", deal_ids=[theirs]) == {}
        assert cstore.list_checklist_versions(session=s, team_id="T1", deal_id=theirs) == []
        other_stage = stage_store.list_stages(session=s, team_id="T2")[0].id
    with pytest.raises(DomainError), db.transaction() as s:
        cstore.set_stage_gates(session=s, team_id="T1", gates={other_stage: ("spin", "require")})
    with db.read() as s:
        assert (
            stage_store.get_stage(session=s, team_id="T2", stage_id=other_stage).gate_mode == "off"
        )


def test_long_history_respects_block_kit_limits(slack, running):
    deal_id = make_deal(running.services.db, name="Acme")
    for _ in range(30):
        save(running.services.db, deal_id, kind="spin")
        save(running.services.db, deal_id, kind="batna")
    reply = slack.command(ids.CMD_PIPELINE, "Acme history").json
    assert len(reply["blocks"]) <= 50 and not block_problems(reply["blocks"])
    shown = all_text(reply)
    assert "*SPIN v30*" in shown and "*BATNA v30*" in shown
    assert shown.count("…and 25 older versions.") == 2


def test_closing_the_modal_while_it_loads_is_not_an_error(slack, running, fake, monkeypatch):
    make_deal(running.services.db, name="Acme")
    real = cstore.latest_checklist

    def slow(**kw):
        time.sleep(0.5)
        return real(**kw)

    monkeypatch.setattr(cstore, "latest_checklist", slow)
    fake.clear()
    slack.command(ids.CMD_SPIN, "Acme")
    opened = fake.last("views.open")
    fake.close_view(opened.response["view"]["id"])  # the user closed it
    [update] = fake.wait_for("views.update")
    assert update.response == {"ok": False, "error": "not_found"}
    time.sleep(0.3)
    assert not fake.messages()  # no apology: nothing went wrong
