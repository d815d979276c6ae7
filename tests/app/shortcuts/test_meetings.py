"""Meeting logs and notes end to end: the global "Log meeting" shortcut and the button on deal
replies, type-ahead for deals, every field stored (attendees join the decision-maker unit,
next step, stage move, activity), SPIN/BATNA pushed on top, and "Add to deal" on a message."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot import ids
from handlers.ui import meetings as ui
from slackkit import all_text
from storage import deals as store
from storage import stages as stage_store
from storage.models import Contact, Deal, StageMove
from storage.models_checklist import Activity, ChecklistVersion
from tests.app.views.test_checklists import blocks, filled_modal, initial, valid
from tests.factories import make_deal


def rows(running, model):
    with running.services.db.read() as s:
        return list(s.exec(select(model).order_by(model.id)).all())


def deal_row(running, deal_id=1) -> Deal:
    with running.services.db.read() as s:
        return store.get_deal(session=s, team_id="T1", deal_id=deal_id)


def today_in_jakarta() -> date:  # the fake's users live in Asia/Jakarta
    return (datetime.now(UTC) + timedelta(hours=7)).date()


def stage_id(running, key: str) -> str:
    with running.services.db.read() as s:
        return str(
            next(st.id for st in stage_store.list_stages(session=s, team_id="T1") if st.key == key)
        )


def meeting_modal_from_shortcut(slack, fake, **kw) -> dict:
    fake.clear()
    resp = slack.global_shortcut(ids.SHORTCUT_LOG_MEETING, **kw)
    assert resp.status == 200
    view = filled_modal(fake)
    assert view["callback_id"] == ids.VIEW_MEETING
    return view


def test_log_meeting_shortcut_end_to_end(slack, running, fake):
    db = running.services.db
    deal_id = make_deal(db, name="Acme Corp", stage_key="probing", next_step="Old step")
    make_deal(db, name="Beta Ltd")
    with db.transaction() as s:  # quiet for a month: stale
        deal = store.get_deal(session=s, team_id="T1", deal_id=deal_id)
        deal.last_activity_at = datetime(2026, 1, 1, tzinfo=UTC)
        s.add(deal)
    view = meeting_modal_from_shortcut(slack, fake)
    assert initial(view, ids.BLOCK_MEETING_DATE) == today_in_jakarta().isoformat()
    options = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "acm", view=view).json["options"]
    assert [o["text"]["text"] for o in options] == ["Acme Corp"]
    fake.clear()
    sub = slack.view_submission(
        view,
        {
            ids.BLOCK_DEAL: options[0],
            ids.BLOCK_MEETING_DATE: "2026-11-20",
            ids.BLOCK_ATTENDEES: "Budi Santoso, decision maker\nSari (coach)",
            ids.BLOCK_NOTES: "Demo went well; IT worried about integration",
            ids.BLOCK_OUTCOME: "They want a proposal",
            ids.BLOCK_NEXT_STEP: "Send the proposal",
            ids.BLOCK_NEXT_STEP_DUE: "2026-11-27",
            ids.BLOCK_STAGE_MOVE: stage_id(running, "closing"),
        },
    )
    assert sub.status == 200 and not sub.text.strip(), sub.text
    note = all_text(fake.wait_for("chat.postMessage")[0].params)  # no channel: the app DM
    assert "Logged the meeting of Fri 20 Nov on *Acme Corp*" in note
    assert "Budi Santoso (Decision maker)" in note and "moved Probing → Closing" in note
    [log] = rows(running, Activity)
    assert (log.kind, log.occurred_on, log.outcome, log.created_by) == (
        "meeting",
        date(2026, 11, 20),
        "They want a proposal",
        "U1",
    )
    assert log.attendees == [
        {"name": "Budi Santoso", "role": "decision_maker"},
        {"name": "Sari", "role": "coach"},
    ]
    deal = deal_row(running, deal_id)
    assert (deal.next_step, deal.next_step_due) == ("Send the proposal", date(2026, 11, 27))
    assert deal.last_activity_at > datetime(2026, 11, 1, tzinfo=UTC)  # no longer stale
    assert [m.to_name for m in rows(running, StageMove) if m.deal_id == deal_id][-1] == "Closing"
    assert {(c.name, c.role) for c in rows(running, Contact)} == {
        ("Budi Santoso", "decision_maker"),
        ("Sari", "coach"),
    }
    card = all_text(slack.command(ids.CMD_PIPELINE, "Acme Corp").json)
    assert "*Meetings and notes*" in card and "Demo went well" in card


def test_log_meeting_button_on_a_deal_reply_preselects_the_deal(slack, running, fake):
    resp = slack.command(ids.CMD_PROSPECT, "Acme Corp 10jt")
    fake.clear()
    slack.block_action(ids.ACTION_LOG_MEETING, value="1", message=resp.json)
    view = filled_modal(fake)
    assert blocks(view)[ids.BLOCK_DEAL]["element"]["initial_option"]["value"] == "1"
    fake.clear()
    sub = slack.view_submission(view, {ids.BLOCK_NOTES: "Intro call, friendly"})
    assert not sub.text.strip(), sub.text
    assert "Intro call" in all_text(fake.wait_for("chat.postEphemeral")[0].params)
    [log] = rows(running, Activity)
    assert log.deal_id == 1 and log.next_step is None and log.stage_to is None


def test_next_step_left_empty_keeps_the_current_one(slack, running, fake):
    make_deal(running.services.db, name="Acme", next_step="Call Budi")
    slack.block_action(ids.ACTION_LOG_MEETING, value="1")
    view = filled_modal(fake)
    assert "Call Budi" in all_text(view)  # the hint shows it
    slack.view_submission(view, {ids.BLOCK_NOTES: "Short chat"})
    assert deal_row(running).next_step == "Call Budi"


def test_meeting_validation_keeps_the_modal_open(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    slack.block_action(ids.ACTION_LOG_MEETING, value="1")
    view = filled_modal(fake)
    future = (today_in_jakarta() + timedelta(days=3)).isoformat()
    sub = slack.view_submission(
        view,
        {
            ids.BLOCK_MEETING_DATE: future,
            ids.BLOCK_ATTENDEES: "Budi, decision maker\n" + "S" * 201 + ", coach",
            ids.BLOCK_NOTES: "   ",
            ids.BLOCK_NEXT_STEP_DUE: "2026-12-01",
        },
        validate=False,
    )
    errors = sub.json["errors"]
    assert sub.json["response_action"] == "errors"
    assert "in the future" in errors[ids.BLOCK_MEETING_DATE]
    assert (
        "Line 2" in errors[ids.BLOCK_ATTENDEES] and "200 characters" in errors[ids.BLOCK_ATTENDEES]
    )
    assert "Write a few words" in errors[ids.BLOCK_NOTES]
    assert "next step" in errors[ids.BLOCK_NEXT_STEP]
    assert not rows(running, Activity)
    assert any(v["callback_id"] == ids.VIEW_MEETING for v in fake.open_views())


def test_meeting_without_a_deal_is_a_field_error(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = meeting_modal_from_shortcut(slack, fake)
    sub = slack.view_submission(view, {ids.BLOCK_NOTES: "Lunch"}, validate=False)
    assert "Pick the deal" in sub.json["errors"][ids.BLOCK_DEAL]


def test_moving_into_a_required_gate_from_the_log_waits_for_the_checklist(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    with running.services.db.transaction() as s:
        for st in stage_store.list_stages(session=s, team_id="T1"):
            if st.key == "presentation":
                st.gate_mode = "require"
                s.add(st)
    slack.block_action(ids.ACTION_LOG_MEETING, value="1")
    view = filled_modal(fake)
    sub = slack.view_submission(
        view, {ids.BLOCK_NOTES: "Demo", ids.BLOCK_STAGE_MOVE: stage_id(running, "presentation")}
    )
    assert "requires a SPIN checklist" in sub.json["errors"][ids.BLOCK_STAGE_MOVE]
    assert not rows(running, Activity)
    assert deal_row(running).stage_id == int(stage_id(running, "probing"))


def test_a_warning_gate_waits_for_the_move_anyway_tick(slack, running, fake):
    """Like /advance's "Move anyway": a warning gate holds the move until the rep ticks it."""
    make_deal(running.services.db, name="Acme", stage_key="probing")
    slack.block_action(ids.ACTION_LOG_MEETING, value="1")
    view = filled_modal(fake)
    answers = {ids.BLOCK_NOTES: "Demo", ids.BLOCK_STAGE_MOVE: stage_id(running, "presentation")}
    fake.clear()
    held = slack.view_submission(view, answers)
    error = held.json["errors"][ids.BLOCK_STAGE_MOVE]
    assert "Presentation asks for a SPIN checklist" in error
    assert "tick “I know, move it without the checklist”" in error
    assert not rows(running, Activity) and not fake.calls_to("chat.postEphemeral")
    assert deal_row(running).stage_id == int(stage_id(running, "probing"))
    slack.view_submission(view, {**answers, ui.BLOCK_MOVE_CONFIRM: [ui.CONFIRM_GATE]})
    note = all_text(fake.wait_for("chat.postEphemeral")[0].params)
    assert "moved Probing → Presentation" in note
    assert ":warning: Presentation asks for a SPIN checklist" in note  # said again, once moved
    assert deal_row(running).stage_id == int(stage_id(running, "presentation"))


