"""Issue 13's guarantees on what issue 14 added: its modals read back only their own sealed
metadata (the deal's id); user text in its new messages is escaped; its state-changing
buttons and forms change things once per request; a won deal is announced only in a
channel of our own or one a manager confirmed (Slack Connect); a quick add asked about
again keeps only the mentions Slack really sent."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlmodel import select

from bot import ids
from slackkit import all_text
from storage.models import Deal
from storage.models_digest import DeliveryClaim
from tests.app.commands.test_deals import buttons, click
from tests.app.faults import count
from tests.app.jobs.test_digest import NOW, add_deal, posted
from tests.app.jobs.test_salesflow_aftersales import wait_posted
from tests.app.support import submit_and_replay
from tests.app.test_faults_hardening import HOSTILE, live_mentions, submit_planted
from tests.factories import add_manager, make_deal

MINUTE = timedelta(minutes=1)


def deal(running, name: str) -> Deal:
    with running.services.db.read() as s:
        return s.exec(select(Deal).where(Deal.name == name)).one()


def win_claims(running) -> list[DeliveryClaim]:
    with running.services.db.read() as s:
        return list(s.exec(select(DeliveryClaim).where(DeliveryClaim.kind == "win")).all())


# --- sealed metadata ----------------------------------------------------------------------


def test_the_final_value_form_reads_only_its_own_metadata(slack, fake, running):
    db = running.services.db
    won = make_deal(db, name="Bank BRI", value=None, stage_key="won")
    other = make_deal(db, name="Other", value=None, stage_key="won")
    slack.block_action(ids.ACTION_WON_VALUE, value=str(won), action_type="button")
    view = fake.wait_for("views.open")[-1].params["view"]
    assert view["private_metadata"] != str(won)  # sealed, not a bare id
    planted = submit_planted(slack, fake, view, {ids.BLOCK_WON_VALUE: "55jt"}, d=other)
    assert "can't be read" in json.dumps(planted.json)
    assert deal(running, "Other").value_cents is None
    ok = slack.view_submission(view, {ids.BLOCK_WON_VALUE: "55jt"})
    assert ok.status == 200 and not ok.text.strip()
    assert deal(running, "Bank BRI").value_cents == 5_500_000_000


def test_a_forged_after_sales_button_is_refused_not_apologised_for(slack, fake, running):
    for action_id, value in (
        (ids.ACTION_UNDO_MOVE, "{not json"),
        (f"{ids.ACTION_WON_TECHNIQUE}_ask", json.dumps({"d": "1; drop", "t": "ask"})),
        (ids.ACTION_KEEP_NOT_YET, "4" * 400),
    ):
        fake.clear()
        resp = slack.block_action(action_id, value=value, action_type="button")
        assert resp.status == 200
        [note] = fake.wait_for("response_url")
        assert "can't be read" in all_text(note.params), action_id


# --- escaping -----------------------------------------------------------------------------


def test_a_hostile_deal_name_never_pings_anyone_after_the_close(slack, fake, running):
    """Issue 14's new messages — the picker's details, the won message and its technique,
    the win announced in the channel, Keep later, Undo, win back, the team Home tab —
    escape the name."""
    db = running.services.db
    running.services.now = lambda: NOW
    add_manager(db, "UADMIN")
    slack.command(ids.CMD_DIGEST, "here 09:00 wins", user_id="UADMIN")
    first = make_deal(db, name=HOSTILE, now=NOW - timedelta(days=3))
    make_deal(db, name=HOSTILE + " two", now=NOW - timedelta(days=2))
    lost = make_deal(db, name=HOSTILE + " lost", stage_key="lost", now=NOW - timedelta(days=2))
    running.services.now = lambda: NOW + MINUTE
    picker = slack.command(ids.CMD_ADVANCE, "Acme won")
    click(slack, picker.json, HOSTILE)
    [won] = fake.wait_for("response_url")
    click(slack, won.params, "Ask for it")  # on record with its value: announced at once
    wait_posted(fake)
    slack.block_action(ids.ACTION_KEEP_NOT_YET, value=str(first), action_type="button")
    click(slack, won.params, "Undo")
    fake.wait_for("response_url", count=4)
    slack.block_action(ids.ACTION_WIN_BACK, value=str(lost), action_type="button")
    form = fake.wait_for("views.open")[-1].params["view"]
    slack.view_submission(form, {ids.BLOCK_WIN_BACK_ON: "2027-02-01"})
    slack.app_home_opened("UADMIN")
    fake.wait_for("views.publish")
    sent = [picker.json] + [c.params for c in fake.calls]
    shown = " ".join(all_text(p) for p in sent)
    for said in ("is won by", "Undone", "Keep first", "again on", "Which one?"):
        assert said in shown, said
    found = live_mentions(sent)
    assert not found, found


# --- once per request ---------------------------------------------------------------------


def test_a_replayed_keep_click_does_not_undo_a_later_change(slack, fake, running):
    db = running.services.db
    won = make_deal(db, name="Bank BRI", stage_key="won")
    first = slack.block_action(ids.ACTION_KEEP_NOT_YET, value=str(won), action_type="button")
    fake.wait_for("response_url")
    asked_on = deal(running, "Bank BRI").keep_check_on
    assert asked_on is not None
    with db.transaction() as s:  # meanwhile the Keep check was answered: no more asking
        row = s.exec(select(Deal).where(Deal.id == won)).one()
        row.keep_check_on = None
        s.add(row)
    slack.resend(first)
    slack.resend(first, retry_num=1, retry_reason="http_timeout")
    fake.wait_for("response_url", count=3)
    assert deal(running, "Bank BRI").keep_check_on is None


def test_a_replayed_win_back_date_is_answered_once(slack, fake, running):
    lost = make_deal(running.services.db, name="Mitra", stage_key="lost")
    answers = {ids.BLOCK_WIN_BACK_ON: "2027-02-01"}
    first, replay = submit_and_replay(slack, fake, ids.ACTION_WIN_BACK, lost, answers)
    assert first.status == 200 and not first.text.strip()
    assert replay.status == 200 and not replay.text.strip()
    told = [m for m in fake.messages("DU1") if "try *Mitra* again" in all_text(m["params"])]
    assert len(told) == 1
    assert deal(running, "Mitra").win_back_on == date(2027, 2, 1)


def test_a_replayed_reopen_is_answered_with_its_move_and_moves_once(slack, fake, running):
    lost = make_deal(running.services.db, name="Mitra", path=(("lost", NOW, "price"),))
    first = slack.block_action(ids.ACTION_REOPEN, value=str(lost), action_type="button")
    slack.resend(first)
    answers = fake.wait_for("response_url", count=2)
    assert all("Mitra" in all_text(a.params) for a in answers)
    assert not any("no longer applies" in all_text(a.params) for a in answers)
    moves = "select count(*) from stage_move where to_status = 'open'"
    reopened = count(running.services.db, moves)
    assert deal(running, "Mitra").status == "open" and reopened == 2  # created, re-opened


# --- Slack Connect: won announcements -----------------------------------------------------


def test_no_win_is_announced_in_a_shared_channel_until_a_manager_confirms_it(slack, fake, running):
    db, wins = running.services.db, running.services.wins
    running.services.now = lambda: NOW
    slack.command(ids.CMD_DIGEST, "here 09:00 wins", user_id="U1")  # our own channel…
    fake.share_channel("C1")  # … shared with another organisation since
    add_deal(db, "Mitra", created=NOW - timedelta(days=3))
    running.services.now = lambda: NOW + MINUTE
    slack.command(ids.CMD_ADVANCE, "Mitra won 55jt")
    fake.clear()
    running.services.now = lambda: NOW + 15 * MINUTE
    wins.sweep()
    assert posted(fake) == [] and fake.calls_to("conversations.info")
    [claim] = win_claims(running)
    assert claim.state != "posted" and claim.message_ts is None
    wins.sweep()  # given up: never asked again, never posted
    assert posted(fake) == [] and len(win_claims(running)) == 1
    # A manager confirms the channel: the next win is posted, without asking Slack.
    add_manager(db, "U2")
    asked = slack.command(ids.CMD_DIGEST, "here 09:00 wins", user_id="U2")
    slack.block_action(
        ids.ACTION_CONFIRM_SHARED_DIGEST, message=asked.json, user_id="U2", channel_id="C1"
    )
    fake.wait_for("response_url", timeout=20)
    add_deal(db, "Globex", created=NOW - timedelta(days=3))
    running.services.now = lambda: NOW + 16 * MINUTE
    slack.command(ids.CMD_ADVANCE, "Globex won 10jt")
    fake.clear()
    running.services.now = lambda: NOW + 30 * MINUTE
    wins.sweep()
    [news] = posted(fake)
    assert "*Globex* is won" in all_text(news["params"])
    assert fake.calls_to("conversations.info") == []


# --- real mentions only -------------------------------------------------------------------


def test_a_quick_add_asked_about_again_keeps_only_real_mentions(slack, fake, running):
    asked = slack.command(ids.CMD_PROSPECT, "1.5m Initech USD <@U2>")
    pick = buttons(asked.json)["“Initech”, in USD"]
    assert "<@U2>" not in pick["value"] or pick["value"].count(".") >= 1  # sealed
    forged = slack.block_action(
        pick["action_id"], value='"Initech" 1.5m USD <@UNOSUCHUSER>', message=asked.json
    )
    assert forged.status == 200
    [note] = fake.wait_for("response_url")
    assert "can't be read" in all_text(note.params)
    click(slack, asked.json, "“Initech”, in USD")
    fake.wait_for("response_url", count=2)
    initech = deal(running, "Initech")
    assert (initech.owner_id, initech.currency) == ("U2", "USD")


def test_typed_mentions_never_own_a_channels_wins(slack, running):
    resp = slack.command(ids.CMD_DIGEST, "here wins for &lt;@U2&gt;", as_sent=True)
    assert "not someone I can find" in all_text(resp.json)
