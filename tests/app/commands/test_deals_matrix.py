"""Deals, the rest of the role matrix (owner / other rep / manager × each change not covered
in test_deals.py), a second workspace (T2) that must never see or touch T1's deals, and
Slack's retries of the requests that create deals — all through signed requests and the fake
Slack, checking both what is stored and what Slack was sent."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from bot import ids
from slackkit import all_text
from storage.models import Deal, Manager, ProcessedRequest, Stage, StageMove
from tests.app.commands.test_deals import buttons, click, deals
from tests.factories import NOW, add_manager, make_deal

WHO_CAN = "Only the deal's owner (<@U1>) or a manager can change"

#: owner / other rep / named manager / Slack workspace admin (users.info is_admin)
ROLES = [("U1", True), ("U2", False), ("UMGR", True), ("UADMIN", True)]
ROLE_IDS = ["owner", "other-rep", "named-manager", "workspace-admin"]


@pytest.fixture
def umgr(running, fake) -> str:
    """UMGR: a plain Slack member the workspace named with /pipeline managers add."""
    fake.add_user("UMGR", name="mgr", real_name="Mia Manager")
    add_manager(running.services.db, "UMGR")
    return "UMGR"


def moves(running, deal_id: int | None = None) -> list[StageMove]:
    with running.services.db.read() as s:
        q = select(StageMove).order_by(StageMove.id)
        if deal_id is not None:
            q = q.where(StageMove.deal_id == deal_id)
        return list(s.exec(q).all())


def deal(running, deal_id: int) -> Deal:
    with running.services.db.read() as s:
        return s.get(Deal, deal_id)


def stage_key(running, deal_id: int) -> str:
    with running.services.db.read() as s:
        return s.get(Stage, s.get(Deal, deal_id).stage_id).key


def settle(seconds: float = 0.4) -> None:
    """Give the app time to make calls it should NOT make (for "nothing else was sent")."""
    time.sleep(seconds)


def home_text(fake, user_id: str) -> str:
    return json.dumps(fake.home_view(user_id))


# --- the Edit deal modal, submitted -----------------------------------------------------


def open_edit_modal(slack, fake, *, as_user: str) -> dict:
    opened = len(fake.calls_to("views.open"))
    slack.block_action(ids.ACTION_EDIT_DEAL, value="1", user_id=as_user)
    view = fake.wait_for("views.open", count=opened + 1)[-1].params["view"]
    assert view["callback_id"] == ids.VIEW_NEW_DEAL
    return view


@pytest.mark.parametrize(("user", "allowed"), ROLES, ids=ROLE_IDS)
def test_edit_modal_submission_matrix(slack, running, fake, umgr, user, allowed):
    make_deal(running.services.db, name="Acme", owner_id="U1", value=10_000_000)
    # The owner opened the modal; whoever submits it is the one acting (a manager or the
    # owner opens it themselves; another rep could only replay someone else's modal).
    view = open_edit_modal(slack, fake, as_user=user if allowed else "U1")
    answers = {
        ids.BLOCK_NAME: "Acme Renamed",
        ids.BLOCK_VALUE: "25jt",
        ids.BLOCK_OWNER: "U1",
        ids.BLOCK_NEXT_STEP: "Send the proposal",
    }
    sub = slack.view_submission(view, answers, user_id=user)
    assert sub.status == 200
    stored = deal(running, 1)
    if allowed:
        assert not sub.text.strip()  # the modal closes
        [note] = fake.wait_for("chat.postEphemeral")
        assert note.params["user"] == user
        assert "Saved *Acme Renamed*" in all_text(note.params)
        assert (stored.name, stored.value_cents, stored.next_step, stored.owner_id) == (
            "Acme Renamed",
            2_500_000_000,
            "Send the proposal",
            "U1",
        )
        card = all_text(slack.command(ids.CMD_PIPELINE, "Acme Renamed", user_id=user).json)
        assert "Rp25.000.000" in card and "Send the proposal" in card
    else:
        body = sub.json
        assert body["response_action"] == "errors"  # the modal stays open, answers kept
        assert WHO_CAN in body["errors"][ids.BLOCK_NAME]
        assert (stored.name, stored.value_cents, stored.next_step) == ("Acme", 1_000_000_000, None)
        settle()
        assert not fake.calls_to("chat.postEphemeral")
        assert not fake.calls_to("chat.postMessage")


def test_other_rep_cannot_take_a_deal_over_through_the_modal(slack, running, fake):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    view = open_edit_modal(slack, fake, as_user="U1")
    sub = slack.view_submission(view, {ids.BLOCK_OWNER: "U2"}, user_id="U2")
    assert WHO_CAN in sub.json["errors"][ids.BLOCK_NAME]
    assert deal(running, 1).owner_id == "U1"


def test_stale_modal_of_a_former_owner_is_refused(slack, running, fake, umgr):
    """U1 opens Edit; a manager hands the deal to U2; U1's old modal may not save."""
    make_deal(running.services.db, name="Acme", owner_id="U1")
    stale = open_edit_modal(slack, fake, as_user="U1")
    mgr_view = open_edit_modal(slack, fake, as_user="UMGR")
    slack.view_submission(mgr_view, {ids.BLOCK_OWNER: "U2"}, user_id="UMGR")
    assert deal(running, 1).owner_id == "U2"
    sub = slack.view_submission(stale, {ids.BLOCK_NAME: "Mine again"}, user_id="U1")
    assert "Only the deal's owner (<@U2>) or a manager" in sub.json["errors"][ids.BLOCK_NAME]
    assert (deal(running, 1).name, deal(running, 1).owner_id) == ("Acme", "U2")