def test_spin_pushed_from_the_meeting_modal(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    slack.block_action(ids.ACTION_LOG_MEETING, value="1")
    meeting = filled_modal(fake)
    fake.clear()
    slack.block_action(ids.ACTION_OPEN_SPIN, view=meeting, answers={ids.BLOCK_NOTES: "Typed"})
    pushed = fake.last("views.push")
    assert pushed.response["ok"], pushed.response
    spin = valid(fake.last("views.update").params["view"])
    assert spin["callback_id"] == ids.VIEW_SPIN and "Acme" in all_text(spin)
    assert [v["callback_id"] for v in fake.open_views()] == [ids.VIEW_MEETING, ids.VIEW_SPIN]
    slack.view_submission(spin, {"problem_learned": "Integration pain"})
    assert [v["callback_id"] for v in fake.open_views()] == [ids.VIEW_MEETING]  # back to it
    [version] = rows(running, ChecklistVersion)
    assert version.kind == "spin" and version.deal_id == 1
    sub = slack.view_submission(meeting, {ids.BLOCK_NOTES: "Discovery call"})
    assert not sub.text.strip()
    assert len(rows(running, Activity)) == 1


def test_checklist_button_without_a_deal_asks_to_pick_one(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    view = meeting_modal_from_shortcut(slack, fake)
    fake.clear()
    slack.block_action(ids.ACTION_OPEN_BATNA, view=view)
    pushed = fake.last("views.push")
    assert "Pick the deal first" in all_text(pushed.params["view"])
    valid(pushed.params["view"])


def test_other_reps_cannot_log_on_someone_elses_deal(slack, running, fake):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    slack.block_action(ids.ACTION_LOG_MEETING, value="1", user_id="U2")
    view = filled_modal(fake)
    assert "Only the deal's owner (<@U1>)" in all_text(view)
    mine = meeting_modal_from_shortcut(slack, fake, user_id="U2")
    options = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "", view=mine, user_id="U2")
    sub = slack.view_submission(
        mine,
        {ids.BLOCK_DEAL: options.json["options"][0], ids.BLOCK_NOTES: "Sneaky"},
        user_id="U2",
    )
    assert "Only the deal's owner" in sub.json["errors"][ids.BLOCK_DEAL]
    assert not rows(running, Activity)


def test_retry_of_a_meeting_log_stores_it_once(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    slack.block_action(ids.ACTION_LOG_MEETING, value="1")
    view = filled_modal(fake)
    first = slack.view_submission(view, {ids.BLOCK_NOTES: "Once"})
    again = slack.resend(first, retry_num=1)
    assert again.status == 200 and not again.text.strip()
    assert len(rows(running, Activity)) == 1


def test_type_ahead_finds_deals_by_any_word_and_stays_in_the_workspace(slack, running, fake):
    db = running.services.db
    for name in ("PT Maju Jaya", "Acme Corp", "Kopi Kenangan"):
        make_deal(db, name=name)
    make_deal(db, name="Maju Other Team", team_id="T2")
    view = meeting_modal_from_shortcut(slack, fake)
    found = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "jaya", view=view).json["options"]
    assert [o["text"]["text"] for o in found] == ["PT Maju Jaya"]
    typo = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "kopi kenagan", view=view).json
    assert [o["text"]["text"] for o in typo["options"]] == ["Kopi Kenangan"]
    mine = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "", view=view).json["options"]
    assert len(mine) == 3
    for _ in range(120):
        make_deal(db, name=f"Deal {_:03d}")
    many = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "deal", view=view).json["options"]
    assert len(many) == 100


