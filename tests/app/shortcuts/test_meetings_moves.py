"""The stage move of a meeting log follows /advance's rules (``bot.core.deals.plan_move`` and the
stage gates): a move back, re-opening a closed deal and a warning gate wait for a tick under the
stage select; a required gate waits for the checklist. Each held move is a field error on the
stage select, the modal stays open, nothing is stored and nothing is posted until it passes."""

from __future__ import annotations

from sqlmodel import delete

from bot import ids
from handlers.ui import meetings as ui
from slackkit import all_text
from storage import deals as store
from storage import stages as stage_store
from storage.models import Stage, StageMove
from storage.models_checklist import Activity, ChecklistVersion
from tests.app.commands.test_gates import set_gate, stage_of
from tests.app.shortcuts.test_meetings import deal_row, rows, stage_id
from tests.app.views.test_checklists import blocks, filled_modal, valid
from tests.factories import make_deal

BACK = "tick “Yes, move it back or re-open it”"
ANYWAY = "tick “I know, move it without the checklist”"
KEEP = "pick “Don't move it”"


def log_modal(slack, fake, deal_id: int = 1) -> dict:
    fake.clear()
    slack.block_action(ids.ACTION_LOG_MEETING, value=str(deal_id))
    return filled_modal(fake)


def log_acme(slack, fake, running, stage_key: str) -> dict:
    """Acme in ``stage_key``, and the Log meeting modal open on it."""
    make_deal(running.services.db, name="Acme", stage_key=stage_key)
    return log_modal(slack, fake)


def held(slack, fake, running, view: dict, answers: dict, *, stage: str) -> str:
    """Submit; the move must be held: the stage field's error, and nothing else happened."""
    before = (len(rows(running, Activity)), len(rows(running, StageMove)))
    sub = slack.view_submission(view, answers)
    assert sub.status == 200 and sub.json["response_action"] == "errors", sub.text
    assert set(sub.json["errors"]) == {ids.BLOCK_STAGE_MOVE}
    assert ids.BLOCK_STAGE_MOVE in blocks(view)  # the error sits under a block that exists
    assert (len(rows(running, Activity)), len(rows(running, StageMove))) == before
    assert stage_of(running) == stage
    assert any(v["callback_id"] == ids.VIEW_MEETING for v in fake.open_views())
    assert not fake.calls_to("chat.postEphemeral") and not fake.calls_to("chat.postMessage")
    return sub.json["errors"][ids.BLOCK_STAGE_MOVE]


def saved(slack, fake, view: dict, answers: dict) -> str:
    fake.clear()
    sub = slack.view_submission(view, answers)
    assert sub.status == 200 and not sub.text.strip(), sub.text
    return all_text(fake.wait_for("chat.postEphemeral")[0].params)