def assert_refused(shown: str, running, *, stage: str, moves_before: int) -> None:
    """Not someone who may move deal 1: told who can, and the deal stays in ``stage`` with
    no move added."""
    assert WHO_CAN in shown
    assert stage_key(running, 1) == stage
    assert len(moves(running)) == moves_before


# --- "Yes, move it" on a backward move / re-open ------------------------------------------


@pytest.mark.parametrize(("user", "allowed"), ROLES, ids=ROLE_IDS)
def test_confirm_backward_move_matrix(slack, running, fake, umgr, user, allowed):
    make_deal(running.services.db, name="Acme", owner_id="U1", stage_key="negotiation")
    asked = slack.command(ids.CMD_ADVANCE, "Acme to probing", user_id="U1")
    assert "backwards" in all_text(asked.json)
    assert len(moves(running)) == 2  # created, then negotiation: nothing moved yet
    click(slack, asked.json, "Yes, move it", user_id=user)
    [reply] = fake.wait_for("response_url")
    shown = all_text(reply.params)
    if allowed:
        assert "Negotiation → *Probing*" in shown
        assert stage_key(running, 1) == "probing"
        last = moves(running)[-1]
        assert (last.from_name, last.to_name, last.moved_by) == ("Negotiation", "Probing", user)
    else:
        assert_refused(shown, running, stage="negotiation", moves_before=2)


@pytest.mark.parametrize(("user", "allowed"), ROLES, ids=ROLE_IDS)
def test_confirm_reopen_matrix(slack, running, fake, umgr, user, allowed):
    make_deal(
        running.services.db,
        name="Beta",
        owner_id="U1",
        path=(("lost", NOW, "price"),),
    )
    assert deal(running, 1).status == "lost"
    asked = slack.command(ids.CMD_ADVANCE, "Beta to closing", user_id="U1")
    assert "Re-open" in all_text(asked.json)
    click(slack, asked.json, "Yes, move it", user_id=user)
    [reply] = fake.wait_for("response_url")
    shown = all_text(reply.params)
    stored = deal(running, 1)
    if allowed:
        assert "*Closing*" in shown
        assert (stored.status, stored.lost_reason, stage_key(running, 1)) == (
            "open",
            None,
            "closing",
        )
        assert moves(running)[-1].moved_by == user
    else:
        assert WHO_CAN in shown
        assert (stored.status, stored.lost_reason, stage_key(running, 1)) == (
            "lost",
            "price",
            "lost",
        )
        assert len(moves(running)) == 2


