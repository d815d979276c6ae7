"""Issue 15, item 4: a member deactivated in Slack (``user_change`` with ``deleted``) is
recorded, gets no DM (reminders, nudges), and their open deals are listed for the managers —
on the Home tab with a "Reassign to…" picker that shows the same preview, and in the next
digest; reactivation undoes it. Newcomers get one welcome in their language."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from sqlmodel import select

from bot import ids
from handlers.jobs import Jobs
from slackkit import all_text
from storage.models import Deal
from storage.models_people import InactiveMember, WelcomeMark
from tests.app.jobs.test_digest import NOW, add_deal, dms, posted, wait_digest


@pytest.fixture
def team(running, fake):
    running.services.now = lambda: NOW  # Monday 09:00 in Jakarta
    db = running.services.db
    add_deal(db, "Acme", 50_000_000, owner="U2", next_step="Call", next_step_due=date(2026, 11, 23))
    add_deal(db, "Globex", 20_000_000, owner="U2")
    add_deal(db, "Mine", 1_000_000, owner="U1", next_step="Demo", next_step_due=date(2026, 11, 23))
    return running


def inactive(running, expected: list[str] | None = None) -> list[str]:
    """The members recorded inactive, waiting (events are handled after Slack's ack) until
    they are ``expected``."""
    deadline = time.monotonic() + 10
    while True:
        with running.services.db.read() as s:
            found = [m.user_id for m in s.exec(select(InactiveMember)).all()]
        if expected is None or found == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def deactivate(slack, running, user: str = "U2", deleted: bool = True):
    resp = slack.user_change(user, deleted=deleted)
    assert resp.status == 200
    inactive(running, [user] if deleted else [])
    return resp


def open_home(slack, fake, user: str) -> dict:
    """Open the Home tab and wait for the app to publish it."""
    before = len(fake.calls_to("views.publish"))
    slack.app_home_opened(user)
    fake.wait_for("views.publish", before + 1)
    return fake.home_view(user)


def test_a_deactivated_member_is_recorded_once_and_reactivation_undoes_it(slack, team):
    first = deactivate(slack, team)
    slack.resend(first, retry_num=1)  # Slack's retry: the same event
    assert inactive(team, ["U2"]) == ["U2"]
    deactivate(slack, team, deleted=False)
    assert inactive(team, []) == []


def test_a_deactivated_member_gets_no_reminder_and_no_nudge(slack, fake, team):
    deactivate(slack, team)
    Jobs(team.services, team.app.client).reminders()
    assert dms(fake, "U1")  # U1 still gets theirs
    assert not [m for m in fake.messages("DU2") if m["method"] == "chat.postMessage"]
    with team.services.db.read() as s:
        acme = s.exec(select(Deal).where(Deal.name == "Acme")).one()
    value = json.dumps({"deal": acme.id, "why": "overdue"})
    slack.block_action(ids.ACTION_NUDGE, value=value, user_id="UADMIN")
    [answer] = fake.wait_for("response_url")
    assert "<@U2> was deactivated in Slack, so I sent no DM" in all_text(answer.params)
    assert not [m for m in fake.messages("DU2") if m["method"] == "chat.postMessage"]


def test_managers_home_lists_their_deals_with_a_picker_that_previews(slack, fake, team):
    deactivate(slack, team)
    shown = all_text(open_home(slack, fake, "UADMIN"))
    assert "Deactivated members' open deals" in shown
    assert "<@U2>" in shown and "2 open deals, Rp70.000.000" in shown
    view = fake.home_view("UADMIN")
    pickers = [
        b["accessory"]
        for b in view["blocks"]
        if (b.get("accessory") or {}).get("type") == "users_select"
    ]
    assert [p["action_id"] for p in pickers] == [f"{ids.ACTION_REASSIGN_TO}_U2"]
    # A rep's Home tab has no such section.
    assert "Deactivated members" not in all_text(open_home(slack, fake, "U1"))
    # Picking the new owner shows the preview (in the app's DM: the Home tab has no
    # response_url); its Confirm moves the deals.
    slack.block_action(
        f"{ids.ACTION_REASSIGN_TO}_U2", selected_user="U1", view=view, user_id="UADMIN"
    )
    [preview] = [m for m in dms(fake, "UADMIN", 2) if "Reassign" in all_text(m["params"])]
    assert "Reassign 2 deals (Rp70.000.000) from <@U2> to <@U1>?" in all_text(preview["params"])
    slack.block_action(ids.ACTION_REASSIGN_CONFIRM, message=preview["params"], user_id="UADMIN")
    fake.wait_for("response_url")
    with team.services.db.read() as s:
        assert {d.owner_id for d in s.exec(select(Deal)).all()} == {"U1"}
    assert "Deactivated members" not in all_text(open_home(slack, fake, "UADMIN"))


def test_the_digest_has_a_short_section_until_they_are_back(slack, fake, team):
    fake.join_channel("C1")
    deactivate(slack, team)
    slack.command(ids.CMD_DIGEST, "now", user_id="UADMIN")
    wait_digest(fake)
    shown = all_text(posted(fake)[0]["params"])
    assert "Deactivated members' open deals" in shown and "<@U2>" in shown
    assert "/pipeline reassign @from @to" in shown
    deactivate(slack, team, deleted=False)  # back: off the managers' list
    assert "Deactivated members" not in all_text(open_home(slack, fake, "UADMIN"))


def test_welcome_once_on_a_newcomers_first_home_tab_visit(slack, fake, team):
    fake.add_user("U3", name="new.rep", real_name="New Rep")
    slack.app_home_opened("U3")
    [welcome] = dms(fake, "U3")
    text = all_text(welcome["params"])
    assert "Welcome to Salespath!" in text
    assert "/prospect" in text and "/advance" in text and "/pipeline" in text
    slack.app_home_opened("U3")
    slack.app_home_opened("U3")
    # U1 has used the app before (owns deals): recorded, but no welcome.
    slack.app_home_opened("U1")
    fake.wait_for("views.publish", 4)
    deadline = time.monotonic() + 10
    while True:  # the mark is written after the tab is published
        with team.services.db.read() as s:
            marks = sorted((m.team_id, m.user_id) for m in s.exec(select(WelcomeMark)).all())
        if len(marks) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert marks == [("T1", "U1"), ("T1", "U3")]
    assert len([m for m in fake.messages("DU3") if m["method"] == "chat.postMessage"]) == 1
    assert not [m for m in fake.messages("DU1") if m["method"] == "chat.postMessage"]


def test_welcome_in_the_readers_language(slack, fake, team):
    fake.add_user("U3", name="new.rep", real_name="New Rep")
    slack.command(ids.CMD_PIPELINE, "lang id", user_id="U3")
    slack.app_home_opened("U3")
    [welcome] = dms(fake, "U3")
    assert "Selamat datang di Salespath!" in all_text(welcome["params"])


def test_someone_of_another_organisation_or_a_bot_is_not_recorded(slack, team):
    outsider = {"id": "UEXT", "team_id": "TOTHER", "deleted": True}
    assert slack.event({"type": "user_change", "user": outsider}).status == 200
    bot = {"id": "UBOT2", "team_id": "T1", "deleted": True, "is_bot": True}
    assert slack.event({"type": "user_change", "user": bot}).status == 200
    deactivate(slack, team)  # handled in order after the two above
    assert inactive(team, ["U2"]) == ["U2"]