def test_the_modal_offers_no_move_first_and_the_confirm_ticks(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    view = valid(log_modal(slack, fake))
    stage_options = blocks(view)[ids.BLOCK_STAGE_MOVE]["element"]["options"]
    assert stage_options[0] == {
        "text": {"type": "plain_text", "text": "Don't move it"},
        "value": ui.STAGE_KEEP,
    }
    assert "Lost" not in [o["text"]["text"] for o in stage_options]
    confirm = blocks(view)[ui.BLOCK_MOVE_CONFIRM]
    assert confirm["optional"] is True and confirm["element"]["type"] == "checkboxes"
    assert [o["text"]["text"] for o in confirm["element"]["options"]] == [
        "Yes, move it back or re-open it",
        "I know, move it without the checklist",
    ]


def test_moving_back_asks_first_and_the_tick_moves_it_back(slack, running, fake):
    deal_id = make_deal(running.services.db, name="Acme", stage_key="negotiation")
    view = log_modal(slack, fake)
    answers = {
        ids.BLOCK_NOTES: "Budget frozen until Q2",
        ids.BLOCK_NEXT_STEP: "Call again in March",
        ids.BLOCK_STAGE_MOVE: stage_id(running, "prospecting"),
    }
    error = held(slack, fake, running, view, answers, stage="negotiation")
    assert "Prospecting is an earlier stage than Negotiation" in error
    assert "To move “Acme” back anyway" in error and BACK in error and KEEP in error
    assert deal_row(running).next_step is None  # nothing of the log stored either
    # The other tick is not a confirmation of a move back.
    ticked = {**answers, ui.BLOCK_MOVE_CONFIRM: [ui.CONFIRM_GATE]}
    error = held(slack, fake, running, view, ticked, stage="negotiation")
    assert "earlier stage" in error
    note = saved(slack, fake, view, {**answers, ui.BLOCK_MOVE_CONFIRM: [ui.CONFIRM_BACK]})
    assert "moved Negotiation → Prospecting" in note and ":warning:" not in note
    assert stage_of(running) == "prospecting"
    last = rows(running, StageMove)[-1]
    assert (last.deal_id, last.from_name, last.to_name, last.moved_by) == (
        deal_id,
        "Negotiation",
        "Prospecting",
        "U1",
    )
    [log] = rows(running, Activity)
    assert (log.stage_from, log.stage_to) == ("Negotiation", "Prospecting")
    assert deal_row(running).next_step == "Call again in March"


def test_a_won_deal_is_not_reopened_without_the_tick(slack, running, fake):
    view = log_acme(slack, fake, running, "won")
    answers = {ids.BLOCK_NOTES: "They want more seats", ids.BLOCK_STAGE_MOVE: "Closing"}
    error = held(slack, fake, running, view, answers, stage="won")
    assert "“Acme” is closed (won). To re-open it in Closing" in error and BACK in error
    assert deal_row(running).status == "won"
    note = saved(slack, fake, view, {**answers, ui.BLOCK_MOVE_CONFIRM: [ui.CONFIRM_BACK]})
    assert "moved Won → Closing" in note
    deal = deal_row(running)
    assert (deal.status, deal.closed_at) == ("open", None)
    assert stage_of(running) == "closing"
    last = rows(running, StageMove)[-1]
    assert (last.from_status, last.to_status) == ("won", "open")


def test_picking_dont_move_saves_the_log_where_the_deal_is(slack, running, fake):
    view = log_acme(slack, fake, running, "won")
    answers = {ids.BLOCK_NOTES: "Quarterly check-in", ids.BLOCK_STAGE_MOVE: "Closing"}
    held(slack, fake, running, view, answers, stage="won")
    note = saved(slack, fake, view, {**answers, ids.BLOCK_STAGE_MOVE: ui.STAGE_KEEP})
    assert "Logged the meeting" in note and "moved" not in note
    [log] = rows(running, Activity)
    assert (log.notes, log.stage_to) == ("Quarterly check-in", None)
    assert deal_row(running).status == "won" and stage_of(running) == "won"


def test_back_into_a_warning_gate_asks_for_both_ticks_at_once(slack, running, fake):
    view = log_acme(slack, fake, running, "closing")
    answers = {ids.BLOCK_NOTES: "They reopened the price", ids.BLOCK_STAGE_MOVE: "Negotiation"}
    error = held(slack, fake, running, view, answers, stage="closing")
    assert "Negotiation is an earlier stage than Closing" in error and BACK in error
    assert "Negotiation asks for a BATNA checklist" in error and ANYWAY in error
    ticked = {**answers, ui.BLOCK_MOVE_CONFIRM: [ui.CONFIRM_BACK]}
    error = held(slack, fake, running, view, ticked, stage="closing")
    assert "earlier stage" not in error and ANYWAY in error  # only what is still missing
    ticks = [ui.CONFIRM_BACK, ui.CONFIRM_GATE]
    note = saved(slack, fake, view, {**answers, ui.BLOCK_MOVE_CONFIRM: ticks})
    assert "moved Closing → Negotiation" in note
    assert ":warning: Negotiation asks for a BATNA checklist" in note
    assert stage_of(running) == "negotiation"


def test_a_warning_gate_passes_once_the_checklist_is_filled_from_the_modal(slack, running, fake):
    meeting = log_acme(slack, fake, running, "probing")
    answers = {ids.BLOCK_NOTES: "Discovery", ids.BLOCK_STAGE_MOVE: "Presentation"}
    error = held(slack, fake, running, meeting, answers, stage="probing")
    assert "Press “Fill SPIN” below to fill it first" in error
    fake.clear()
    slack.block_action(ids.ACTION_OPEN_SPIN, view=meeting, answers=answers)
    assert fake.last("views.push").response["ok"]
    spin = valid(fake.last("views.update").params["view"])
    slack.view_submission(spin, {"problem_learned": "Orders get lost"})
    assert "Saved SPIN version 1" in all_text(fake.wait_for("chat.postEphemeral")[0].params)
    assert [v["callback_id"] for v in fake.open_views()] == [ids.VIEW_MEETING]
    note = saved(slack, fake, meeting, answers)  # no tick needed now
    assert "moved Probing → Presentation" in note and ":warning:" not in note
    assert stage_of(running) == "presentation"


def test_a_required_gate_refuses_any_tick_and_passes_with_the_checklist(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    set_gate(running, "presentation", "spin", "require")
    meeting = log_modal(slack, fake)
    answers = {ids.BLOCK_NOTES: "Demo booked", ids.BLOCK_STAGE_MOVE: "Presentation"}
    ticks = {ui.BLOCK_MOVE_CONFIRM: [ui.CONFIRM_BACK, ui.CONFIRM_GATE]}
    error = held(slack, fake, running, meeting, {**answers, **ticks}, stage="probing")
    assert "Presentation requires a SPIN checklist first" in error
    assert "Press “Fill SPIN” below" in error and KEEP in error
    assert "tick" not in error  # nothing to tick past a required gate
    fake.clear()
    slack.block_action(ids.ACTION_OPEN_SPIN, view=meeting, answers=answers)
    spin = valid(fake.last("views.update").params["view"])
    slack.view_submission(spin, {"problem_learned": "Month-end is slow"})
    assert "Saved SPIN version 1" in all_text(fake.wait_for("chat.postEphemeral")[0].params)
    [version] = rows(running, ChecklistVersion)
    assert (version.kind, version.deal_id) == ("spin", 1)
    assert stage_of(running) == "probing"  # the checklist alone moves nothing here
    note = saved(slack, fake, meeting, answers)
    assert "moved Probing → Presentation" in note
    assert stage_of(running) == "presentation"
    [log] = rows(running, Activity)
    assert log.stage_to == "Presentation"


def test_a_stage_removed_meanwhile_is_a_field_error_on_the_stage(slack, running, fake):
    view = log_acme(slack, fake, running, "probing")
    closing = stage_id(running, "closing")
    with running.services.db.transaction() as s:
        s.exec(delete(Stage).where(Stage.id == int(closing)))
    error = held(
        slack,
        fake,
        running,
        view,
        {ids.BLOCK_NOTES: "Wrap-up", ids.BLOCK_STAGE_MOVE: closing},
        stage="probing",
    )
    assert "That stage no longer exists" in error


def test_another_workspaces_stage_cannot_be_the_target(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")
    make_deal(running.services.db, name="Theirs", team_id="T2")  # seeds T2's stages
    view = log_modal(slack, fake)
    with running.services.db.read() as s:
        theirs = next(
            st.id for st in stage_store.list_stages(session=s, team_id="T2") if st.key == "closing"
        )
    payload = slack.view_submission_payload(
        view, {ids.BLOCK_NOTES: "Forged", ids.BLOCK_STAGE_MOVE: "Closing"}
    )
    picked = payload["view"]["state"]["values"][ids.BLOCK_STAGE_MOVE][ids.INPUT]
    picked["selected_option"]["value"] = str(theirs)  # a value Slack's client never offered
    sub = slack.interactive(payload, trigger_id=payload["trigger_id"])
    assert "That stage no longer exists" in sub.json["errors"][ids.BLOCK_STAGE_MOVE]
    assert not rows(running, Activity) and stage_of(running) == "probing"
    with running.services.db.read() as s:
        assert store.get_deal(session=s, team_id="T2", deal_id=2).stage_id != theirs