# --- the picker (several matches) ---------------------------------------------------------


@pytest.mark.parametrize(("user", "allowed"), ROLES, ids=ROLE_IDS)
def test_move_through_the_picker_matrix(slack, running, fake, umgr, user, allowed):
    make_deal(running.services.db, name="Acme Jakarta", owner_id="U1")
    make_deal(running.services.db, name="Acme Surabaya", owner_id="U1")
    resp = slack.command(ids.CMD_ADVANCE, "acme to probing", user_id=user)
    assert "Several deals" in all_text(resp.json)
    assert {"Acme Jakarta", "Acme Surabaya"} <= set(buttons(resp.json))
    click(slack, resp.json, "Acme Surabaya", user_id=user)
    [reply] = fake.wait_for("response_url")
    shown = all_text(reply.params)
    if allowed:
        assert reply.params.get("replace_original") is True  # the picker is replaced
        assert "Acme Surabaya" in shown and "*Probing*" in shown
        assert (stage_key(running, 1), stage_key(running, 2)) == ("prospecting", "probing")
    else:
        assert "Only the deal's owner (<@U1>) or a manager can change “Acme Surabaya”" in shown
        assert (stage_key(running, 1), stage_key(running, 2)) == ("prospecting", "prospecting")
        assert len(moves(running)) == 2


# --- the Advance button on a deal card and on the Home tab --------------------------------


@pytest.mark.parametrize(("user", "allowed"), ROLES, ids=ROLE_IDS)
def test_advance_button_on_a_deal_card_matrix(slack, running, fake, umgr, user, allowed):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    card = slack.command(ids.CMD_PIPELINE, "Acme", user_id=user)  # anyone may look
    assert "Acme" in all_text(card.json) and "<@U1>" in all_text(card.json)
    click(slack, card.json, "Advance", user_id=user)
    [reply] = fake.wait_for("response_url")
    shown = all_text(reply.params)
    if allowed:
        assert "Prospecting → *Approaching*" in shown
        assert stage_key(running, 1) == "approaching"
        assert moves(running)[-1].moved_by == user
    else:
        assert_refused(shown, running, stage="prospecting", moves_before=1)


@pytest.mark.parametrize(("user", "allowed"), ROLES, ids=ROLE_IDS)
def test_advance_button_on_the_home_tab_matrix(slack, running, fake, umgr, user, allowed):
    """U1's Home tab lists the deal; the Advance button there is clicked by ``user`` (for
    another rep: a stale tab after a hand-over, or a replayed payload)."""
    make_deal(
        running.services.db,
        name="Acme",
        owner_id="U1",
        next_step="Call Budi",
        next_step_due=NOW.date(),  # due this week: listed with buttons
    )
    running.services.now = lambda: NOW
    slack.app_home_opened("U1")
    fake.wait_for("views.publish")
    home = fake.home_view("U1")
    assert "Acme" in json.dumps(home)
    assert any(
        b.get("elements", [{}])[0].get("action_id") == ids.ACTION_ADVANCE_DEAL
        for b in home["blocks"]
        if b["type"] == "actions"
    )
    slack.block_action(ids.ACTION_ADVANCE_DEAL, value="1", view=home, user_id=user)
    [dm] = fake.wait_for("chat.postMessage")  # no response_url on the Home tab: the DM
    assert dm.params["channel"] == user
    shown = all_text(dm.params)
    if allowed:
        assert "Prospecting → *Approaching*" in shown
        assert stage_key(running, 1) == "approaching"
    else:
        assert_refused(shown, running, stage="prospecting", moves_before=1)


