"""Deals end to end: quick add, the deal modal, moves, pickers, pipeline, cards, Home tab,
roles, retries and workspace isolation — through signed requests and the fake Slack."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bot import ids
from bot.core.stages import DEFAULT_STAGES
from slackkit import all_text
from storage.models import Deal, DealChange, ProcessedRequest, Stage, StageMove
from tests.factories import NOW, add_manager, make_deal


def deals(running, team_id="T1"):
    with running.services.db.read() as s:
        return list(s.exec(select(Deal).where(Deal.team_id == team_id)).all())


def stage_key(running, deal: Deal) -> str:
    """The key of the stage ``deal`` is in (e.g. "negotiation")."""
    with running.services.db.read() as s:
        return s.get(Stage, deal.stage_id).key


def buttons(payload: dict) -> dict[str, dict]:
    out = {}
    for block in payload.get("blocks", []):
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            out[el["text"]["text"]] = el
        acc = block.get("accessory")
        if acc and acc.get("type") == "button":
            out[acc["text"]["text"]] = acc
    return out


def click(slack, payload: dict, label: str, **kw):
    b = buttons(payload)[label]
    return slack.block_action(b["action_id"], value=b.get("value"), message=payload, **kw)


# --- quick add --------------------------------------------------------------------------


def test_quick_add_echoes_what_it_understood(slack, running):
    resp = slack.command(ids.CMD_PROSPECT, "Acme Corp 50jt referral <@U2|maria>")
    assert resp.status == 200
    shown = all_text(resp.json)
    assert "Acme Corp" in shown and "Rp50.000.000" in shown and "<@U2>" in shown
    assert "Referral" in shown or "referral" in shown
    assert {"Edit", "Advance", "Log meeting"} <= set(buttons(resp.json))
    [deal] = deals(running)
    assert (deal.name, deal.value_cents, deal.currency, deal.owner_id, deal.created_by) == (
        "Acme Corp",
        5_000_000_000,
        "IDR",
        "U2",
        "U1",
    )
    with running.services.db.read() as s:
        [move] = s.exec(select(StageMove)).all()
    assert move.from_stage_id is None and move.to_name == "Prospecting"


def test_quick_add_in_another_order(slack, running):
    resp = slack.command(ids.CMD_PROSPECT, "<@U2|maria> inbound PT Maju Jaya Rp 50.000.000")
    assert "Rp50.000.000" in all_text(resp.json)
    [deal] = deals(running)
    assert deal.name == "PT Maju Jaya" and deal.source == "inbound"


def test_quick_add_refuses_ambiguous_amount_and_echoes_text(slack, running):
    resp = slack.command(ids.CMD_PROSPECT, "Acme 50jt 20jt")
    shown = all_text(resp.json)
    assert resp.status == 200
    assert "/prospect Acme 50jt 20jt" in shown
    assert not deals(running)


def test_duplicate_name_asks_before_creating(slack, running, fake):
    slack.command(ids.CMD_PROSPECT, "Acme Corp 10jt")
    resp = slack.command(ids.CMD_PROSPECT, "acme corp 20jt")
    assert "already" in all_text(resp.json)
    assert len(deals(running)) == 1
    click(slack, resp.json, "Create anyway")
    [reply] = fake.wait_for("response_url")
    assert "Rp20.000.000" in all_text(reply.params)
    assert len(deals(running)) == 2


def test_slack_retry_never_creates_a_second_deal(slack, running):
    first = slack.command(ids.CMD_PROSPECT, "Retry Co 5jt")
    again = slack.resend(first, retry_num=1)
    assert again.status == 200
    assert "Retry Co" in all_text(again.json)
    assert len(deals(running)) == 1
    with running.services.db.read() as s:
        assert len(s.exec(select(ProcessedRequest)).all()) == 1


# --- the modal --------------------------------------------------------------------------


def test_modal_open_fill_submit_then_visible_in_pipeline(slack, running, fake):
    running.services.now = lambda: NOW  # the dates below are in the future of NOW
    resp = slack.command(ids.CMD_PROSPECT, "")
    assert resp.status == 200 and not resp.text.strip()
    view = fake.last("views.open").params["view"]
    assert view["callback_id"] == ids.VIEW_NEW_DEAL
    sub = slack.view_submission(
        view,
        {
            ids.BLOCK_NAME: "Kopi Kenangan",
            ids.BLOCK_VALUE: "1,5 juta",
            ids.BLOCK_SOURCE: "referral_customer",
            ids.BLOCK_OWNER: "U1",
            ids.BLOCK_CONTACT_NAME: "Budi",
            ids.BLOCK_CONTACT_ROLE: "decision_maker",
            ids.BLOCK_CLOSE_DATE: "2026-12-20",
            ids.BLOCK_NEXT_STEP: "Send proposal",
            ids.BLOCK_NEXT_STEP_DUE: "2026-11-25",
        },
    )
    assert sub.status == 200 and not sub.text.strip()  # modal closes
    note = fake.wait_for("chat.postEphemeral")[0]
    assert "Rp1.500.000" in all_text(note.params)
    pipe = slack.command(ids.CMD_PIPELINE, "")
    shown = all_text(pipe.json)
    assert "Kopi Kenangan" in shown and "Prospecting" in shown
    card = all_text(slack.command(ids.CMD_PIPELINE, "kopi").json)
    assert (
        "Budi" in card and "Send proposal" in card and "Sunday, 20 Dec 2026" in card
    )  # Babel, for the reader (issue 11)


def test_modal_bad_value_keeps_modal_open_with_field_error(slack, running, fake):
    slack.command(ids.CMD_PROSPECT, "")
    view = fake.last("views.open").params["view"]
    sub = slack.view_submission(
        view, {ids.BLOCK_NAME: "Acme", ids.BLOCK_VALUE: "lots", ids.BLOCK_OWNER: "U1"}
    )
    body = sub.json
    assert body["response_action"] == "errors"
    assert "lots" in body["errors"][ids.BLOCK_VALUE]
    assert not deals(running)


def test_edit_prefills_and_close_date_slips_are_counted(slack, running, fake):
    running.services.now = lambda: NOW
    resp = slack.command(ids.CMD_PROSPECT, "Acme 10jt")
    click(slack, resp.json, "Edit")
    view = fake.last("views.open").params["view"]
    name_block = next(b for b in view["blocks"] if b["block_id"] == ids.BLOCK_NAME)
    assert name_block["element"]["initial_value"] == "Acme"
    for close in ("2026-12-01", "2026-12-15", "2027-01-10"):
        slack.view_submission(
            view,
            {
                ids.BLOCK_NAME: "Acme",
                ids.BLOCK_VALUE: "10jt",
                ids.BLOCK_OWNER: "U1",
                ids.BLOCK_CLOSE_DATE: close,
                ids.BLOCK_PROBABILITY: "35",
            },
        )
    card = all_text(slack.command(ids.CMD_PIPELINE, "Acme").json)
    assert "slipped 2×" in card and "35%" in card
    with running.services.db.read() as s:
        changes = s.exec(select(DealChange).where(DealChange.field == "expected_close")).all()
        assert len(changes) == 3


# --- moves ------------------------------------------------------------------------------


def test_advance_to_next_stage_with_playbook(slack, running):
    make_deal(running.services.db, name="Acme Corp")
    resp = slack.command(ids.CMD_ADVANCE, "acme")
    shown = all_text(resp.json)
    assert "Prospecting → *Approaching*" in shown
    assert "3M" in shown or "F.O.R.M" in shown
    resp = slack.command(ids.CMD_ADVANCE, "Acme to clos")
    shown = all_text(resp.json)
    assert "Approaching → *Closing*" in shown
    assert "Summary of benefit" in shown or "summary" in shown.lower()


def test_backward_move_asks_to_confirm(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="negotiation")
    resp = slack.command(ids.CMD_ADVANCE, "Acme to probing")
    assert "backwards" in all_text(resp.json)
    assert stage_key(running, deals(running)[0]) == "negotiation"  # nothing moved yet
    with running.services.db.read() as s:
        assert len(s.exec(select(StageMove)).all()) == 2  # created + to negotiation
    click(slack, resp.json, "Yes, move it")
    [reply] = fake.wait_for("response_url")
    assert "*Probing*" in all_text(reply.params)
    assert stage_key(running, deals(running)[0]) == "probing"


def test_won_lost_and_reopen(slack, running, fake):
    make_deal(running.services.db, name="Acme")
    make_deal(running.services.db, name="Beta")
    assert "won" in all_text(slack.command(ids.CMD_ADVANCE, "Acme won").json)
    resp = slack.command(ids.CMD_ADVANCE, "Beta lost price they went cheaper")
    assert "lost" in all_text(resp.json)
    beta = next(d for d in deals(running) if d.name == "Beta")
    assert (beta.status, beta.lost_reason, beta.lost_note) == ("lost", "price", "they went cheaper")
    bad = all_text(slack.command(ids.CMD_ADVANCE, "Acme lost weather").json)
    assert "weather" in bad and "price" in bad.lower()  # the list of reasons
    reopen = slack.command(ids.CMD_ADVANCE, "Beta to closing")
    assert "Re-open" in all_text(reopen.json)
    click(slack, reopen.json, "Yes, move it")
    fake.wait_for("response_url")
    beta = next(d for d in deals(running) if d.name == "Beta")
    assert beta.status == "open" and beta.lost_reason is None


def test_several_matches_get_a_picker(slack, running, fake):
    make_deal(running.services.db, name="Acme Jakarta")
    make_deal(running.services.db, name="Acme Surabaya")
    resp = slack.command(ids.CMD_ADVANCE, "acme")
    assert "Several deals" in all_text(resp.json)
    click(slack, resp.json, "Acme Surabaya")
    [reply] = fake.wait_for("response_url")
    assert "Acme Surabaya" in all_text(reply.params)
    assert "Approaching" in all_text(reply.params)


def test_unknown_name_gets_closest_names(slack, running):
    make_deal(running.services.db, name="Acme Corp")
    make_deal(running.services.db, name="Beta Logistics")
    resp = slack.command(ids.CMD_ADVANCE, "Akme Group")
    shown = all_text(resp.json)
    assert "No deal matches “Akme Group”" in shown and "Did you mean" in shown
    offered = buttons(resp.json)
    assert "Acme Corp" in offered  # the closest name, as a button to pick
    assert json.loads(offered["Acme Corp"]["value"])["d"] == 1
    with running.services.db.read() as s:
        assert len(s.exec(select(StageMove)).all()) == 2  # nothing moved


def test_unknown_name_with_nothing_close_says_so(slack, running):
    make_deal(running.services.db, name="Acme Corp")
    shown = all_text(slack.command(ids.CMD_ADVANCE, "Zebra Inc").json)
    assert "No deal matches “Zebra Inc”" in shown and "no deals to suggest" in shown
    assert "/advance Zebra Inc" in shown  # the user's text echoed back


def test_small_typo_still_matches(slack, running):
    make_deal(running.services.db, name="Acme Corp")
    assert "Approaching" in all_text(slack.command(ids.CMD_ADVANCE, "acme crop").json)


def test_retry_of_a_move_never_moves_twice(slack, running):
    make_deal(running.services.db, name="Acme")
    first = slack.command(ids.CMD_ADVANCE, "Acme")
    slack.resend(first, retry_num=1)
    slack.resend(first, retry_num=2)
    with running.services.db.read() as s:
        assert len(s.exec(select(StageMove)).all()) == 2  # created + one move


# --- roles ------------------------------------------------------------------------------

CHANGES = [
    ("advance", lambda slack, user: slack.command(ids.CMD_ADVANCE, "Acme", user_id=user)),
    (
        "to stage",
        lambda slack, user: slack.command(ids.CMD_ADVANCE, "Acme to closing", user_id=user),
    ),
    ("won", lambda slack, user: slack.command(ids.CMD_ADVANCE, "Acme won", user_id=user)),
    ("lost", lambda slack, user: slack.command(ids.CMD_ADVANCE, "Acme lost price", user_id=user)),
    ("edit", lambda slack, user: slack.block_action(ids.ACTION_EDIT_DEAL, value="1", user_id=user)),
]


@pytest.mark.parametrize(("change", "act"), CHANGES, ids=[c[0] for c in CHANGES])
@pytest.mark.parametrize(
    ("user", "allowed"), [("U1", True), ("U2", False), ("UADMIN", True), ("UMGR", True)]
)
def test_role_matrix(slack, running, fake, change, act, user, allowed):
    fake.add_user("UMGR")
    add_manager(running.services.db, "UMGR")
    deal_id = make_deal(running.services.db, name="Acme", owner_id="U1")
    assert deal_id == 1
    resp = act(slack, user)
    if change == "edit":
        if allowed:
            assert fake.wait_for("views.open")
        else:
            [reply] = fake.wait_for("response_url")
            assert "Only the deal's owner (<@U1>) or a manager" in all_text(reply.params)
            assert not fake.calls_to("views.open")
        return
    shown = all_text(resp.json)
    with running.services.db.read() as s:
        moved = len(s.exec(select(StageMove)).all()) > 1
    assert moved is allowed
    if not allowed:
        assert "Only the deal's owner (<@U1>) or a manager" in shown


def test_edit_submission_by_other_rep_is_refused_in_the_modal(slack, running, fake):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    slack.block_action(ids.ACTION_EDIT_DEAL, value="1", user_id="U1")
    view = fake.last("views.open").params["view"]
    sub = slack.view_submission(
        view, {ids.BLOCK_NAME: "Hijacked", ids.BLOCK_OWNER: "U2"}, user_id="U2"
    )
    assert sub.json["response_action"] == "errors"
    assert deals(running)[0].name == "Acme"


def test_managers_add_by_admin_only(slack, running):
    refused = all_text(slack.command(ids.CMD_PIPELINE, "managers add <@U2|bob>").json)
    assert "Only a manager" in refused
    ok = all_text(slack.command(ids.CMD_PIPELINE, "managers add <@U2|bob>", user_id="UADMIN").json)
    assert "<@U2>" in ok
    make_deal(running.services.db, name="Acme", owner_id="U1")
    assert "Approaching" in all_text(slack.command(ids.CMD_ADVANCE, "Acme", user_id="U2").json)


# --- isolation and limits ---------------------------------------------------------------


def test_other_workspace_deals_are_invisible_and_immovable(slack, running, fake):
    fake.add_team("T2", "xoxb-test")
    fake.add_user("U9", team_id="T2")
    make_deal(running.services.db, name="Zanzibar Trading", team_id="T1")
    resp = slack.command(ids.CMD_PIPELINE, "team", user_id="U9", team_id="T2")
    assert "Zanzibar Trading" not in all_text(resp.json)
    resp = slack.command(ids.CMD_ADVANCE, "Zanzibar Trading", user_id="U9", team_id="T2")
    assert "Approaching" not in all_text(resp.json)
    resp = slack.block_action(ids.ACTION_ADVANCE_DEAL, value="1", user_id="U9", team_id="T2")
    [reply] = fake.wait_for("response_url")
    assert "no longer exists" in all_text(reply.params)
    assert stage_key(running, deals(running)[0]) == "prospecting"
    with running.services.db.read() as s:
        assert len(s.exec(select(StageMove)).all()) == 1


def test_long_pipeline_respects_block_kit_limits(slack, running):
    for i in range(260):
        make_deal(running.services.db, name=f"Deal {i:03d} " + "x" * 150, value=i * 1000 + 1)
    resp = slack.command(ids.CMD_PIPELINE, "team")
    body = resp.json
    assert len(body["blocks"]) <= 50
    for block in body["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= 3000
    assert "more" in all_text(body)


def test_pipeline_totals_per_currency(slack, running):
    make_deal(running.services.db, name="A", value=10_000_000, currency="IDR")
    make_deal(running.services.db, name="B", value=5_000, currency="USD")
    shown = all_text(slack.command(ids.CMD_PIPELINE, "").json)
    assert "Rp10.000.000" in shown and "$5,000" in shown


def test_stages_list_and_home_tab(slack, running, fake):
    shown = all_text(slack.command(ids.CMD_PIPELINE, "stages").json)
    missing = [spec.name for spec in DEFAULT_STAGES if spec.name not in shown]
    assert not missing, missing  # every stage of the pipeline (tests/core/test_stages.py)
    make_deal(running.services.db, name="Acme", next_step="Call", next_step_due=None)
    slack.app_home_opened("U1")
    [call] = fake.wait_for("views.publish")
    assert call.params["user_id"] == "U1"
    assert "Acme" in json.dumps(call.params["view"])


def test_weighted_pipeline_uses_the_deals_own_probability_when_set(slack, running):
    make_deal(running.services.db, name="A", value=10_000_000)  # Prospecting, 10%
    make_deal(running.services.db, name="B", value=10_000_000, probability=50)
    shown = all_text(slack.command(ids.CMD_PIPELINE, "").json)
    assert "*Weighted*\nRp6.000.000" in shown  # 1.000.000 + 5.000.000


def test_home_tab_lists_quiet_deals_by_the_stage_rule(slack, running, fake):
    from datetime import timedelta

    from tests.factories import NOW

    make_deal(running.services.db, name="Old Quiet", now=NOW - timedelta(days=20))
    make_deal(running.services.db, name="Fresh", now=NOW)
    running.services.now = lambda: NOW
    slack.app_home_opened("U1")
    view = json.dumps(fake.wait_for("views.publish")[0].params["view"])
    assert "Quiet for 20 days" in view and "Fresh" in view
    assert view.count("Quiet for") == 1