# --- "Add to deal" ----------------------------------------------------------------------


MESSAGE = {"type": "message", "user": "U2", "ts": "1763888400.000100", "text": "Budget approved!"}


def test_add_to_deal_turns_a_message_into_a_note_with_a_link(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    fake.clear()
    resp = slack.message_shortcut(ids.SHORTCUT_ADD_TO_DEAL, message=MESSAGE)
    assert resp.status == 200
    opened = fake.last("views.open")
    assert opened.response["ok"]
    assert initial(valid(opened.params["view"]), ids.BLOCK_NOTES) == "Budget approved!"
    assert fake.last("chat.getPermalink").params["message_ts"] == MESSAGE["ts"]
    view = valid(fake.last("views.update").params["view"])
    link = "https://t1-ws.slack.com/archives/C1/p1763888400000100"
    assert link in all_text(view)
    option = slack.block_suggestion(ids.ACTION_DEAL_SEARCH, "acme", view=view).json["options"][0]
    fake.clear()
    sub = slack.view_submission(view, {ids.BLOCK_DEAL: option})
    assert not sub.text.strip(), sub.text
    assert "Added a note to *Acme*" in all_text(fake.wait_for("chat.postEphemeral")[0].params)
    [note] = rows(running, Activity)
    assert (note.kind, note.notes, note.message_link, note.message_author) == (
        "note",
        "Budget approved!",
        link,
        "U2",
    )
    assert note.occurred_on == date(2025, 11, 23)  # the message's day, in the user's zone
    card = all_text(slack.command(ids.CMD_PIPELINE, "Acme").json)
    assert "Budget approved!" in card and link in card


def test_add_to_deal_validation_and_permissions(slack, running, fake):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    slack.message_shortcut(ids.SHORTCUT_ADD_TO_DEAL, message=MESSAGE, user_id="U2")
    view = valid(fake.last("views.update").params["view"])
    sub = slack.view_submission(view, {ids.BLOCK_NOTES: ""}, user_id="U2", validate=False)
    assert set(sub.json["errors"]) == {ids.BLOCK_DEAL, ids.BLOCK_NOTES}
    option = {"text": {"type": "plain_text", "text": "Acme"}, "value": "1"}
    sub = slack.view_submission(view, {ids.BLOCK_DEAL: option}, user_id="U2")
    assert "Only the deal's owner" in sub.json["errors"][ids.BLOCK_DEAL]
    assert not rows(running, Activity)


def test_add_to_deal_when_the_permalink_call_fails(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    fake.set_error("chat.getPermalink", "channel_not_found")
    fake.clear()
    slack.message_shortcut(ids.SHORTCUT_ADD_TO_DEAL, message=MESSAGE)
    view = valid(fake.last("views.update").params["view"])
    option = {"text": {"type": "plain_text", "text": "Acme"}, "value": "1"}
    slack.view_submission(view, {ids.BLOCK_DEAL: option})
    [note] = rows(running, Activity)
    assert note.message_link == "https://slack.com/archives/C1/p1763888400000100"