def test_home_tab_of_another_rep_offers_no_advance_for_my_deal(slack, running, fake):
    make_deal(
        running.services.db,
        name="Zenith Motors",
        owner_id="U1",
        next_step="Call",
        next_step_due=NOW.date(),
    )
    running.services.now = lambda: NOW
    slack.app_home_opened("U2")
    fake.wait_for("views.publish")
    home = home_text(fake, "U2")
    assert "Zenith" not in home and "You have no open deals" in home
    assert ids.ACTION_ADVANCE_DEAL not in home


# --- /pipeline managers remove | list -----------------------------------------------------


@pytest.mark.parametrize(
    ("user", "allowed"),
    [("U2", False), ("UMGR", True), ("UADMIN", True), ("U1", False)],
    ids=["other-rep", "named-manager", "workspace-admin", "deal-owner"],
)
def test_managers_remove_matrix(slack, running, fake, umgr, user, allowed):
    fake.add_user("UBOSS", name="boss")
    add_manager(running.services.db, "UBOSS")
    make_deal(running.services.db, name="Acme", owner_id="U1")
    resp = slack.command(ids.CMD_PIPELINE, "managers remove <@UBOSS|boss>", user_id=user)
    shown = all_text(resp.json)
    with running.services.db.read() as s:
        named = set(s.exec(select(Manager.user_id).where(Manager.team_id == "T1")).all())
    if allowed:
        assert "No longer managers: <@UBOSS>" in shown
        assert named == {"UMGR"}
        # the effect: UBOSS is a plain rep again and may not move U1's deal
        refused = all_text(slack.command(ids.CMD_ADVANCE, "Acme", user_id="UBOSS").json)
        assert WHO_CAN in refused
        assert stage_key(running, 1) == "prospecting"
    else:
        assert "Only a manager" in shown and "/pipeline managers add" in shown
        # the user's text echoed (escaped for mrkdwn, so Slack shows it as typed)
        assert "`/pipeline managers remove &lt;@UBOSS|boss&gt;`" in shown
        assert named == {"UMGR", "UBOSS"}
        moved = all_text(slack.command(ids.CMD_ADVANCE, "Acme", user_id="UBOSS").json)
        assert "Prospecting → *Approaching*" in moved  # still a manager


def test_managers_remove_needs_a_mention(slack, running, umgr):
    shown = all_text(slack.command(ids.CMD_PIPELINE, "managers remove mia", user_id="UADMIN").json)
    assert "Mention the person" in shown and "/pipeline managers remove @someone" in shown
    with running.services.db.read() as s:
        assert s.exec(select(Manager.user_id)).all() == ["UMGR"]


@pytest.mark.parametrize("user", ["U2", "UMGR", "UADMIN"], ids=["rep", "manager", "admin"])
def test_managers_list_is_open_to_everyone(slack, running, umgr, user):
    shown = all_text(slack.command(ids.CMD_PIPELINE, "managers list", user_id=user).json)
    assert "Managers named here: <@UMGR>." in shown
    # `/pipeline managers` alone lists too
    assert "<@UMGR>" in all_text(slack.command(ids.CMD_PIPELINE, "managers", user_id=user).json)


def test_managers_list_follows_add_and_remove(slack, running):
    empty = all_text(slack.command(ids.CMD_PIPELINE, "managers list").json)
    assert "No managers named yet" in empty
    slack.command(ids.CMD_PIPELINE, "managers add <@U2|bob>", user_id="UADMIN")
    assert "<@U2>" in all_text(slack.command(ids.CMD_PIPELINE, "managers list").json)
    slack.command(ids.CMD_PIPELINE, "managers remove <@U2|bob>", user_id="UADMIN")
    assert "No managers named yet" in all_text(slack.command(ids.CMD_PIPELINE, "managers").json)


def test_removing_a_workspace_admin_does_not_claim_they_are_no_longer_manager(slack, running):
    make_deal(running.services.db, name="Acme", owner_id="U1")
    shown = all_text(
        slack.command(ids.CMD_PIPELINE, "managers remove <@UADMIN|admin>", user_id="UADMIN").json
    )
    # still a manager: can move someone else's deal
    moved = all_text(slack.command(ids.CMD_ADVANCE, "Acme", user_id="UADMIN").json)
    assert "Prospecting → *Approaching*" in moved
    assert "No longer managers: <@UADMIN>" not in shown
    assert "<@UADMIN> stay managers all the same" in shown


def test_removing_someone_never_named_says_so(slack, running):
    shown = all_text(
        slack.command(ids.CMD_PIPELINE, "managers remove <@U2|bob>", user_id="UADMIN").json
    )
    assert "No longer managers: <@U2>" not in shown
    assert "<@U2> was not named a manager; nothing to remove." in shown


def test_managers_of_one_workspace_are_not_managers_of_another(slack, running, fake):
    fake.add_team("T2", "xoxb-test")
    fake.add_user("U9", team_id="T2")
    add_manager(running.services.db, "U9", team_id="T1")  # named in T1 only
    make_deal(running.services.db, name="Kilimanjaro", owner_id="U8", team_id="T2")
    listed = all_text(slack.command(ids.CMD_PIPELINE, "managers", user_id="U9", team_id="T2").json)
    assert "No managers named yet" in listed
    refused = all_text(
        slack.command(ids.CMD_ADVANCE, "Kilimanjaro", user_id="U9", team_id="T2").json
    )
    assert "Only the deal's owner (<@U8>) or a manager" in refused
    assert len(moves(running)) == 1


# --- a second workspace -------------------------------------------------------------------


@pytest.fixture
def t2(running, fake) -> str:
    """Workspace T2 (same app, same token) with member U9; T1 has deal #1 'Zanzibar
    Trading' worth Rp77.777.000."""
    fake.add_team("T2", "xoxb-test")
    fake.add_user("U9", team_id="T2")
    make_deal(running.services.db, name="Zanzibar Trading", team_id="T1", value=77_777_000)
    return "T2"


def test_open_card_button_with_a_t1_deal_id_from_t2(slack, running, fake, t2):
    slack.block_action(ids.ACTION_OPEN_CARD, value="1", user_id="U9", team_id=t2)
    [reply] = fake.wait_for("response_url")
    shown = all_text(reply.params)
    assert "no longer exists" in shown
    assert "Zanzibar" not in shown and "Rp77.777.000" not in shown and "<@U1>" not in shown


def test_edit_button_with_a_t1_deal_id_from_t2(slack, running, fake, t2):
    slack.block_action(ids.ACTION_EDIT_DEAL, value="1", user_id="U9", team_id=t2)
    [reply] = fake.wait_for("response_url")
    assert "no longer exists" in all_text(reply.params)
    settle()
    assert not fake.calls_to("views.open")  # no modal pre-filled with T1's deal


def test_edit_submission_naming_a_t1_deal_from_t2_changes_nothing(slack, running, fake, t2):
    """A T2 modal whose metadata names T1's deal #1 (Bolt takes the workspace from the
    view's app_installed_team_id, so the view itself is made T2's)."""
    view = open_edit_modal(slack, fake, as_user="U1")  # metadata: deal 1
    payload = slack.view_submission_payload(
        view, {ids.BLOCK_NAME: "Hijacked", ids.BLOCK_OWNER: "U9"}, user_id="U9", team_id=t2
    )
    payload["view"].update(team_id=t2, app_installed_team_id=t2)
    sub = slack.interactive(payload)
    assert sub.json["response_action"] == "errors"
    assert "no longer exists" in sub.json["errors"][ids.BLOCK_NAME]
    assert "Zanzibar" not in sub.text and "<@U1>" not in sub.text
    stored = deal(running, 1)
    assert (stored.name, stored.owner_id, stored.team_id) == ("Zanzibar Trading", "U1", "T1")
    assert deals(running, "T2") == []


def test_confirm_button_with_a_t1_deal_from_t2_moves_nothing(slack, running, fake, t2):
    payload = json.dumps({"d": 1, "kw": "to", "r": "prospecting", "f": None})
    slack.block_action(ids.ACTION_CONFIRM_MOVE, value=payload, user_id="U9", team_id=t2)
    [reply] = fake.wait_for("response_url")
    assert "no longer exists" in all_text(reply.params)
    assert len(moves(running)) == 1


def test_home_tab_of_a_t2_user_shows_no_t1_deals(slack, running, fake, t2):
    # Same user id in both workspaces (Enterprise Grid): a T1 deal U9 owns, due and quiet.
    make_deal(
        running.services.db,
        name="Serengeti Safaris",
        owner_id="U9",
        team_id="T1",
        next_step="Call back",
        next_step_due=NOW.date(),
        now=NOW - timedelta(days=30),
    )
    make_deal(
        running.services.db,
        name="Kilimanjaro",
        owner_id="U9",
        team_id="T2",
        next_step="Visit",
        next_step_due=NOW.date(),
    )
    running.services.now = lambda: NOW
    slack.app_home_opened("U9", team_id=t2)
    [call] = fake.wait_for("views.publish")
    assert call.params["user_id"] == "U9"
    view = json.dumps(call.params["view"])
    assert "Kilimanjaro" in view
    assert "Serengeti" not in view and "Zanzibar" not in view and "Call back" not in view
    assert "Quiet for" not in view
    # the buttons point at T2's deal only (Advance: "<deal>:<stage seen>")
    values = {
        el.get("value").split(":")[0]
        for b in call.params["view"]["blocks"]
        for el in ([b.get("accessory")] if b.get("accessory") else []) + b.get("elements", [])
        if isinstance(el, dict)
        and el.get("type") == "button"
        and el.get("action_id") != ids.ACTION_OPEN_NOTIFY  # the Notifications button
    }
    kili = next(d for d in deals(running, "T2") if d.name == "Kilimanjaro")
    assert values == {str(kili.id)}


def test_pipeline_card_by_a_t1_name_from_t2_finds_nothing(slack, running, fake, t2):
    resp = slack.command(ids.CMD_PIPELINE, "Zanzibar Trading", user_id="U9", team_id=t2)
    shown = all_text(resp.json)
    # Issue 14: a text that names no deal gets the usage (and says no deal is called that).
    assert "no deal is called “Zanzibar Trading”" in shown and "/pipeline stats" in shown
    assert "Rp77.777.000" not in shown and "<@U1>" not in shown and "*Stage*" not in shown
    assert not buttons(resp.json)  # nothing to pick, nothing to open
    # with a T2 deal of a close name, only that one is offered
    make_deal(running.services.db, name="Zanzibar Shipping", team_id="T2", owner_id="U9")
    resp = slack.command(ids.CMD_PIPELINE, "Zanzibar Trading", user_id="U9", team_id=t2)
    offered = buttons(resp.json)
    assert set(offered) == {"Zanzibar Shipping"}
    assert json.loads(offered["Zanzibar Shipping"]["value"])["d"] != 1
    prefix = all_text(slack.command(ids.CMD_PIPELINE, "zanzi", user_id="U9", team_id=t2).json)
    assert "Zanzibar Shipping" in prefix and "Rp77.777.000" not in prefix


# --- Slack retries of what creates deals --------------------------------------------------


def new_deal_view(slack, fake) -> dict:
    slack.command(ids.CMD_PROSPECT, "")
    view = fake.last("views.open").params["view"]
    assert view["callback_id"] == ids.VIEW_NEW_DEAL
    return view


NEW_DEAL = {ids.BLOCK_NAME: "Kopi Kenangan", ids.BLOCK_VALUE: "15jt", ids.BLOCK_OWNER: "U1"}


def test_retry_of_the_new_deal_modal_submission_creates_one_deal(slack, running, fake):
    sub = slack.view_submission(new_deal_view(slack, fake), NEW_DEAL)
    assert sub.status == 200 and not sub.text.strip()
    fake.wait_for("chat.postEphemeral")
    for n in (1, 2, 3):
        again = slack.resend(sub, retry_num=n)
        assert again.status == 200
        assert not again.text.strip() or again.json.get("response_action") != "errors"
    assert [d.name for d in deals(running)] == ["Kopi Kenangan"]
    assert len(moves(running)) == 1
    settle()
    assert len(fake.calls_to("chat.postEphemeral")) == 1  # one confirmation, not four


def send_with_retries(slack, payload: dict, retries=(1, 2, 3)) -> list:
    """The original request and Slack's retries of it, all in flight at once."""
    body = urlencode({"payload": json.dumps(payload)})

    def send(retry_num):
        headers = {"Content-Type": "application/x-www-form-urlencoded", **slack.sign(body)}
        if retry_num:
            headers.update({"X-Slack-Retry-Num": str(retry_num)})
            headers.update({"X-Slack-Retry-Reason": "http_timeout"})
        return slack.raw(body, headers)

    with ThreadPoolExecutor(len(retries) + 1) as pool:
        return list(pool.map(send, (0, *retries)))


def test_retries_racing_the_first_modal_submission_create_one_deal(slack, running, fake):
    payload = slack.view_submission_payload(new_deal_view(slack, fake), NEW_DEAL)
    answers = send_with_retries(slack, payload)
    assert [a.status for a in answers] == [200] * 4
    assert all(a.json is None or a.json.get("response_action") != "errors" for a in answers)
    assert [d.name for d in deals(running)] == ["Kopi Kenangan"]
    assert len(moves(running)) == 1
    with running.services.db.read() as s:
        assert len(s.exec(select(ProcessedRequest)).all()) == 1
    fake.wait_for("chat.postEphemeral")
    settle()
    assert len(fake.calls_to("chat.postEphemeral")) == 1


def test_retry_of_create_anyway_creates_one_more_deal(slack, running, fake):
    slack.command(ids.CMD_PROSPECT, "Acme Corp 10jt")
    asked = slack.command(ids.CMD_PROSPECT, "acme corp 20jt")
    assert "already" in all_text(asked.json)
    clicked = click(slack, asked.json, "Create anyway")
    assert clicked.status == 200
    [first] = fake.wait_for("response_url")
    assert "Rp20.000.000" in all_text(first.params)
    for n in (1, 2):
        assert slack.resend(clicked, retry_num=n).status == 200
    settle()
    assert sorted(d.value_cents for d in deals(running)) == [1_000_000_000, 2_000_000_000]
    assert len(moves(running)) == 2  # each deal created once
    # the retries may show the same answer again, never a second deal
    for call in fake.calls_to("response_url"):
        assert "Rp20.000.000" in all_text(call.params)
    assert "Acme Corp" in all_text(slack.command(ids.CMD_PIPELINE, "").json)


def test_retries_racing_the_first_create_anyway_create_one_more_deal(slack, running, fake):
    slack.command(ids.CMD_PROSPECT, "Acme Corp 10jt")
    asked = slack.command(ids.CMD_PROSPECT, "acme corp 20jt")
    b = buttons(asked.json)["Create anyway"]
    payload = slack.block_action_payload(b["action_id"], value=b["value"], message=asked.json)
    answers = send_with_retries(slack, payload)
    assert [a.status for a in answers] == [200] * 4
    fake.wait_for("response_url")
    settle()
    assert sorted(d.value_cents for d in deals(running)) == [1_000_000_000, 2_000_000_000]
    assert len(moves(running)) == 2
    for call in fake.calls_to("response_url"):
        assert "Rp20.000.000" in all_text(call.params)  # never an error shown
